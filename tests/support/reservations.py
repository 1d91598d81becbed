"""Builders for reservation tests: tables, combinations, rules, opening hours and bookings.
Each returns committed rows (call inside an app context)."""
from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from storefront.core import capacity
from storefront.core.security import new_token, token_digest
from storefront.core.shop import Shop
from storefront.extensions import db
from storefront.reservations.context import Links
from storefront.reservations.models import (
    PACING,
    DiningTable,
    Reservation,
    ReservationHistory,
    ReservationSettings,
    ReservationStatus,
    TableClaim,
    TableCombination,
    TurnTime,
)
from storefront.reservations.rules import DEFAULT_TURN_TIMES
from storefront.reservations.service import NO_LIMIT
from storefront.store.models import OpeningPeriod
from tests.support.builders import make_store

LONDON = ZoneInfo("Europe/London")
_seq = itertools.count(1)


def make_table(name: str, min_seats: int, max_seats: int, *, area: str = "inside", online: bool = True,
               position: int = 0) -> DiningTable:
    table = DiningTable(name=name, area=area, min_seats=min_seats, max_seats=max_seats, online_bookable=online,
                        position=position)
    db.session.add(table)
    db.session.commit()
    return table


def make_combination(name: str, tables: list[DiningTable], min_seats: int, max_seats: int, *,
                     online: bool = True) -> TableCombination:
    combination = TableCombination(name=name, min_seats=min_seats, max_seats=max_seats, online_bookable=online,
                                   tables=tables)
    db.session.add(combination)
    db.session.commit()
    return combination


def make_rules(turn_times=DEFAULT_TURN_TIMES, **fields) -> ReservationSettings:
    settings = ReservationSettings(**fields)
    db.session.add(settings)
    for party_from, minutes in turn_times:
        db.session.add(TurnTime(party_from=party_from, minutes=minutes))
    db.session.commit()
    return settings


# The dining room most tests use: two tables for couples, one for 2–4, two for 3–4 that join for 7–8.
TABLES = (("T1", 1, 2), ("T2", 1, 2), ("T3", 2, 4), ("T4", 3, 4), ("T5", 3, 4))
COMBINATIONS = (("T4+T5", ("T4", "T5"), 7, 8),)


def make_room(tables=TABLES, combinations=COMBINATIONS, *, offline: tuple[str, ...] = (), opens: str = "12:00",
         closes: str = "22:00", store: dict | None = None, turn_times=DEFAULT_TURN_TIMES,
         **rules) -> dict[str, DiningTable]:
    """A shop ready to take bookings: its details (`store` overrides), reservation rules (`rules`
    override the model's defaults) with turn times, the same hours every day, and the dining
    room — tables as (name, min seats, max seats) in position order, `offline` naming the ones
    staff seat by hand, and combinations as (name, table names, min, max). Returns the tables
    by name."""
    make_store(**(store or {}))
    make_rules(turn_times, **rules)
    open_every_day(opens, closes)
    made = {name: make_table(name, low, high, position=i, online=name not in offline)
            for i, (name, low, high) in enumerate(tables, start=1)}
    for name, parts, low, high in combinations:
        make_combination(name, [made[part] for part in parts], low, high)
    return made


def open_every_day(opens: str = "12:00", closes: str = "22:00") -> None:
    def parse(value: str) -> time:
        hours, minutes = value.split(":")
        return time(int(hours), int(minutes))

    for weekday in range(7):
        db.session.add(OpeningPeriod(weekday=weekday, opens_at=parse(opens), closes_at=parse(closes)))
    db.session.commit()


def local(day: date, hh_mm: str, tz: ZoneInfo = LONDON) -> datetime:
    """An aware UTC instant for a wall time on `day` in `tz` (first occurrence)."""
    hours, minutes = hh_mm.split(":")
    return datetime.combine(day, time(int(hours), int(minutes)), tz).astimezone(UTC)


def make_reservation(start: datetime, party: int, tables: list[DiningTable], *, minutes: int | None = None,
                     status: ReservationStatus = ReservationStatus.CONFIRMED, email: str | None = None,
                     name: str = "Sam Diner", user_id: int | None = None, token: str | None = None,
                     confirmed_at: datetime | None = None, tz: ZoneInfo = LONDON) -> tuple[Reservation, str]:
    """A booking written directly (no rules checked): for setting up a state to test against."""
    token = token or new_token()
    end = start + timedelta(minutes=minutes or (75 if party <= 2 else 90 if party <= 4 else 120))
    n = next(_seq)
    reservation = Reservation(
        reference=f"TEST{n:04d}", status=status, party_size=party, starts_at=start, ends_at=end,
        local_date=start.astimezone(tz).date(), name=name, email=email or f"diner{n}@example.com", phone="0117 000 0000",
        user_id=user_id, manage_token_hash=token_digest(token), idempotency_key=f"test-key-{n}-{new_token()[:8]}",
        confirmed_at=confirmed_at or (start - timedelta(days=7)))
    if status in (ReservationStatus.CONFIRMED, ReservationStatus.SEATED):
        for table in tables:
            reservation.claims.append(TableClaim(table_id=table.id, starts_at=start, ends_at=end))
        capacity.claim(db.session, PACING, start, NO_LIMIT, party)  # its guests count towards pacing
    reservation.history.append(ReservationHistory(to_status=status.value, actor="diner", note="test"))
    db.session.add(reservation)
    db.session.commit()
    return reservation, token


def shop(tz: ZoneInfo = LONDON, phone: str = "0117 496 0123") -> Shop:
    return Shop(name="Test Bakery", address="1 High Street, Bristol", phone=phone, tz=tz, locale="en_GB")


LINKS = Links(
    manage=lambda token: f"http://test/reservations/{token}",
    calendar=lambda token: f"http://test/reservations/{token}/calendar.ics",
    find=lambda day, party, at: f"http://test/reservations?date={day.isoformat()}&party={party}"
                                + (f"&time={at}" if at else ""),
)


def active_claims() -> list[TableClaim]:
    return list(db.session.scalars(sa.select(TableClaim).where(TableClaim.released_at.is_(None))))


def future_day(days: int = 3) -> date:
    """A day this many days ahead in London (tests open every day, so any day works)."""
    return datetime.now(UTC).astimezone(LONDON).date() + timedelta(days=days)
