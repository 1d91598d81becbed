from flask import Blueprint

bp = Blueprint("checkout", __name__)
orders_bp = Blueprint("orders", __name__)

from . import order_views, views  # noqa: E402,F401  routes register on the blueprints
