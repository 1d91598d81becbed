"""A customer with a footprint everywhere the shop keeps personal data, and a scan of every text
column of every table (read from the models' metadata, so tables added later are scanned too)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from storefront.accounts import consent
from storefront.accounts.models import EmailVerificationToken, User
from storefront.core import audit, outbox
from storefront.core.security import new_token, token_digest
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.orders.models import Fulfilment
from storefront.reservations.models import ReservationStatus, WaitlistEntry
from tests.support.builders import make_product, make_user
from tests.support.reservations import future_day, local, make_reservation
from tests.support.reviews import make_order, write


@dataclass(frozen=True)
class Person:
    user_id: int
    email: str
    name: str
    phone: str

    @property
    def values(self) -> list[str]:
        return [self.email, self.name, self.phone]


def make_footprint(email: str, name: str, phone: str, *, tables: dict, product=None) -> Person:
    """An account with orders (one delivery, one guest order under the same email), a past and an
    upcoming booking, a waitlist entry, a product review, a consent, a verification link, an
    audit row about an email change and a sent and an unsent email."""
    user = make_user(email, name=name, phone=phone, verified=False)
    product = product or make_product(stock_quantity=10)
    delivered = make_order(user, [product])
    delivered.fulfilment, delivered.address_line, delivered.address_city, delivered.postcode = (
        Fulfilment.DELIVERY, f"1 Quay St, care of {name}", "Bristol", "BS1 4DJ")
    delivered.customer_phone = phone
    delivered.kitchen_note = f"Ring {phone}"
    make_order(None, [product], email=email.upper())  # a guest order, before the account existed
    table = next(iter(tables.values()))
    past, _ = make_reservation(utcnow() - timedelta(days=5), 2, [table], email=email, name=name, user_id=user.id,
                               status=ReservationStatus.COMPLETED)
    past.phone = phone
    upcoming, _ = make_reservation(local(future_day(4), "19:00"), 2, [table], email=email, name=name,
                                   user_id=user.id)
    upcoming.special_requests = f"A cake for {name}"
    db.session.add(WaitlistEntry(local_date=future_day(5), party_size=2, window_start=local(future_day(5), "18:00").time(),
                                 window_end=local(future_day(5), "21:00").time(), name=name, email=email, phone=phone,
                                 user_id=user.id))
    write(user, product, rating=5, body="The rye loaf is the best in town, honestly.")
    consent.record(db.session, email=email, given=True, source="registration", user_id=user.id)
    now = utcnow()
    db.session.add(EmailVerificationToken(user_id=user.id, email=email, token_hash=token_digest(new_token()),
                                          created_at=now, expires_at=now + timedelta(hours=24)))
    audit.record(db.session, actor_id=user.id, action="account.email_changed", target_type="user", target_id=user.id,
                 old=f"old.{email}", new=email)
    sent = outbox.enqueue(db.session, to=email, subject="Order confirmed", body=f"Hello {name}")
    sent.sent_at = now - timedelta(days=1)
    outbox.enqueue(db.session, to=email, subject="Your table", body=f"Hello {name}, see you soon")
    db.session.commit()
    return Person(user.id, email, name, phone)


@dataclass(frozen=True)
class Hit:
    table: str
    column: str
    value: str
    row: tuple


def _is_text(column: sa.Column) -> bool:
    return isinstance(column.type, sa.String | sa.Text | sa.JSON) and not isinstance(column.type, sa.Enum)


def scan(values: list[str]) -> list[Hit]:
    """Every (table, column) in the whole schema whose text holds any of `values`, ignoring case."""
    hits = []
    for table in db.metadata.sorted_tables:
        keys = list(table.primary_key.columns)
        for column in table.columns:
            if not _is_text(column):
                continue
            text = sa.func.lower(sa.cast(column, sa.Text))
            for value in values:
                rows = db.session.execute(sa.select(*keys).where(text.contains(value.lower(), autoescape=True))).all()
                hits.extend(Hit(table.name, column.name, value, tuple(row)) for row in rows)
    return hits


def text_columns() -> int:
    return sum(1 for table in db.metadata.sorted_tables for column in table.columns if _is_text(column))


def user_row(user_id: int) -> User:
    db.session.expire_all()
    return db.session.get(User, user_id)
