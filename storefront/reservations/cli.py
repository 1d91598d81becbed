"""`flask reservations …`: reminders (cron), and the staff's decisions until the staff pages
exist: list and accept or decline large-party requests, mark a booking seated, completed or a
no-show."""
from __future__ import annotations

from contextlib import contextmanager

import click
from flask import current_app

from ..core.rules import RuleViolation
from ..extensions import db
from ..store.current import current_shop
from . import bp, emails, service
from .context import email_links
from .models import ReservationStatus


@contextmanager
def _request_context():
    """Links in emails are built with url_for, which needs a request; PUBLIC_URL gives the host."""
    with current_app.test_request_context("/", base_url=current_app.config["PUBLIC_URL"]):
        yield


def _tools():
    return current_shop(), email_links()


@bp.cli.command("remind")
def remind_command() -> None:
    """Queue reminder emails for bookings about 24 hours ahead (each booking once). Run hourly."""
    with _request_context():
        shop, links = _tools()
        sent = service.send_reminders(db.session, shop=shop, links=links)
    click.echo(f"queued {sent} reminder{'s' if sent != 1 else ''}")


@bp.cli.command("requests")
def requests_command() -> None:
    """List the large-party requests waiting for an answer."""
    with _request_context():
        shop, _ = _tools()
        pending = service.pending_requests(db.session)
        if not pending:
            click.echo("no requests waiting")
        for reservation in pending:
            click.echo(f"{reservation.reference}  {emails.when(reservation.starts_at, shop)}  "
                       f"{reservation.party_size} guests  {reservation.name} <{reservation.email}>")


def _decide(action, reference: str, done: str) -> None:
    with _request_context():
        shop, links = _tools()
        try:
            reservation = action(db.session, reference, shop=shop, links=links)
        except RuleViolation as violation:
            raise click.ClickException(str(violation)) from None
    click.echo(f"{reservation.reference} {done}")


@bp.cli.command("accept")
@click.argument("reference")
def accept_command(reference: str) -> None:
    """Accept a request: tables are assigned and the diner is emailed."""
    _decide(service.accept_request, reference, "accepted")


@bp.cli.command("decline")
@click.argument("reference")
def decline_command(reference: str) -> None:
    """Decline a request; the diner is emailed."""
    _decide(service.decline_request, reference, "declined")


MARKS = {"seated": ReservationStatus.SEATED, "completed": ReservationStatus.COMPLETED,
         "no-show": ReservationStatus.NO_SHOW, "cancelled": ReservationStatus.CANCELLED}


@bp.cli.command("mark")
@click.argument("reference")
@click.argument("status", type=click.Choice(sorted(MARKS)))
def mark_command(reference: str, status: str) -> None:
    """Mark a booking seated, completed, a no-show or cancelled (by the restaurant)."""
    _decide(lambda session, ref, **kw: service.mark(session, ref, MARKS[status], **kw), reference, f"is now {status}")
