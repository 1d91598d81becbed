"""The customer's data: "download my data" (export.py), "delete my account" (erasure.py) and the
retention purge (retention.py, `flask privacy purge`)."""
from flask import Blueprint

bp = Blueprint("privacy", __name__, cli_group="privacy")

from . import cli, views  # noqa: E402,F401  routes and commands register on bp
