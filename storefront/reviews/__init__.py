"""Reviews and ratings: product reviews (verified purchase), visit reviews with food, service and
ambience sub-ratings (verified visit), helpful votes, reports, staff replies and moderation."""
from flask import Blueprint

bp = Blueprint("reviews", __name__, cli_group="reviews")

from . import cli, views  # noqa: E402,F401  routes and commands register on bp
