"""`flask loyalty expire` (run daily from cron) and `flask loyalty adjust` (staff, audited)."""
from __future__ import annotations

import click
import sqlalchemy as sa

from ..accounts.models import Role, User
from ..core.rules import RuleViolation
from ..core.time import utcnow
from ..extensions import db
from . import bp, service


@bp.cli.command("expire")
def expire_command() -> None:
    """Expire points held past their expiry, oldest first. Safe to run again."""
    customers, points = service.expire_due(db.session, utcnow())
    db.session.commit()
    click.echo(f"Expired {points} points of {customers} customers.")


def _user(email: str) -> User | None:
    return db.session.scalars(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower())).first()


@bp.cli.command("adjust")
@click.argument("email")
@click.option("--points", type=int, required=True, help="Points to add; negative to take some away.")
@click.option("--reason", required=True, help="Why (the customer sees it in their history).")
@click.option("--by", "staff_email", required=True, help="The staff member making the change (audited).")
def adjust_command(email: str, points: int, reason: str, staff_email: str) -> None:
    """Add points to (or, negative, take them from) the customer with EMAIL."""
    customer, staff = _user(email), _user(staff_email)
    if customer is None:
        raise click.ClickException(f"No customer with the email {email}.")
    if staff is None or staff.role not in (Role.STAFF, Role.ADMIN):
        raise click.ClickException(f"{staff_email} is not a staff account.")
    try:
        entry = service.adjust(db.session, customer.id, points, reason, actor_id=staff.id, now=utcnow())
    except RuleViolation as violation:
        db.session.rollback()
        raise click.ClickException(str(violation)) from None
    db.session.commit()
    click.echo(f"{customer.email}: {points:+d} points, balance now {entry.balance_after}.")
