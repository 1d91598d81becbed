"""The booking as an iCalendar file (RFC 5545), made with the icalendar library."""
from __future__ import annotations

from datetime import datetime

from icalendar import Calendar, Event

from ..core.shop import Shop
from .emails import guests
from .models import Reservation, ReservationStatus

ICS_STATUS = {
    ReservationStatus.REQUESTED: "TENTATIVE",
    ReservationStatus.CANCELLED: "CANCELLED",
    ReservationStatus.NO_SHOW: "CANCELLED",
}


def calendar_file(reservation: Reservation, shop: Shop, *, manage_url: str | None, uid_domain: str,
                  now: datetime) -> bytes:
    description = f"{guests(reservation.party_size)}. Reference {reservation.reference}."
    if manage_url:
        description += f"\nChange or cancel: {manage_url}"
    if shop.phone:
        description += f"\nPhone: {shop.phone}"
    event = Event.new(
        uid=f"reservation-{reservation.reference}@{uid_domain}",
        summary=f"Table for {reservation.party_size} at {shop.name}",
        start=reservation.starts_at, end=reservation.ends_at, stamp=now,
        location=", ".join(p for p in (shop.name, shop.address) if p),
        description=description,
        # Each change bumps the sequence, so calendar apps replace the old time.
        sequence=max(len(reservation.history) - 1, 0),
        status=ICS_STATUS.get(reservation.status, "CONFIRMED"),
        url=manage_url,
    )
    calendar = Calendar.new(prodid=f"-//{shop.name}//Reservations//EN", method="PUBLISH",
                            subcomponents=[event])
    return calendar.to_ical()
