"""Email verification: a new account, or a changed address, gets a single-use link for 24 hours.
Until the address is proved the account can browse, order and book; features that must wait for a
real inbox (such as redeeming loyalty points) ask `is_verified(user)`."""
from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core import outbox
from ..core.rules import RuleViolation
from ..core.security import new_token, token_digest
from ..core.time import utcnow
from .models import EmailVerificationToken, User

LIFETIME = timedelta(hours=24)
FIELD = "token"
EXPIRED = "This link has expired. Send yourself a new one from your account page."
USED = "This link was already used, or a newer one replaced it."
NOT_YOURS = "This link is for another account. Sign out, then open it again."
UNKNOWN = "We don't know this link. Check that you copied all of it."

LinkFor = Callable[[str], str]


def is_verified(user: User | None) -> bool:
    """Whether the account's current address has been proved by its emailed link."""
    return user is not None and getattr(user, "email_verified_at", None) is not None


def send_link(session: Session, user: User, *, link_for: LinkFor, store_name: str) -> None:
    """Queue a fresh link to the account's current address; earlier unused links stop working.
    In the caller's transaction (the caller commits)."""
    now = utcnow()
    _void_links(session, user, now)
    token = new_token()
    session.add(EmailVerificationToken(user_id=user.id, email=user.email, token_hash=token_digest(token),
                                       created_at=now, expires_at=now + LIFETIME))
    outbox.enqueue_template(session, to=user.email, subject=f"Confirm your email address – {store_name}",
                            template="verify_email", user=user, link=link_for(token),
                            hours=int(LIFETIME.total_seconds() // 3600))


def _void_links(session: Session, user: User, now) -> None:
    session.execute(sa.update(EmailVerificationToken)
                    .where(EmailVerificationToken.user_id == user.id, EmailVerificationToken.used_at.is_(None))
                    .values(used_at=now))


def check(session: Session, token: str, signed_in_id: int | None) -> EmailVerificationToken:
    """The link's row if it may verify now; otherwise a RuleViolation saying why."""
    row = session.scalars(sa.select(EmailVerificationToken)
                          .where(EmailVerificationToken.token_hash == token_digest(token[:200]))).first()
    if row is None:
        raise RuleViolation.on(FIELD, UNKNOWN)
    if signed_in_id is not None and row.user_id != signed_in_id:
        raise RuleViolation.on(FIELD, NOT_YOURS)
    if row.used_at is not None:
        raise RuleViolation.on(FIELD, USED)
    if row.expires_at <= utcnow():
        raise RuleViolation.on(FIELD, EXPIRED)
    user = session.get(User, row.user_id)
    if user is None or not user.is_active or user.email != row.email:
        raise RuleViolation.on(FIELD, USED)
    return row


def verify(session: Session, token: str, signed_in_id: int | None) -> User:
    """Prove the address: the link is claimed with a conditional update, so it works once."""
    row = check(session, token, signed_in_id)
    now = utcnow()
    claimed = session.execute(sa.update(EmailVerificationToken)
                              .where(EmailVerificationToken.id == row.id, EmailVerificationToken.used_at.is_(None))
                              .values(used_at=now)).rowcount
    if claimed != 1:
        session.rollback()
        raise RuleViolation.on(FIELD, USED)
    user = session.get(User, row.user_id)
    user.email_verified_at = now
    session.commit()
    return user


def resend(session: Session, user: User, *, link_for: LinkFor, store_name: str) -> None:
    if is_verified(user):
        raise RuleViolation.on(FIELD, "Your email address is already confirmed.")
    send_link(session, user, link_for=link_for, store_name=store_name)
    session.commit()
