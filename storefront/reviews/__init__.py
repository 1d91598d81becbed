"""Reviews and ratings: product reviews (verified purchase), visit reviews with food, service and
ambience sub-ratings (verified visit), helpful votes, reports, staff replies and moderation."""
from flask import Blueprint

bp = Blueprint("reviews", __name__, cli_group="reviews")

from ..orders.service import ON_COMPLETED  # noqa: E402
from . import cli, views  # noqa: E402,F401  routes and commands register on bp
from .service import invite_after_order  # noqa: E402

ON_COMPLETED.append(invite_after_order)  # a completed order invites its customer to review it
