"""The back office under `/staff`: the order board, the reservation book, the dashboard and the
audit log. Every route is for staff and admins only (see `access`)."""
from flask import Blueprint

bp = Blueprint("staff", __name__)

from . import access, catalogue, people_views, points, views  # noqa: E402,F401  routes and guards register on import
from .shop import bp as shop_bp  # noqa: E402

bp.register_blueprint(shop_bp, url_prefix="/shop")
