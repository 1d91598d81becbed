"""Loyalty points for tests: points earned at a given moment, the ledger read back."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.loyalty import service
from storefront.loyalty.models import EntryKind, LoyaltyAccount, LoyaltyEntry, LoyaltySettings


def give_points(user_id: int, points: int, *, at: datetime | None = None, reason: str = "Test points") -> None:
    service.record(db.session, user_id, EntryKind.EARNED, points, at or utcnow(), reason=reason)
    db.session.commit()


def set_rules(**fields) -> LoyaltySettings:
    row = LoyaltySettings(**fields)
    db.session.add(row)
    db.session.commit()
    return row


def balance(user_id: int) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(LoyaltyAccount.balance).where(LoyaltyAccount.user_id == user_id)) or 0


def ledger(user_id: int) -> list[tuple[str, int, int]]:
    """(kind, points, balance after), oldest first."""
    db.session.expire_all()
    return [(e.kind.value, e.points, e.balance_after) for e in db.session.scalars(
        sa.select(LoyaltyEntry).where(LoyaltyEntry.user_id == user_id).order_by(LoyaltyEntry.id))]
