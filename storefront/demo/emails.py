"""Every email the shop sends, rendered with demo data, nothing read from or written to the
database but the shop's details: for `flask emails preview`, the /dev/emails pages and the
tests that check each template. Adding an email means adding a sample here."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from flask import current_app

from ..accounts.models import User
from ..accounts.service import VOIDED_LINKS
from ..checkout.service import confirmation_email
from ..core.mail import Email, render_email
from ..core.shop import Shop
from ..core.slots import local_instant, make_slot
from ..core.time import utcnow
from ..orders.models import Fulfilment, Order, OrderLine, PaymentStatus, Status
from ..orders.viewing import when_words
from ..reservations import emails as booking_emails
from ..reservations.context import Links
from ..reservations.models import Reservation, ReservationStatus, WaitlistEntry
from ..reviews import emails as review_emails
from ..store.current import current_shop

TOKEN = "demo-token"  # stands in for a link's secret: the demo links open nothing
CUTOFF = timedelta(hours=2)


@dataclass(frozen=True)
class Demo:
    public_url: str
    shop: Shop
    links: Links
    day: date  # a day a few days ahead, when the demo table and order are for

    def at(self, hhmm: str) -> datetime:
        return local_instant(self.day, time.fromisoformat(hhmm), self.shop.tz)


def demo() -> Demo:
    shop = current_shop()
    public = current_app.config["PUBLIC_URL"].rstrip("/")
    links = Links(manage=lambda token: f"{public}/reservations/{token}",
                  calendar=lambda token: f"{public}/reservations/{token}/calendar.ics",
                  find=lambda day, party, at: f"{public}/reservations?date={day.isoformat()}&party={party}"
                                              + (f"&time={at}" if at else ""),
                  mine=lambda reference: f"{public}/reservations/mine/{reference}", uid_domain="demo.example")
    return Demo(public_url=public, shop=shop, links=links,
                day=utcnow().astimezone(shop.tz).date() + timedelta(days=3))


def _order(d: Demo, fulfilment: Fulfilment) -> Order:
    delivery = fulfilment == Fulfilment.DELIVERY
    lines = [OrderLine(name="Sourdough loaf", unit_price=Decimal("4.50"), quantity=1, line_total=Decimal("4.50")),
             OrderLine(name="Cardamom knot", unit_price=Decimal("3.20"), quantity=3, line_total=Decimal("9.60")),
             OrderLine(name="Flat white", unit_price=Decimal("3.10"), quantity=2, line_total=Decimal("6.20"))]
    discount, fee = (Decimal("2.03"), Decimal("2.50")) if delivery else (Decimal("0.00"), Decimal("0.00"))
    total = Decimal("20.30") - discount + fee
    return Order(number="CK-7Q4M2X", customer_name="Robin Rye", customer_email="robin@example.com",
                 customer_phone="0117 496 0000", fulfilment=fulfilment, is_asap=not delivery,
                 scheduled_for=d.at("12:30") if delivery else utcnow() + timedelta(minutes=20),
                 address_line="4 Harbour Walk" if delivery else None, address_city="Bristol" if delivery else None,
                 postcode="BS1 5DB" if delivery else None, subtotal=Decimal("20.30"), discount=discount,
                 delivery_fee=fee, total=total, tax_included=(total / 6).quantize(Decimal("0.01")),
                 promo_code="WELCOME10" if delivery else None, payment_method="in_person",
                 payment_status=PaymentStatus.UNPAID,
                 status=Status.PLACED, lines=lines)


def _reservation(d: Demo, status: ReservationStatus = ReservationStatus.CONFIRMED, party: int = 4) -> Reservation:
    start = d.at("19:30")
    return Reservation(reference="K7M2QX9P", status=status, party_size=party, starts_at=start,
                       ends_at=start + timedelta(minutes=90), local_date=d.day, name="Robin Rye",
                       email="robin@example.com", phone="0117 496 0000",
                       special_requests="A high chair, please", user_id=None)


def _order_email(d: Demo, fulfilment: Fulfilment) -> Email:
    order = _order(d, fulfilment)
    return confirmation_email(order, f"{d.public_url}/orders/{order.number}?key={TOKEN}", d.shop.name,
                               when_words(order))


def _waitlist_offer(d: Demo) -> Email:
    entry = WaitlistEntry(local_date=d.day, party_size=2, window_start=time(19), window_end=time(21),
                          name="Robin Rye", email="robin@example.com")
    return booking_emails.waitlist_offer(entry, [make_slot(d.at(t), d.shop.tz) for t in ("19:15", "19:30")],
                                         d.shop, d.links)


# name → the demo email; each template pair under templates/emails/ has at least one.
SAMPLES: dict[str, Callable[[Demo], Email]] = {
    "order_confirmation": lambda d: _order_email(d, Fulfilment.DELIVERY),
    "order_confirmation_pickup": lambda d: _order_email(d, Fulfilment.PICKUP),
    "order_cancelled": lambda d: render_email("order_cancelled", subject=f"Order CK-7Q4M2X cancelled – {d.shop.name}",
                                              order=_order(d, Fulfilment.PICKUP), reason="We have run out of rye flour"),
    "order_status": lambda d: render_email("order_status", subject=f"Order CK-7Q4M2X ready to collect – {d.shop.name}",
                                           order=_order(d, Fulfilment.PICKUP),
                                           headline="Your order CK-7Q4M2X is ready to collect."),
    "password_reset": lambda d: render_email("password_reset", subject=f"Reset your password – {d.shop.name}",
                                             user=User(name="Robin Rye", email="robin@example.com"),
                                             link=f"{d.public_url}/account/reset/{TOKEN}", minutes=60),
    "staff_invite": lambda d: render_email("staff_invite", subject=f"Your back-office account – {d.shop.name}",
                                           user=User(name="Robin Rye", email="robin@example.com"), inviter="Ada Owner",
                                           role="staff", link=f"{d.public_url}/account/reset/{TOKEN}", hours=72),
    "booking_confirmed": lambda d: booking_emails.booked(_reservation(d), d.shop, d.links, TOKEN, CUTOFF),
    "booking_requested": lambda d: booking_emails.requested(
        _reservation(d, ReservationStatus.REQUESTED, 14), d.shop, d.links, TOKEN),
    "booking_changed": lambda d: booking_emails.changed(
        _reservation(d), f"{booking_emails.when(d.at('18:00'), d.shop)} for 2 guests", d.shop, d.links, TOKEN,
        CUTOFF),
    "booking_cancelled": lambda d: booking_emails.cancelled(_reservation(d, ReservationStatus.CANCELLED), d.shop,
                                                            d.links),
    "booking_request_accepted": lambda d: booking_emails.request_accepted(_reservation(d, party=14), d.shop,
                                                                          d.links, CUTOFF),
    "booking_request_declined": lambda d: booking_emails.request_declined(
        _reservation(d, ReservationStatus.CANCELLED, 14), d.shop, d.links),
    "waitlist_offer": _waitlist_offer,
    "booking_reminder": lambda d: booking_emails.reminder(_reservation(d), d.shop, d.links, CUTOFF),
    "review_visit_invite": lambda d: review_emails.visit_invite(_reservation(d, ReservationStatus.COMPLETED),
                                                                f"{d.public_url}/reviews?invite={TOKEN}#write-review"),
    "review_order_invite": lambda d: review_emails.order_invite(
        _order(d, Fulfilment.PICKUP), f"{d.public_url}/reviews?invite={TOKEN}#write-review",
        [("Sourdough loaf", f"{d.public_url}/menu/sourdough-loaf#write-review"),
         ("Cardamom knot", f"{d.public_url}/menu/cardamom-knot#write-review")]),
    "password_changed": lambda d: render_email("password_changed", subject="Your password was changed",
                                               user=User(name="Robin Rye", email="robin@example.com"),
                                               voided=VOIDED_LINKS),
    "email_changed": lambda d: render_email("email_changed", subject="Your account's email address was changed",
                                            user=User(name="Robin Rye", email="robin@example.com"),
                                            new_email="robin.rye@example.org", voided=VOIDED_LINKS),
    "verify_email": lambda d: render_email("verify_email", subject=f"Confirm your email address – {d.shop.name}",
                                           user=User(name="Robin Rye", email="robin@example.com"),
                                           link=f"{d.public_url}/account/verify/{TOKEN}", hours=24),
    "account_deleted": lambda d: render_email("account_deleted", subject=f"Your account is deleted – {d.shop.name}",
                                              name="Robin Rye", orders=3, cancelled=1, kept=[]),
}


def render_samples() -> dict[str, Email]:
    """Every sample, rendered now (needs an application context)."""
    d = demo()
    return {name: sample(d) for name, sample in SAMPLES.items()}


def render_sample(name: str) -> Email | None:
    sample = SAMPLES.get(name)
    return sample(demo()) if sample else None
