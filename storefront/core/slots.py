"""The slot grid: start times on a local day, in real (UTC) time, correct on daylight-saving
change days. Order slots, table slots and (next) cake dates all use it.

The rules, one for each awkward case:

- **Stepping.** Slots start at an opening period's opening time and follow every `step` of real
  time; a slot belongs to the period when what must happen after its start (the party's turn at
  the table, the kitchen's last-order margin) ends by the period's closing time.
- **Spring forward (the skipped hour).** A wall time the clock skips is read as the instant the
  clock jumps (`local_instant`): an opening at 01:30 on the London change day opens at 02:00 BST.
  No slot is ever shown at a wall time that does not exist.
- **Fall back (the repeated hour).** The repeated wall times are offered twice, once in summer
  time and once in winter time, as a clock on the wall shows them, and marked `repeated` so
  pages can say which is which. A wall time given without an offset means its first occurrence.
- **Wire format.** Forms and links carry a slot as its local ISO time with the UTC offset
  (`2026-06-12T19:30+01:00`): readable, and unambiguous in the repeated hour. Any ISO instant
  with an offset (`…Z` too) is read back; a time without an offset is refused, never guessed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property, lru_cache
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
    is_full: bool = False  # no place left (set by the feature that counts places)

    @cached_property  # slots are kept per process (day_slots) and shown many times over
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


def make_slot(start: datetime, tz: ZoneInfo, *, is_full: bool = False) -> Slot:
    local = start.astimezone(tz)
    return Slot(start=start, local=local, repeated=is_repeated(local), is_full=is_full)


def day_slots(day: date, periods: Iterable[tuple[time, time]], tz: ZoneInfo, step: timedelta,
              tail: timedelta) -> list[Slot]:
    """Every slot of `day`, in time order: from each period's opening, every `step`, while
    start + `tail` (a table's turn time, the kitchen's last-order margin) is by closing time."""
    return list(_day_slots(day, tuple((opens, closes) for opens, closes in periods), tz, step, tail))


# A checkout page lists a week of slots, a table search a day's: the grid of a day only changes
# with its hours and rules, which are part of the key, so it is worked out once per process.
@lru_cache(maxsize=2048)
def _day_slots(day: date, periods: tuple[tuple[time, time], ...], tz: ZoneInfo, step: timedelta,
               tail: timedelta) -> tuple[Slot, ...]:
    starts: set[datetime] = set()
    for opens, closes in periods:
        moment, end = local_instant(day, opens, tz), local_instant(day, closes, tz)
        while moment + tail <= end:
            starts.add(moment)
            moment += step
    return tuple(make_slot(moment, tz) for moment in sorted(starts))


def parse_slot_value(raw: str | None) -> datetime | None:
    """A slot value from a form or link back to an aware UTC instant, or None if it is not one."""
    return parse_instant(raw)
