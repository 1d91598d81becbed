""""Download my data": one JSON document of everything the shop holds about a customer, built
from sections. Each feature registers a section (a name and a function from a session and the
customer to plain JSON values) with one line, so privacy imports none of the features above it:

    add_section("loyalty", lambda session, user: [...])

Every section reads the customer's own rows only (by the account's id), with a fixed number of
statements however many rows there are."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..accounts import verification
from ..accounts.models import MarketingConsent, User
from ..core.time import utcnow
from ..orders.models import Order
from ..reservations.models import Reservation, WaitlistEntry
from ..reviews.models import Review

Loader = Callable[[Session, User], object]
SECTIONS: dict[str, Loader] = {}


def add_section(name: str, load: Loader) -> None:
    """Register (or replace) one section of the export."""
    SECTIONS[name] = load


def plain(value):
    """A value as JSON can hold it: Decimal as a string (no float rounding), times ISO 8601."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def _columns(row, *names: str) -> dict:
    return {name: plain(getattr(row, name)) for name in names}


def profile(session: Session, user: User) -> dict:
    return {**_columns(user, "name", "email", "phone", "role", "created_at", "last_login_at", "email_verified_at"),
            "email_verified": verification.is_verified(user)}


def orders(session: Session, user: User) -> list[dict]:
    rows = session.scalars(sa.select(Order).where(Order.user_id == user.id)
                           .options(selectinload(Order.lines)).order_by(Order.created_at)).all()
    return [{**_columns(order, "number", "created_at", "status", "fulfilment", "customer_name", "customer_email",
                        "customer_phone", "address_line", "address_city", "postcode", "scheduled_for",
                        "kitchen_note", "subtotal", "discount", "delivery_fee", "total", "promo_code",
                        "payment_method", "payment_status"),
             "lines": [_columns(line, "name", "unit_price", "quantity", "line_total") for line in order.lines]}
            for order in rows]


def reservations(session: Session, user: User) -> dict:
    bookings = session.scalars(sa.select(Reservation).where(Reservation.user_id == user.id)
                               .order_by(Reservation.starts_at)).all()
    waiting = session.scalars(sa.select(WaitlistEntry).where(WaitlistEntry.user_id == user.id)
                              .order_by(WaitlistEntry.created_at)).all()
    return {"bookings": [_columns(r, "reference", "status", "starts_at", "party_size", "name", "email", "phone",
                                  "occasion", "special_requests", "created_at") for r in bookings],
            "waitlist": [_columns(w, "local_date", "party_size", "window_start", "window_end", "name", "email",
                                  "phone", "status", "created_at") for w in waiting]}


def reviews(session: Session, user: User) -> list[dict]:
    rows = session.scalars(sa.select(Review).where(Review.user_id == user.id, Review.deleted_at.is_(None))
                           .options(selectinload(Review.product)).order_by(Review.created_at)).all()
    return [{**_columns(r, "kind", "rating", "food", "service", "ambience", "title", "body", "verified", "status",
                        "created_at", "reply_body"),
             "product": r.product.name if r.product else None} for r in rows]


def consents(session: Session, user: User) -> list[dict]:
    rows = session.scalars(sa.select(MarketingConsent).where(MarketingConsent.user_id == user.id)
                           .order_by(MarketingConsent.created_at, MarketingConsent.id)).all()
    return [{"marketing_email": row.given, **_columns(row, "source", "created_at", "email")} for row in rows]


for _name, _load in (("profile", profile), ("orders", orders), ("reservations", reservations),
                     ("reviews", reviews), ("consents", consents)):
    add_section(_name, _load)


def export(session: Session, user: User, *, store_name: str) -> dict:
    """The whole document: who made it and when, then every registered section."""
    return {"exported_at": utcnow().isoformat(), "shop": store_name,
            **{name: plain(load(session, user)) for name, load in SECTIONS.items()}}
