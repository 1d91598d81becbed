"""Free times: load one range of days in a fixed number of statements (however many bookings
there are), then answer every question about them in memory.

A time is free for a party when it is on the day's slot grid inside an opening period (last
seating = closing − turn time), not on a closure, at least the minimum notice ahead, within the
booking horizon, pacing allows the party to start then, and some table or combination fits the
party with no held interval overlapping it, buffer included (see assignment.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core import capacity
from ..core.cache import cached
from ..core.slots import Slot, day_bounds, day_slots
from ..store.service import DayHours, hours_between
from .assignment import (
    CombinationInfo,
    Floor,
    Hold,
    Occupancy,
    Placement,
    TableInfo,
    choose,
)
from .models import (
    ACTIVE_STATUSES,
    PACING,
    DiningTable,
    Reservation,
    TableClaim,
    TableCombination,
    table_combination_members,
)
from .rules import Rules


def load_floor(session: Session) -> Floor:
    """The tables and combinations: cached (`core.cache`) until staff change either; the claims
    that decide what is free are always read afresh."""
    return cached([DiningTable.__tablename__, TableCombination.__tablename__, table_combination_members.name],
                  "floor", lambda: _read_floor(session), session)


def _read_floor(session: Session) -> Floor:
    tables = {row.id: TableInfo(row.id, row.name, row.area, row.min_seats, row.max_seats,
                                row.online_bookable, row.position)
              for row in session.execute(sa.select(DiningTable.id, DiningTable.name, DiningTable.area,
                                                   DiningTable.min_seats, DiningTable.max_seats,
                                                   DiningTable.online_bookable, DiningTable.position))}
    members: dict[int, list[int]] = defaultdict(list)
    for combination_id, table_id in session.execute(
            sa.select(table_combination_members.c.combination_id, table_combination_members.c.table_id)
            .order_by(table_combination_members.c.table_id)):
        members[combination_id].append(table_id)
    combinations = tuple(
        CombinationInfo(row.id, row.name, row.min_seats, row.max_seats, tuple(members.get(row.id, ())),
                        row.online_bookable)
        for row in session.execute(sa.select(TableCombination.id, TableCombination.name, TableCombination.min_seats,
                                             TableCombination.max_seats, TableCombination.online_bookable)))
    return Floor(tables, combinations)


def load_occupancy(session: Session, start: datetime, end: datetime, buffer: timedelta,
                   exclude_reservation_id: int | None = None) -> Occupancy:
    """Unreleased table holds that could clash with anything in [start, end), and the guests
    starting in it (the pacing counts, core.capacity), less the excluded booking's own: at most
    three statements."""
    occupancy = Occupancy()
    claims = (sa.select(TableClaim.table_id, TableClaim.starts_at, TableClaim.ends_at, TableClaim.reservation_id)
              .where(TableClaim.released_at.is_(None), TableClaim.starts_at < end + buffer,
                     TableClaim.ends_at > start - buffer))
    if exclude_reservation_id is not None:
        claims = claims.where(TableClaim.reservation_id != exclude_reservation_id)
    for table_id, claim_start, claim_end, reservation_id in session.execute(claims):
        occupancy.holds[table_id].append(Hold(claim_start, claim_end, reservation_id))
    occupancy.starts.extend(capacity.taken(session, PACING, (start, end)).items())
    if exclude_reservation_id is not None:
        own = session.execute(sa.select(Reservation.starts_at, Reservation.party_size)
                              .where(Reservation.id == exclude_reservation_id,
                                     Reservation.status.in_(ACTIVE_STATUSES))).first()
        if own is not None:
            occupancy.starts.append((own.starts_at, -own.party_size))
    return occupancy


@dataclass
class Book:
    """Everything needed to answer availability for the days [first, last]."""

    rules: Rules
    tz: ZoneInfo
    floor: Floor
    occupancy: Occupancy
    hours: dict[date, DayHours]
    now: datetime

    @property
    def today(self) -> date:
        return self.now.astimezone(self.tz).date()

    @property
    def last_bookable_day(self) -> date:
        return self.today + timedelta(days=self.rules.horizon_days)

    def slots(self, day: date, party: int) -> list[Slot]:
        """The day's possible start times for this party (the grid within opening hours)."""
        hours = self.hours.get(day)
        if hours is None or hours.is_closed_all_day:
            return []
        return day_slots(day, hours.periods, self.tz, self.rules.step, self.rules.turn_for(party))

    def placement(self, start: datetime, party: int, *, online_only: bool = True,
                  enforce_pacing: bool = True) -> Placement | None:
        """Where this party would sit at `start` (pacing and tables; not notice or horizon)."""
        rules = self.rules
        if enforce_pacing and not self.occupancy.pacing_allows(start, party, rules.step,
                                                                rules.pacing_guests_per_slot):
            return None
        return choose(self.floor, self.occupancy, party, start, start + rules.turn_for(party), rules.buffer,
                      online_only=online_only)

    def in_notice(self, start: datetime) -> bool:
        return start >= self.now + self.rules.notice

    def free_slots(self, day: date, party: int) -> list[Slot]:
        if day < self.today or day > self.last_bookable_day:
            return []
        return [slot for slot in self.slots(day, party)
                if self.in_notice(slot.start) and self.placement(slot.start, party) is not None]

    def hold(self, placement: Placement, start: datetime, party: int) -> None:
        """Count a place as taken in this in-memory book (the waitlist hands places out in turn)."""
        self.occupancy.add(placement, start, start + self.rules.turn_for(party), party)


def load_book(session: Session, rules: Rules, tz: ZoneInfo, first: date, last: date, now: datetime, *,
              exclude_reservation_id: int | None = None) -> Book:
    start, _ = day_bounds(first, tz)
    _, end = day_bounds(last, tz)
    return Book(rules=rules, tz=tz, floor=load_floor(session),
                occupancy=load_occupancy(session, start, end, rules.buffer, exclude_reservation_id),
                hours=hours_between(session, first, last), now=now)


def nearest(slots: list[Slot], wanted: datetime, count: int = 4) -> list[Slot]:
    """The `count` free times closest to `wanted`, in time order."""
    closest = sorted(slots, key=lambda s: (abs((s.start - wanted).total_seconds()), s.start))[:count]
    return sorted(closest)
