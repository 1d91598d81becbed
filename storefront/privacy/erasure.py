""""Delete my account": the login goes, personal data on orders, bookings and reviews is replaced
(orders stay for the books; reviews show "Former customer"), future bookings are cancelled with
their usual emails, and a confirmation goes to the old address. The rule that proves it: after
`delete_account` no text column of any table holds the customer's email, name or phone — except
the emails still waiting to go out, which `flask privacy purge` deletes once sent.

Features with data of their own add an eraser: `ON_ACCOUNT_DELETED.append(fn)`, where
`fn(session, user)` runs inside the deletion's transaction before the account is blanked."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import EmailVerificationToken, MarketingConsent, PasswordResetToken, User, new_session_nonce
from ..checkout.models import PromoRedemption
from ..core import audit, outbox
from ..core.audit import AuditEntry
from ..core.outbox import OutboxMessage
from ..core.rules import RuleViolation
from ..core.security import hash_password, new_token, verify_password
from ..core.shop import Shop
from ..core.time import utcnow
from ..orders.models import Order
from ..reservations import service as reservations
from ..reservations.context import Links
from ..reservations.models import Reservation, ReservationStatus, WaitlistEntry
from .models import OutboxErasure

ERASED_NAME = "Former customer"
ERASED_EMAIL = "former-customer@erased.invalid"
ERASED_TEXT = "[erased]"
WRONG_PASSWORD = "That is not your password. Nothing was deleted."
NOT_CONFIRMED = "Tick the box to confirm that you want your account deleted."
ALREADY_DELETED = "This account is already deleted."
STAFF = "Staff accounts are closed by an admin in the back office, not here."

ON_ACCOUNT_DELETED: list[Callable[[Session, User], None]] = []


@dataclass(frozen=True)
class Personal:
    """What identifies the customer: what must not survive the deletion."""
    email: str
    name: str
    phone: str | None

    @property
    def values(self) -> list[str]:
        return [value for value in (self.email, self.name, self.phone) if value]


@dataclass(frozen=True)
class Deleted:
    user_id: int
    email: str
    cancelled_bookings: int
    anonymised_orders: int
    kept_bookings: list[str]  # references too close to their time to cancel online


def delete_account(session: Session, user: User, *, password: str, confirmed: bool, shop: Shop,
                   links: Links) -> Deleted:
    if not password or not verify_password(user.password_hash, password):
        raise RuleViolation.on("password", WRONG_PASSWORD)
    if not confirmed:
        raise RuleViolation.on("confirm", NOT_CONFIRMED)
    if user.is_staff:
        raise RuleViolation.on("password", STAFF)
    who = Personal(email=user.email, name=user.name, phone=user.phone)
    user_id = user.id
    cancelled, kept = _cancel_future_bookings(session, user_id, shop=shop, links=links)
    # Each cancellation committed: read the account again, locked, so a second submit running at
    # the same time waits for this one and then finds nothing left to delete.
    user = session.get(User, user_id, with_for_update=True, populate_existing=True)
    if user is None or not user.is_active_account:
        session.rollback()
        raise RuleViolation.on("password", ALREADY_DELETED)
    for eraser in ON_ACCOUNT_DELETED:
        eraser(session, user)
    orders = _anonymise_orders(session, user_id, who)
    _anonymise_bookings(session, user_id, who)
    _forget_account_rows(session, user_id, who)
    _scrub_audit(session, who)
    _blank_login(user)
    audit.record(session, actor_id=None, action="account.deleted", target_type="user", target_id=user_id)
    message = outbox.enqueue_template(session, to=who.email, subject=f"Your account is deleted – {shop.name}",
                                      template="account_deleted", name=who.name, orders=orders,
                                      cancelled=cancelled, kept=kept)
    session.flush()
    _erase_mail(session, who, keep_until_sent=message)
    session.commit()
    return Deleted(user_id=user_id, email=who.email, cancelled_bookings=cancelled, anonymised_orders=orders,
                   kept_bookings=kept)


def _cancel_future_bookings(session: Session, user_id: int, *, shop: Shop, links: Links) -> tuple[int, list[str]]:
    """Cancel each upcoming booking through the bookings' own rules (tables freed, waitlist told,
    the diner emailed). One too close to its time stays booked, under the erased name."""
    upcoming = session.scalars(sa.select(Reservation.id).where(
        Reservation.user_id == user_id, Reservation.starts_at > utcnow(),
        Reservation.status.in_((ReservationStatus.CONFIRMED, ReservationStatus.REQUESTED)))).all()
    cancelled, kept = 0, []
    for reservation_id in upcoming:
        try:
            reservations.cancel(session, reservation_id, shop=shop, links=links, actor="diner", actor_id=user_id)
            cancelled += 1
        except RuleViolation:
            session.rollback()
            kept.append(session.get(Reservation, reservation_id).reference)
    return cancelled, kept


def _mine(column_user, column_email, user_id: int, who: Personal):
    return sa.or_(column_user == user_id, sa.func.lower(column_email) == who.email)


def _anonymise_orders(session: Session, user_id: int, who: Personal) -> int:
    ids = session.scalars(sa.select(Order.id).where(_mine(Order.user_id, Order.customer_email, user_id, who))).all()
    if ids:
        session.execute(sa.update(Order).where(Order.id.in_(ids)).values(
            customer_name=ERASED_NAME, customer_email=ERASED_EMAIL, customer_phone="", address_line=None,
            address_city=None, postcode=None, kitchen_note=""))
        session.execute(sa.update(PromoRedemption).where(PromoRedemption.order_id.in_(ids)).values(email=ERASED_EMAIL))
    session.execute(sa.update(PromoRedemption).where(
        _mine(PromoRedemption.user_id, PromoRedemption.email, user_id, who)).values(email=ERASED_EMAIL))
    return len(ids)


def _anonymise_bookings(session: Session, user_id: int, who: Personal) -> None:
    session.execute(sa.update(Reservation).where(_mine(Reservation.user_id, Reservation.email, user_id, who))
                    .values(name=ERASED_NAME, email=ERASED_EMAIL, phone="", special_requests=""))
    session.execute(sa.delete(WaitlistEntry).where(_mine(WaitlistEntry.user_id, WaitlistEntry.email, user_id, who)))


def _forget_account_rows(session: Session, user_id: int, who: Personal) -> None:
    session.execute(sa.delete(MarketingConsent).where(_mine(MarketingConsent.user_id, MarketingConsent.email,
                                                            user_id, who)))
    session.execute(sa.delete(EmailVerificationToken).where(EmailVerificationToken.user_id == user_id))
    session.execute(sa.delete(PasswordResetToken).where(PasswordResetToken.user_id == user_id))


def _scrub(value, needles: list[str]):
    if isinstance(value, str):
        return ERASED_TEXT if any(needle.lower() in value.lower() for needle in needles) else value
    if isinstance(value, dict):
        return {key: _scrub(item, needles) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item, needles) for item in value]
    return value


def _scrub_audit(session: Session, who: Personal) -> None:
    """Audit rows keep who did what to which record; any before/after value naming the customer
    becomes "[erased]"."""
    text = sa.cast(AuditEntry.details, sa.Text)
    rows = session.scalars(sa.select(AuditEntry).where(
        sa.or_(*[sa.func.lower(text).contains(value.lower(), autoescape=True) for value in who.values]))).all()
    for row in rows:
        row.details = _scrub(row.details, who.values)


def _blank_login(user: User) -> None:
    """The row stays (reviews and votes point at it) but is no longer a login or a person."""
    user.email = f"erased-{user.id}@erased.invalid"
    user.name = ERASED_NAME
    user.phone = None
    user.password_hash = hash_password(new_token())  # a password nobody knows
    user.session_nonce = new_session_nonce()
    user.is_active_account = False
    user.email_verified_at = None


def _erase_mail(session: Session, who: Personal, *, keep_until_sent: OutboxMessage) -> None:
    """Sent mail to the address goes now; mail still to be sent (this confirmation, the
    cancellations) is marked to be deleted once it has gone."""
    to_them = sa.func.lower(OutboxMessage.to_address) == who.email
    session.execute(sa.delete(OutboxMessage).where(to_them, OutboxMessage.sent_at.is_not(None)))
    waiting = session.scalars(sa.select(OutboxMessage.id).where(to_them, OutboxMessage.sent_at.is_(None))).all()
    marked = set(session.scalars(sa.select(OutboxErasure.outbox_id).where(OutboxErasure.outbox_id.in_(waiting))))
    session.add_all(OutboxErasure(outbox_id=message_id) for message_id in waiting if message_id not in marked)
