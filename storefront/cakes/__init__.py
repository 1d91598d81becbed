"""Custom cakes: the builder, its live price, cake days and capacity, reference photos."""
from flask import Blueprint

bp = Blueprint("cakes", __name__)

from . import views  # noqa: E402,F401  routes register on bp
