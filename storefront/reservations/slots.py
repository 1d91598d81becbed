"""The slot grid of one local day, in real (UTC) time, correct on daylight-saving change days.

A slot is an instant. The grid steps `step` at a time from the local day's first instant; a slot
belongs to an opening period when it starts at or after the period opens and the party's turn
ends by the time it closes ("last seating = closing time − turn time"). Stepping in real time
means the spring-forward day simply has no slots in the hour the clock skips, and the
fall-back day has the repeated hour's slots twice (once in summer time, once in winter time),
as a clock on the wall would show them.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..core.time import parse_instant


def local_instant(day: date, wall: time, tz: ZoneInfo) -> datetime:
    """The first real instant (UTC) at which a clock in `tz` shows `wall` on `day`; when the
    clock skips that time (spring forward), the instant it jumps, i.e. the first one after."""
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # In the gap: fold=0 and fold=1 give instants on either side of the jump. The jump is the
    # first instant whose local time is past `naive`; find it to the second.
    low = int(naive.replace(tzinfo=tz, fold=1).astimezone(UTC).timestamp())
    high = int(first.timestamp())
    low, high = min(low, high), max(low, high)
    while low < high:
        middle = (low + high) // 2
        if datetime.fromtimestamp(middle, UTC).astimezone(tz).replace(tzinfo=None) >= naive:
            high = middle
        else:
            low = middle + 1
    return datetime.fromtimestamp(low, UTC)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[first instant of `day`, first instant of the next day) in UTC."""
    return local_instant(day, time(0), tz), local_instant(day + timedelta(days=1), time(0), tz)


@dataclass(frozen=True, order=True)
class Slot:
    start: datetime  # aware UTC
    local: datetime  # the same instant in the store's zone
    repeated: bool = False  # the wall time occurs twice that day (the fall-back hour)

    @property
    def value(self) -> str:
        """How forms and links carry a slot: local ISO time with its UTC offset, unambiguous even
        in the repeated hour, e.g. 2026-06-12T19:30+01:00."""
        return self.local.isoformat(timespec="minutes")

    @property
    def day(self) -> date:
        return self.local.date()


def is_repeated(local: datetime) -> bool:
    """Whether the wall time of this (zone-aware) moment occurs twice that day (fall back)."""
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


def make_slot(start: datetime, tz: ZoneInfo) -> Slot:
    local = start.astimezone(tz)
    return Slot(start=start, local=local, repeated=is_repeated(local))


def day_grid(day: date, tz: ZoneInfo, step: timedelta) -> list[datetime]:
    """Every grid instant of the local day: its first instant, then every `step`."""
    first, end = day_bounds(day, tz)
    instants = []
    moment = first
    while moment < end:
        instants.append(moment)
        moment += step
    return instants


def day_slots(day: date, periods: Iterable[tuple[time, time]], tz: ZoneInfo, step: timedelta,
              turn: timedelta) -> list[Slot]:
    """The start times a party with this turn time could have on `day`, free or not."""
    windows = [(local_instant(day, opens, tz), local_instant(day, closes, tz)) for opens, closes in periods]
    return [make_slot(moment, tz) for moment in day_grid(day, tz, step)
            if any(opens <= moment and moment + turn <= closes for opens, closes in windows)]


def parse_slot_value(raw: str | None) -> datetime | None:
    """A slot value from a form or link back to an aware UTC instant, or None if it is not one."""
    return parse_instant(raw)
