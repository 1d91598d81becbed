"""Rules about the shop itself: its settings row and when it is open."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.cache import cached
from ..core.time import to_zone, utcnow, zone
from .models import Closure, OpeningPeriod, StoreSettings


@dataclass(frozen=True)
class DayHours:
    day: date
    periods: tuple[tuple[time, time], ...]
    closure_reason: str | None

    @property
    def is_closed_all_day(self) -> bool:
        return self.closure_reason is not None or not self.periods


def hours_between(session: Session, first: date, last: date) -> dict[date, DayHours]:
    """Opening hours for every day in [first, last], closures applied: two statements for the
    whole range, however long, and none at all for days from yesterday on while the cache holds
    them (`core.cache`: any committed change to the hours or closures renews it). Checkout slots, table availability and the footer all read it."""
    closures = [c for c in _closures_from(session, first) if c.starts_on <= last and c.ends_on >= first]
    periods = weekly_periods(session)
    hours = {}
    day = first
    while day <= last:
        closure = next((c for c in closures if c.starts_on <= day <= c.ends_on), None)
        if closure is not None:
            hours[day] = DayHours(day, (), closure.reason or "Closed")
        else:
            hours[day] = DayHours(day, periods.get(day.weekday(), ()), None)
        day += timedelta(days=1)
    return hours


def _closures_from(session: Session, first: date) -> list[UpcomingClosure]:
    """Closures that end on or after `first`, soonest first. The ones from yesterday on (what
    every page asks for) are cached; older ranges are read afresh."""
    cutoff = utcnow().date() - timedelta(days=1)

    def read(since: date) -> list[UpcomingClosure]:
        rows = session.execute(sa.select(Closure.starts_on, Closure.ends_on, Closure.reason)
                               .where(Closure.ends_on >= since)
                               .order_by(Closure.starts_on, Closure.id)).all()
        return [UpcomingClosure(r.starts_on, r.ends_on, r.reason) for r in rows]

    if first < cutoff:
        return read(first)
    return cached([Closure.__tablename__], ("closures", cutoff), lambda: read(cutoff), session)


def hours_on(session: Session, day: date) -> DayHours:
    return hours_between(session, day, day)[day]


# How far ahead "opens Wednesday at 07:30" looks: a shop shut longer than this says only "Closed".
LOOKAHEAD_DAYS = 14


@dataclass(frozen=True)
class OpenState:
    """Today in the shop's zone: its hours, whether it is open now, and what comes next.

    Open: `open_until` is when the current period ends (wall-clock time in the shop's zone).
    Closed: `next_opening` is the start of the next period, today or on a later day within
    LOOKAHEAD_DAYS (closures skipped), or None when nothing is scheduled that soon."""

    today: DayHours
    is_open: bool
    local_now: datetime
    open_until: time | None = None
    next_opening: tuple[date, time] | None = None

    @property
    def next_opening_is_today(self) -> bool:
        return self.next_opening is not None and self.next_opening[0] == self.local_now.date()

    @property
    def next_opening_is_tomorrow(self) -> bool:
        return self.next_opening is not None and self.next_opening[0] == self.local_now.date() + timedelta(days=1)


def open_state(session: Session, tz: ZoneInfo, now: datetime | None = None) -> OpenState:
    """Today's hours in the shop's zone, whether it is open at `now` (aware, any zone), and until
    when or from when. Periods are wall-clock times, so they follow the clock change; two
    statements whatever the answer."""
    local_now = to_zone(now or utcnow(), tz)
    today_date = local_now.date()
    days = hours_between(session, today_date, today_date + timedelta(days=LOOKAHEAD_DAYS))
    today = days[today_date]
    current = local_now.time().replace(tzinfo=None)
    for opens, closes in today.periods:
        if opens <= current < closes:
            return OpenState(today=today, is_open=True, local_now=local_now, open_until=closes)
    upcoming = ((day, opens) for day, hours in sorted(days.items()) for opens, _ in hours.periods
                if day > today_date or opens > current)
    return OpenState(today=today, is_open=False, local_now=local_now, next_opening=next(upcoming, None))


def week_ahead(session: Session, tz: ZoneInfo, now: datetime | None = None) -> list[DayHours]:
    """Seven days from today (in the shop's zone), closures applied: the hours page's table."""
    first = to_zone(now or utcnow(), tz).date()
    return list(hours_between(session, first, first + timedelta(days=6)).values())


def weekly_periods(session: Session) -> dict[int, tuple[tuple[time, time], ...]]:
    """The usual week (0 = Monday), before closures; a weekday without periods is missing."""
    def read() -> dict[int, tuple[tuple[time, time], ...]]:
        periods: dict[int, list[tuple[time, time]]] = defaultdict(list)
        for weekday, opens, closes in session.execute(
                sa.select(OpeningPeriod.weekday, OpeningPeriod.opens_at, OpeningPeriod.closes_at)
                .order_by(OpeningPeriod.weekday, OpeningPeriod.opens_at)):
            periods[weekday].append((opens, closes))
        return {weekday: tuple(p) for weekday, p in periods.items()}

    return cached([OpeningPeriod.__tablename__], "weekly_periods", read, session)


@dataclass(frozen=True)
class UpcomingClosure:
    starts_on: date
    ends_on: date
    reason: str


def upcoming_closures(session: Session, tz: ZoneInfo, now: datetime | None = None,
                      limit: int = 20) -> list[UpcomingClosure]:
    """Closures that have not ended yet (in the shop's zone), soonest first."""
    today = to_zone(now or utcnow(), tz).date()
    rows = _closures_from(session, today)[:limit]
    return [UpcomingClosure(row.starts_on, row.ends_on, row.reason or "Closed") for row in rows]


def store_zone(settings: StoreSettings) -> ZoneInfo:
    return zone(settings.timezone)
