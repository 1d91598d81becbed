"""Shop upkeep under `/staff/shop`: the store's details and hours, closures, ordering rules,
delivery zones, and the dining room's tables, combinations, turn times and booking rules. A
blueprint nested in `staff`, so the back office's guard and idle timeout cover it."""
from flask import Blueprint

bp = Blueprint("shop", __name__)

from . import views  # noqa: E402,F401  routes register on import
