"""The text of every reservation email: (subject, body). Plain text, no HTML."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_date, format_time

from ..core.shop import Shop
from ..core.slots import Slot, is_repeated
from .context import Links
from .models import Reservation, WaitlistEntry


def when(moment: datetime, shop: Shop) -> str:
    """"Friday, 12 June 2026 at 19:30" in the shop's zone; the zone's abbreviation is added in
    the hour that happens twice when the clocks go back."""
    local = moment.astimezone(shop.tz)
    text = f"{format_date(local, 'full', locale=shop.locale)} at {format_time(local, 'short', locale=shop.locale)}"
    return f"{text} {local.tzname()}" if is_repeated(local) else text


def clock(slot: Slot, shop: Shop) -> str:
    text = format_time(slot.local, "short", locale=shop.locale)
    return f"{text} {slot.local.tzname()}" if slot.repeated else text


def guests(party: int) -> str:
    return "1 guest" if party == 1 else f"{party} guests"


def _details(reservation: Reservation, shop: Shop) -> str:
    lines = [f"  When:      {when(reservation.starts_at, shop)}",
             f"  Party:     {guests(reservation.party_size)}",
             f"  Reference: {reservation.reference}"]
    if reservation.special_requests:
        lines.append(f"  Requests:  {reservation.special_requests}")
    return "\n".join(lines)


def _policy(reservation: Reservation, shop: Shop, cutoff) -> str:
    deadline = when(reservation.starts_at - cutoff, shop)
    call = f" please call us on {shop.phone}" if shop.phone else " please call us"
    return (f"You can change or cancel online until {deadline}. After that,{call}.")


def cancellation_policy(cutoff, shop: Shop) -> str:
    """The policy as the booking form shows it before the diner confirms."""
    minutes = int(cutoff.total_seconds() // 60)
    span = (f"{minutes // 60} hour{'s' if minutes != 60 else ''}" if minutes % 60 == 0 else f"{minutes} minutes")
    call = f"please call us on {shop.phone}" if shop.phone else "please call us"
    return (f"You can change or cancel your booking online, free of charge, until {span} before it starts. "
            f"After that, {call}.")


def _signature(shop: Shop) -> str:
    parts = [shop.name]
    if shop.address:
        parts.append(shop.address)
    if shop.phone:
        parts.append(shop.phone)
    return "\n".join(parts) + "\n"


def booked(reservation: Reservation, shop: Shop, links: Links, token: str, cutoff) -> tuple[str, str]:
    subject = f"Your table for {reservation.party_size} on {when(reservation.starts_at, shop)} – {shop.name}"
    body = (f"Hello {reservation.name},\n\nYour table is booked. We look forward to seeing you.\n\n"
            f"{_details(reservation, shop)}\n\n"
            f"Add it to your calendar: {links.calendar(token)}\n"
            f"Change or cancel your booking: {links.manage(token)}\n\n"
            f"{_policy(reservation, shop, cutoff)}\n\n{_signature(shop)}")
    return subject, body


def requested(reservation: Reservation, shop: Shop, links: Links, token: str) -> tuple[str, str]:
    subject = f"We have your request for {reservation.party_size} – {shop.name}"
    body = (f"Hello {reservation.name},\n\nThank you for your request. It is not a booking yet: "
            "we will check we can seat your party and email you within a day.\n\n"
            f"{_details(reservation, shop)}\n\n"
            f"See or cancel your request: {links.manage(token)}\n\n{_signature(shop)}")
    return subject, body


def changed(reservation: Reservation, before: str, shop: Shop, links: Links, token: str | None,
            cutoff) -> tuple[str, str]:
    subject = f"Your booking is changed to {when(reservation.starts_at, shop)} – {shop.name}"
    manage = (f"Add the new time to your calendar: {links.calendar(token)}\n"
              f"Change or cancel your booking: {links.manage(token)}\n" if token else
              "The link in your first email still changes or cancels it.\n")
    body = (f"Hello {reservation.name},\n\nYour booking is changed. It was {before}; it is now:\n\n"
            f"{_details(reservation, shop)}\n\n{manage}\n"
            f"{_policy(reservation, shop, cutoff)}\n\n{_signature(shop)}")
    return subject, body


def cancelled(reservation: Reservation, shop: Shop, links: Links) -> tuple[str, str]:
    subject = f"Your booking on {when(reservation.starts_at, shop)} is cancelled – {shop.name}"
    body = (f"Hello {reservation.name},\n\nYour booking {reservation.reference} for "
            f"{guests(reservation.party_size)} on {when(reservation.starts_at, shop)} is cancelled.\n\n"
            f"Book again any time: {links.find(reservation.local_date, reservation.party_size, None)}\n\n"
            f"{_signature(shop)}")
    return subject, body


def request_accepted(reservation: Reservation, shop: Shop, links: Links, cutoff) -> tuple[str, str]:
    subject = f"Your table for {reservation.party_size} is confirmed – {shop.name}"
    body = (f"Hello {reservation.name},\n\nGood news: we can seat your party. Your table is booked.\n\n"
            f"{_details(reservation, shop)}\n\n"
            "The link in our first email shows your booking and cancels it.\n\n"
            f"{_policy(reservation, shop, cutoff)}\n\n{_signature(shop)}")
    return subject, body


def request_declined(reservation: Reservation, shop: Shop, links: Links) -> tuple[str, str]:
    subject = f"About your request for {reservation.party_size} – {shop.name}"
    body = (f"Hello {reservation.name},\n\nWe are sorry: we cannot seat a party of {reservation.party_size} "
            f"on {when(reservation.starts_at, shop)}.\n"
            + (f"Please call us on {shop.phone} and we will help you find another time.\n" if shop.phone else "")
            + f"\n{_signature(shop)}")
    return subject, body


def waitlist_offer(entry: WaitlistEntry, slots: Sequence[Slot], shop: Shop, links: Links) -> tuple[str, str]:
    day = format_date(entry.local_date, "full", locale=shop.locale)
    times = ", ".join(clock(s, shop) for s in slots)
    first = slots[0].local.strftime("%H:%M")
    subject = f"A table for {entry.party_size} is free on {day} – {shop.name}"
    body = (f"Hello {entry.name},\n\nYou asked us to tell you when a table for {guests(entry.party_size)} "
            f"came free on {day}. One just did, at: {times}.\n\n"
            f"Book it here (first come, first served): {links.find(entry.local_date, entry.party_size, first)}\n\n"
            f"{_signature(shop)}")
    return subject, body


def reminder(reservation: Reservation, shop: Shop, links: Links, cutoff) -> tuple[str, str]:
    subject = f"See you {when(reservation.starts_at, shop)} – {shop.name}"
    body = (f"Hello {reservation.name},\n\nA reminder of your table:\n\n{_details(reservation, shop)}\n\n"
            "The link in your booking confirmation changes or cancels it.\n"
            f"{_policy(reservation, shop, cutoff)}\n\n{_signature(shop)}")
    return subject, body
