"""Orders: what a checkout writes, and what customers and staff read and do afterwards."""
from flask import Blueprint

bp = Blueprint("orders", __name__)

from . import views  # noqa: E402,F401  routes register on bp
