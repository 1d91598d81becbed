"""Demo points for `flask seed-demo`: the rules row with its defaults, and the demo customer's
points (some expiring within the month, so the account page shows it). Safe to run again: the
customer's points are added only while they have none."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..core.time import utcnow
from . import service
from .models import EntryKind, LoyaltyEntry, LoyaltySettings

CUSTOMER = "customer@example.com"
# days ago, kind, points, reason
POINTS = (
    (350, EntryKind.EARNED, 320, "Orders before online ordering"),
    (40, EntryKind.EARNED, 180, "Order history"),
    (5, EntryKind.ADJUSTED, 50, "Sorry for the wait on Saturday"),
)


def seed_loyalty(session: Session, report) -> None:
    if session.scalar(sa.select(LoyaltySettings.id).limit(1)) is None:
        session.add(LoyaltySettings())
        report.count("loyalty settings")
    session.flush()
    user_id = session.scalar(sa.select(User.id).where(User.email == CUSTOMER))
    if user_id is None or session.scalar(sa.select(LoyaltyEntry.id).where(LoyaltyEntry.user_id == user_id).limit(1)):
        return
    now = utcnow()
    for days_ago, kind, points, reason in POINTS:
        service.record(session, user_id, kind, points, now - timedelta(days=days_ago), reason=reason)
        report.count("loyalty points rows")
