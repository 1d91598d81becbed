"""`flask privacy purge`: the retention rules, for cron (daily)."""
from __future__ import annotations

import click
from flask import current_app

from ..extensions import db
from . import bp
from .retention import purge


@bp.cli.command("purge")
@click.option("--guest-days", type=click.IntRange(min=1), default=None,
              help="Anonymise guests' details older than this (default PRIVACY_GUEST_DAYS).")
@click.option("--outbox-days", type=click.IntRange(min=1), default=None,
              help="Delete sent emails older than this (default PRIVACY_OUTBOX_DAYS).")
def purge_command(guest_days: int | None, outbox_days: int | None) -> None:
    """Anonymise old guest contact details and delete old sent email. Safe to repeat."""
    config = current_app.config
    report = purge(db.session, guest_days=guest_days or config["PRIVACY_GUEST_DAYS"],
                   outbox_days=outbox_days or config["PRIVACY_OUTBOX_DAYS"])
    click.echo(str(report))
