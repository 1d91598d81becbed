"""Loyalty points: earned on completed orders, spent at checkout, shown on the account page.
The feature plugs into the layers below it through their hooks, so orders and checkout never
import it."""
from flask import Blueprint

bp = Blueprint("loyalty", __name__, cli_group="loyalty")

from ..checkout.service import REDEMPTION_SOURCES  # noqa: E402
from ..orders.service import GIVE_BACK, ON_COMPLETED, ON_REFUNDED  # noqa: E402
from . import cli, views  # noqa: E402,F401  the account section and the commands register on bp
from .service import earn_for_order, on_cancelled, on_refunded  # noqa: E402

ON_COMPLETED.append(earn_for_order)        # a completed order earns its points
GIVE_BACK.append(on_cancelled)             # a cancelled order gives back points spent, takes back points earned
ON_REFUNDED.append(on_refunded)            # ... and so does a refunded one
REDEMPTION_SOURCES.append(views.checkout_points)
