"""Marketing email consent: opt-in (never ticked for the customer), appended with when and where,
withdrawn the same way. The newest row for an account is its answer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.time import utcnow
from .models import MarketingConsent, User

SOURCES = ("registration", "checkout", "account")
LABEL = "Email me news and offers from the shop (optional)"


@dataclass(frozen=True)
class Answer:
    given: bool
    at: datetime | None
    source: str | None


def record(session: Session, *, email: str, given: bool, source: str, user_id: int | None = None) -> MarketingConsent:
    """Append a yes or a no to the caller's transaction (the caller commits)."""
    if source not in SOURCES:
        raise ValueError(f"unknown consent source {source!r}")
    row = MarketingConsent(user_id=user_id, email=email.strip().lower()[:254], given=given, source=source,
                           created_at=utcnow())
    session.add(row)
    return row


def current(session: Session, user_id: int) -> Answer:
    row = session.scalars(sa.select(MarketingConsent).where(MarketingConsent.user_id == user_id)
                          .order_by(MarketingConsent.created_at.desc(), MarketingConsent.id.desc()).limit(1)).first()
    return Answer(False, None, None) if row is None else Answer(row.given, row.created_at, row.source)


def set_for_account(session: Session, user: User, given: bool) -> bool:
    """The account page's switch: writes a row only when the answer changes. Whether it did."""
    if current(session, user.id).given == given:
        return False
    record(session, email=user.email, given=given, source="account", user_id=user.id)
    session.commit()
    return True


def given_at_checkout(session: Session, *, email: str, user_id: int | None) -> None:
    """A tick at checkout: a yes for the account (or the guest's email). An unticked box changes
    nothing; withdrawing is done on the account page or by replying to any email."""
    if user_id is not None and current(session, user_id).given:
        return
    record(session, email=email, given=True, source="checkout", user_id=user_id)
    session.commit()
