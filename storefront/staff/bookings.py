"""The reservation book as staff read it: one day's tables, bookings and waitlist, requests
waiting for an answer, and the timeline of tables × time. The changes themselves are the
reservations service's (`mark`, `accept_request`, `decline_request`, `book`, `offer_to_waitlist`);
this module adds the staff's stale-page check in front of them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..core.rules import FORM, RuleViolation
from ..core.shop import Shop
from ..reservations import service as reservations
from ..reservations.context import Links
from ..reservations.models import (
    DiningTable,
    Reservation,
    ReservationStatus,
    WaitlistEntry,
    WaitlistStatus,
)
from ..store.service import hours_on

STEP = timedelta(minutes=30)  # the timeline's column width
MARKS = {"seated": ReservationStatus.SEATED, "completed": ReservationStatus.COMPLETED,
         "no_show": ReservationStatus.NO_SHOW, "cancelled": ReservationStatus.CANCELLED}
MARK_WORDS = {ReservationStatus.SEATED: "Seat", ReservationStatus.COMPLETED: "Complete",
              ReservationStatus.NO_SHOW: "No-show", ReservationStatus.CANCELLED: "Cancel"}


@dataclass
class Cell:
    reservation: Reservation | None
    span: int = 1  # columns the booking covers from here


@dataclass
class DayBook:
    day: date
    tables: list[DiningTable]
    bookings: list[Reservation]
    by_table: dict[int, list[Reservation]]
    times: list[datetime]  # the timeline's column starts
    rows: list[tuple[DiningTable, list[Cell]]]
    requests: list[Reservation]
    waitlist: list[WaitlistEntry]


def marks_for(reservation: Reservation) -> list[ReservationStatus]:
    return [s for s in MARK_WORDS if s in reservations.STAFF_MOVES.get(reservation.status, set())]


def day_book(session: Session, day: date, shop: Shop) -> DayBook:
    """Five queries whatever the day holds: tables, the day's bookings with their claims,
    requests, waitlist, hours."""
    tables = list(session.scalars(sa.select(DiningTable).order_by(DiningTable.position, DiningTable.name)))
    bookings = list(session.scalars(
        sa.select(Reservation).where(Reservation.local_date == day,
                                     Reservation.status != ReservationStatus.REQUESTED)
        .options(selectinload(Reservation.claims)).order_by(Reservation.starts_at, Reservation.id)))
    requests = list(session.scalars(
        sa.select(Reservation).where(Reservation.status == ReservationStatus.REQUESTED)
        .order_by(Reservation.starts_at).limit(50)))
    waitlist = list(session.scalars(
        sa.select(WaitlistEntry).where(WaitlistEntry.local_date == day,
                                       WaitlistEntry.status.in_((WaitlistStatus.WAITING, WaitlistStatus.NOTIFIED)))
        .order_by(WaitlistEntry.created_at, WaitlistEntry.id)))
    by_table: dict[int, list[Reservation]] = {t.id: [] for t in tables}
    for booking in bookings:
        # Released claims still say where a finished booking sat.
        claims = [c for c in booking.claims if c.released_at is None] or booking.claims
        for claim in claims:
            by_table.setdefault(claim.table_id, []).append(booking)
    times = _columns(session, day, shop)
    rows = [(table, _cells(by_table.get(table.id, []), times)) for table in tables]
    return DayBook(day=day, tables=tables, bookings=bookings, by_table=by_table, times=times, rows=rows,
                   requests=requests, waitlist=waitlist)


def _columns(session: Session, day: date, shop: Shop) -> list[datetime]:
    """Half-hour columns from the day's first opening to its last closing (none when closed)."""
    hours = hours_on(session, day)
    if hours.is_closed_all_day:
        return []
    start = datetime.combine(day, min(p[0] for p in hours.periods), tzinfo=shop.tz).astimezone(UTC)
    closes = max(p[1] for p in hours.periods)
    end_day = day + timedelta(days=1) if closes == time(0) else day
    end = datetime.combine(end_day, closes, tzinfo=shop.tz).astimezone(UTC)
    times = []
    while start < end and len(times) < 48:
        times.append(start)
        start += STEP
    return times


def _cells(bookings: list[Reservation], times: list[datetime]) -> list[Cell]:
    """One row of the timeline: a booking's cell spans the columns it overlaps; free columns are
    empty cells."""
    def overlaps(booking: Reservation, i: int) -> bool:
        return booking.starts_at < times[i] + STEP and booking.ends_at > times[i]

    live = [b for b in bookings if b.status in (ReservationStatus.CONFIRMED, ReservationStatus.SEATED,
                                                ReservationStatus.COMPLETED)]
    cells, i = [], 0
    while i < len(times):
        booking = next((b for b in live if overlaps(b, i)), None)
        span = 1
        while booking is not None and i + span < len(times) and overlaps(booking, i + span):
            span += 1
        cells.append(Cell(booking, span))
        i += span
    return cells


def _check_unchanged(reservation: Reservation, seen: str | None) -> None:
    if seen != reservation.status.value:
        raise RuleViolation.on(FORM, f"Booking {reservation.reference} has changed since this page was loaded: "
                                     f"it is now {reservation.status.label.lower()}. Nothing was changed.")


def find(session: Session, reference: str) -> Reservation | None:
    if not reference or len(reference) > 12:
        return None
    return session.scalars(sa.select(Reservation).where(Reservation.reference == reference.upper())).first()


def mark(session: Session, reservation: Reservation, to: str | None, seen: str | None, *, shop: Shop,
         links: Links, actor_id: int, now: datetime) -> Reservation:
    target = MARKS.get(to or "")
    if target is None:
        raise RuleViolation.on(FORM, "That is not something a booking can be marked as.")
    _check_unchanged(reservation, seen)
    return reservations.mark(session, reservation.reference, target, shop=shop, links=links, actor_id=actor_id,
                             now=now)


def decide(session: Session, reservation: Reservation, accept: bool, seen: str | None, *, shop: Shop,
           links: Links, actor_id: int, now: datetime, choice: str | None = None) -> Reservation:
    """Accept (the chosen tables, or the suggested ones) or decline a large-party request."""
    _check_unchanged(reservation, seen)
    if not accept:
        return reservations.decline_request(session, reservation.reference, shop=shop, links=links,
                                            actor_id=actor_id, now=now)
    return reservations.accept_request(session, reservation.reference, shop=shop, links=links, actor_id=actor_id,
                                       now=now, choice=choice)
