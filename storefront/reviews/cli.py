"""`flask reviews …`: moderation for staff until the staff pages exist: list what waits, publish
or hide a review, reply to one, list readers' reports."""
from __future__ import annotations

import click

from ..core.rules import RuleViolation
from ..extensions import db
from . import bp, service
from .models import Review, Status


def _line(review: Review) -> str:
    subject = review.product.name if review.product else "visit"
    text = " ".join(review.body.split())
    return (f"#{review.id}  {review.rating}★  {subject}  by {review.author_name}  "
            f"{'[' + review.held_reason + '] ' if review.held_reason else ''}{text[:80]}")


def _act(action, *args) -> Review:
    try:
        return action(db.session, *args)
    except RuleViolation as violation:
        raise click.ClickException(str(violation)) from None


@bp.cli.command("pending")
def pending_command() -> None:
    """List reviews held for staff (a link or a blocked word)."""
    held = service.pending(db.session)
    if not held:
        click.echo("no reviews waiting")
    for review in held:
        click.echo(_line(review))


@bp.cli.command("reports")
def reports_command() -> None:
    """List readers' open reports."""
    rows = service.open_reports(db.session)
    if not rows:
        click.echo("no open reports")
    for report, review in rows:
        click.echo(f"{service.REPORT_REASONS[report.reason]}: {report.note or '-'}\n  {_line(review)}")


@bp.cli.command("publish")
@click.argument("review_id", type=int)
def publish_command(review_id: int) -> None:
    """Publish a held or hidden review, or keep a reported one (its open reports are resolved)."""
    _act(lambda session, rid: service.set_status(session, rid, Status.PUBLISHED), review_id)
    click.echo(f"review {review_id} is published")


@bp.cli.command("hide")
@click.argument("review_id", type=int)
def hide_command(review_id: int) -> None:
    """Hide a review (its open reports are resolved)."""
    _act(lambda session, rid: service.set_status(session, rid, Status.HIDDEN), review_id)
    click.echo(f"review {review_id} is hidden")


@bp.cli.command("reply")
@click.argument("review_id", type=int)
@click.argument("text")
def reply_command(review_id: int, text: str) -> None:
    """Publish the shop's reply under a review ("" removes it)."""
    _act(service.reply, review_id, text)
    click.echo(f"reply to review {review_id} is {'published' if text.strip() else 'removed'}")
