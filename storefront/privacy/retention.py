"""The retention purge (`flask privacy purge`, run daily from cron): guests' contact details on
orders, bookings and waitlist entries older than `PRIVACY_GUEST_DAYS` are replaced, delivered
email older than `PRIVACY_OUTBOX_DAYS` is deleted, and mail to erased accounts is deleted as soon
as it has gone. Running it twice changes nothing the second time; it says what it did."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..checkout.models import PromoRedemption
from ..core.outbox import OutboxMessage
from ..core.time import utcnow
from ..orders.models import Order
from ..reservations.models import Reservation, WaitlistEntry
from .erasure import ERASED_EMAIL, ERASED_NAME
from .models import OutboxErasure


@dataclass(frozen=True)
class Purged:
    orders: int
    reservations: int
    waitlist: int
    outbox: int

    def __str__(self) -> str:
        return (f"anonymised {self.orders} guest orders and {self.reservations} guest bookings, "
                f"deleted {self.waitlist} waitlist entries and {self.outbox} sent emails")


def purge(session: Session, *, guest_days: int, outbox_days: int, now: datetime | None = None) -> Purged:
    if guest_days < 1 or outbox_days < 1:
        raise ValueError("retention periods are at least one day")
    now = now or utcnow()
    guests_before = now - timedelta(days=guest_days)
    order_ids = session.scalars(sa.select(Order.id).where(
        Order.user_id.is_(None), Order.created_at < guests_before, Order.customer_email != ERASED_EMAIL)).all()
    if order_ids:
        session.execute(sa.update(Order).where(Order.id.in_(order_ids)).values(
            customer_name=ERASED_NAME, customer_email=ERASED_EMAIL, customer_phone="", address_line=None,
            address_city=None, postcode=None, kitchen_note=""))
        session.execute(sa.update(PromoRedemption).where(PromoRedemption.order_id.in_(order_ids))
                        .values(email=ERASED_EMAIL))
    bookings = session.execute(sa.update(Reservation).where(
        Reservation.user_id.is_(None), Reservation.starts_at < guests_before, Reservation.email != ERASED_EMAIL)
        .values(name=ERASED_NAME, email=ERASED_EMAIL, phone="", special_requests="")).rowcount
    waitlist = session.execute(sa.delete(WaitlistEntry).where(
        WaitlistEntry.user_id.is_(None), WaitlistEntry.created_at < guests_before)).rowcount
    erased_mail = sa.select(OutboxErasure.outbox_id)
    mail = session.execute(sa.delete(OutboxMessage).where(OutboxMessage.sent_at.is_not(None), sa.or_(
        OutboxMessage.sent_at < now - timedelta(days=outbox_days), OutboxMessage.id.in_(erased_mail)))).rowcount
    session.commit()
    return Purged(orders=len(order_ids), reservations=bookings, waitlist=waitlist, outbox=mail)
