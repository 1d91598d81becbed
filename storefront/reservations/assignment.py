"""Which table a party gets, and whether a table is free: pure functions over plain values, so
the rules are tested without a database and the same code runs inside the booking lock.

Free: no held interval on the table overlaps the new one once the cleaning buffer is added
between them. Overlap is interval overlap — a long booking that contains a shorter one clashes,
not only one that starts inside another.

Assignment: the smallest fitting single table first (fewest seats, then the staff's order), a
combination only when no single table fits and is free, the smallest combination first. A table
"fits" when the party is within its seat range, so a party of two never takes a six-top whose
minimum is four, and takes a four-top only when every fitting two-top is held.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta


@dataclass(frozen=True)
class TableInfo:
    id: int
    name: str
    area: str
    min_seats: int
    max_seats: int
    online_bookable: bool = True
    position: int = 0


@dataclass(frozen=True)
class CombinationInfo:
    id: int
    name: str
    min_seats: int
    max_seats: int
    table_ids: tuple[int, ...]
    online_bookable: bool = True


@dataclass(frozen=True)
class Placement:
    tables: tuple[TableInfo, ...]
    combination: CombinationInfo | None = None

    @property
    def table_ids(self) -> tuple[int, ...]:
        return tuple(t.id for t in self.tables)

    @property
    def name(self) -> str:
        return self.combination.name if self.combination else self.tables[0].name


@dataclass(frozen=True)
class Floor:
    tables: dict[int, TableInfo]
    combinations: tuple[CombinationInfo, ...] = ()

    def placements_for(self, party: int, *, online_only: bool = True) -> list[Placement]:
        """Every way to seat `party`, in the order the assignment rule tries them."""
        singles = sorted((t for t in self.tables.values()
                          if t.min_seats <= party <= t.max_seats and (t.online_bookable or not online_only)),
                         key=lambda t: (t.max_seats, t.min_seats, t.position, t.id))
        combos = sorted((c for c in self.combinations
                         if c.min_seats <= party <= c.max_seats and (c.online_bookable or not online_only)
                         and c.table_ids and all(i in self.tables for i in c.table_ids)),
                        key=lambda c: (c.max_seats, len(c.table_ids), c.name, c.id))
        return ([Placement((t,)) for t in singles]
                + [Placement(tuple(self.tables[i] for i in c.table_ids), c) for c in combos])


@dataclass(frozen=True)
class Hold:
    start: datetime
    end: datetime
    reservation_id: int | None = None


def clashes(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime, buffer: timedelta) -> bool:
    """Two table holds clash when they overlap once `buffer` separates them."""
    return a_start < b_end + buffer and b_start < a_end + buffer


@dataclass
class Occupancy:
    """What is already held: intervals per table, and guests starting per instant (pacing)."""

    holds: dict[int, list[Hold]] = field(default_factory=lambda: defaultdict(list))
    starts: list[tuple[datetime, int]] = field(default_factory=list)

    def table_free(self, table_id: int, start: datetime, end: datetime, buffer: timedelta) -> bool:
        return not any(clashes(start, end, h.start, h.end, buffer) for h in self.holds.get(table_id, ()))

    def guests_starting(self, start: datetime, step: timedelta) -> int:
        return sum(party for moment, party in self.starts if start <= moment < start + step)

    def pacing_allows(self, start: datetime, party: int, step: timedelta, limit: int) -> bool:
        return self.guests_starting(start, step) + party <= limit

    def add(self, placement: Placement, start: datetime, end: datetime, party: int,
            reservation_id: int | None = None) -> None:
        for table_id in placement.table_ids:
            self.holds[table_id].append(Hold(start, end, reservation_id))
        self.starts.append((start, party))


def choose(floor: Floor, occupancy: Occupancy, party: int, start: datetime, end: datetime,
           buffer: timedelta, *, online_only: bool = True) -> Placement | None:
    """The placement the assignment rule picks for this party and time, or None when none is free."""
    for placement in floor.placements_for(party, online_only=online_only):
        if all(occupancy.table_free(table_id, start, end, buffer) for table_id in placement.table_ids):
            return placement
    return None
