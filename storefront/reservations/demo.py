"""The demo restaurant floor, booking rules and a few bookings, for `flask seed-demo`.
Idempotent: tables and combinations are matched by name, turn times by party size, bookings by
their fixed one-time key, so a second run adds nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..core import capacity
from ..core.security import new_token, token_digest
from ..core.settings import defaults_of
from ..store.models import Closure, OpeningPeriod
from .models import (
    ACTIVE_STATUSES,
    PACING,
    DiningTable,
    Occasion,
    Reservation,
    ReservationHistory,
    ReservationSettings,
    ReservationStatus,
    TableClaim,
    TableCombination,
    TurnTime,
)
from .rules import DEFAULT_TURN_TIMES, rules_of
from .service import NO_LIMIT, new_reference

# name, area, min seats, max seats, online bookable
TABLES = (
    ("T1", "window", 1, 2, True),
    ("T2", "window", 1, 2, True),
    ("T3", "inside", 2, 4, True),
    ("T4", "inside", 3, 4, True),
    ("T5", "inside", 3, 4, True),
    ("T6", "inside", 4, 6, True),
    ("T7", "terrace", 2, 4, True),
    ("T8", "terrace", 2, 4, True),
    ("Chef's table", "kitchen", 6, 10, False),
)

# name, member tables, min seats, max seats, online bookable
COMBINATIONS = (
    ("T4+T5", ("T4", "T5"), 7, 8, True),
    ("T7+T8", ("T7", "T8"), 5, 8, True),
    ("T4+T5+T6", ("T4", "T5", "T6"), 9, 14, False),
)

# key, email (a demo account's links the booking to it), name, party, days from today, local time,
# status, table
BOOKINGS = (
    ("demo-booking-casey-upcoming", "customer@example.com", "Casey Customer", 2, 3, time(12, 30),
     ReservationStatus.CONFIRMED, "T1"),
    ("demo-booking-casey-past", "customer@example.com", "Casey Customer", 4, -5, time(10, 0),
     ReservationStatus.COMPLETED, "T3"),
    ("demo-booking-guest-supper", "jordan.guest@example.com", "Jordan Guest", 5, 2, time(19, 0),
     ReservationStatus.CONFIRMED, "T6"),
)


def _opening(session: Session, tz: ZoneInfo, near: date, wall: time, forward: bool) -> date | None:
    """The nearest day from `near` (going forward or back) when the shop is open at `wall` and
    stays open two and a half hours."""
    end = (datetime.combine(near, wall) + timedelta(minutes=150)).time()
    for offset in range(0, 14):
        day = near + timedelta(days=offset if forward else -offset)
        closed = session.scalar(sa.select(Closure.id).where(Closure.starts_on <= day, Closure.ends_on >= day))
        open_then = session.scalar(sa.select(OpeningPeriod.id).where(
            OpeningPeriod.weekday == day.weekday(), OpeningPeriod.opens_at <= wall, OpeningPeriod.closes_at >= end))
        if closed is None and open_then is not None:
            return day
    return None


def seed_reservations(session: Session, *, tz: ZoneInfo, today: date, report) -> None:
    if session.scalar(sa.select(ReservationSettings.id).limit(1)) is None:
        session.add(defaults_of(ReservationSettings))
        report.count("reservation settings")
    have_turns = set(session.scalars(sa.select(TurnTime.party_from)))
    for party_from, minutes in DEFAULT_TURN_TIMES:
        if party_from not in have_turns:
            session.add(TurnTime(party_from=party_from, minutes=minutes))
            report.count("turn times")

    tables = {t.name: t for t in session.scalars(sa.select(DiningTable))}
    for position, (name, area, low, high, online) in enumerate(TABLES, start=1):
        if name not in tables:
            tables[name] = DiningTable(name=name, area=area, min_seats=low, max_seats=high, online_bookable=online,
                                       position=position)
            session.add(tables[name])
            report.count("dining tables")
    combos = set(session.scalars(sa.select(TableCombination.name)))
    for name, members, low, high, online in COMBINATIONS:
        if name not in combos:
            session.add(TableCombination(name=name, min_seats=low, max_seats=high, online_bookable=online,
                                         tables=[tables[m] for m in members]))
            report.count("table combinations")
    session.flush()

    keys = set(session.scalars(sa.select(Reservation.idempotency_key)
                               .where(Reservation.idempotency_key.like("demo-booking-%"))))
    turn = rules_of(defaults_of(ReservationSettings), DEFAULT_TURN_TIMES)
    for key, email, name, party, days, wall, status, table in BOOKINGS:
        if key in keys:
            continue
        day = _opening(session, tz, today + timedelta(days=days), wall, forward=days >= 0)
        if day is None:
            continue
        start = datetime.combine(day, wall, tz)
        end = start + turn.turn_for(party)
        user_id = session.scalar(sa.select(User.id).where(User.email == email))
        reservation = Reservation(
            reference=new_reference(), status=status, party_size=party, starts_at=start, ends_at=end, local_date=day,
            name=name, email=email, phone="07700 900123", occasion=Occasion.BIRTHDAY if days > 0 else None,
            special_requests="A quiet corner, please." if days > 0 else "", user_id=user_id,
            manage_token_hash=token_digest(new_token()), idempotency_key=key, confirmed_at=start - timedelta(days=7))
        released = None if status == ReservationStatus.CONFIRMED else end
        if status in ACTIVE_STATUSES:
            capacity.claim(session, PACING, start.astimezone(UTC), NO_LIMIT, party)
        reservation.claims.append(TableClaim(table_id=tables[table].id, starts_at=start, ends_at=end,
                                             released_at=released))
        reservation.history.append(ReservationHistory(to_status=ReservationStatus.CONFIRMED.value, actor="diner",
                                                      note="demo booking"))
        if status != ReservationStatus.CONFIRMED:
            reservation.history.append(ReservationHistory(from_status=ReservationStatus.CONFIRMED.value,
                                                          to_status=status.value, actor="staff", note="demo"))
        session.add(reservation)
        report.count("reservations")
