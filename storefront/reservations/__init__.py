"""Table reservations: availability, booking, the manage link, the waitlist and reminders."""
from flask import Blueprint

bp = Blueprint("reservations", __name__, cli_group="reservations")

from . import cli, views  # noqa: E402,F401  routes and commands register on bp
