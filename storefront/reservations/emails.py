"""Every reservation email: its subject and what its templates (`templates/emails/booking_*`)
are given; the words of times and parties that the pages share."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from babel.dates import format_date, format_time

from ..core.mail import Attachment, Email, render_email
from ..core.shop import Shop
from ..core.slots import Slot, is_repeated
from ..core.time import utcnow
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


def _rows(reservation: Reservation, shop: Shop) -> list[tuple[str, str]]:
    return [("When", when(reservation.starts_at, shop)), ("Party", guests(reservation.party_size)),
            ("Reference", reservation.reference), ("Requests", reservation.special_requests)]


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


def _manage_url(reservation: Reservation, links: Links, token: str | None) -> str | None:
    """The manage link: the token's when we have it (only its hash is stored), else the owner's
    signed-in page for a booking made from an account."""
    if token:
        return links.manage(token)
    if reservation.user_id is not None and links.mine is not None:
        return links.mine(reservation.reference)
    return None


def _calendar(reservation: Reservation, shop: Shop, links: Links, manage_url: str | None) -> Attachment:
    from .ics import calendar_file  # ics words its description with this module's helpers

    return Attachment(filename=f"booking-{reservation.reference}.ics", content_type="text/calendar; method=PUBLISH",
                      content=calendar_file(reservation, shop, manage_url=manage_url, uid_domain=links.uid_domain,
                                            now=utcnow()))


def _booking_email(template: str, subject: str, reservation: Reservation, shop: Shop, links: Links, *,
                   cutoff=None, attach_calendar: bool = False, manage_url: str | None = None,
                   **context) -> Email:
    """A reservation email: the booking's details and policy, and its .ics when `attach_calendar`."""
    attachments = [_calendar(reservation, shop, links, manage_url)] if attach_calendar else []
    return render_email(template, subject=subject, attachments=attachments, reservation=reservation, shop=shop,
                        when=when(reservation.starts_at, shop), party=guests(reservation.party_size),
                        rows=_rows(reservation, shop), policy=_policy(reservation, shop, cutoff) if cutoff else None,
                        manage_url=manage_url, **context)


def booked(reservation: Reservation, shop: Shop, links: Links, token: str, cutoff) -> Email:
    subject = f"Your table for {reservation.party_size} on {when(reservation.starts_at, shop)} – {shop.name}"
    return _booking_email("booking_confirmed", subject, reservation, shop, links, cutoff=cutoff,
                          attach_calendar=True, manage_url=links.manage(token), calendar_url=links.calendar(token))


def requested(reservation: Reservation, shop: Shop, links: Links, token: str) -> Email:
    subject = f"We have your request for {reservation.party_size} – {shop.name}"
    return _booking_email("booking_requested", subject, reservation, shop, links, manage_url=links.manage(token))


def changed(reservation: Reservation, before: str, shop: Shop, links: Links, token: str | None,
            cutoff) -> Email:
    subject = f"Your booking is changed to {when(reservation.starts_at, shop)} – {shop.name}"
    return _booking_email("booking_changed", subject, reservation, shop, links, cutoff=cutoff,
                          attach_calendar=True, manage_url=_manage_url(reservation, links, token),
                          calendar_url=links.calendar(token) if token else None, before=before)


def cancelled(reservation: Reservation, shop: Shop, links: Links) -> Email:
    subject = f"Your booking on {when(reservation.starts_at, shop)} is cancelled – {shop.name}"
    return _booking_email("booking_cancelled", subject, reservation, shop, links, attach_calendar=True,
                          find_url=links.find(reservation.local_date, reservation.party_size, None))


def request_accepted(reservation: Reservation, shop: Shop, links: Links, cutoff) -> Email:
    subject = f"Your table for {reservation.party_size} is confirmed – {shop.name}"
    return _booking_email("booking_request_accepted", subject, reservation, shop, links, cutoff=cutoff,
                          attach_calendar=True, manage_url=_manage_url(reservation, links, None))


def request_declined(reservation: Reservation, shop: Shop, links: Links) -> Email:
    subject = f"About your request for {reservation.party_size} – {shop.name}"
    return _booking_email("booking_request_declined", subject, reservation, shop, links)


def waitlist_offer(entry: WaitlistEntry, slots: Sequence[Slot], shop: Shop, links: Links) -> Email:
    day = format_date(entry.local_date, "full", locale=shop.locale)
    first = slots[0].local.strftime("%H:%M")
    return render_email("waitlist_offer", subject=f"A table for {entry.party_size} is free on {day} – {shop.name}",
                        entry=entry, shop=shop, day=day, party=guests(entry.party_size),
                        times=", ".join(clock(s, shop) for s in slots),
                        book_url=links.find(entry.local_date, entry.party_size, first))


def reminder(reservation: Reservation, shop: Shop, links: Links, cutoff) -> Email:
    subject = f"See you {when(reservation.starts_at, shop)} – {shop.name}"
    return _booking_email("booking_reminder", subject, reservation, shop, links, cutoff=cutoff,
                          manage_url=_manage_url(reservation, links, None))
