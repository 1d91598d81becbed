"""Rules about the shop itself: its settings row and when it is open."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
    whole range, however long. Checkout slots, table availability and the footer all read it."""
    closures = session.execute(sa.select(Closure.starts_on, Closure.ends_on, Closure.reason)
                               .where(Closure.starts_on <= last, Closure.ends_on >= first)
                               .order_by(Closure.starts_on, Closure.id)).all()
    periods: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, opens, closes in session.execute(
            sa.select(OpeningPeriod.weekday, OpeningPeriod.opens_at, OpeningPeriod.closes_at)
            .order_by(OpeningPeriod.weekday, OpeningPeriod.opens_at)):
        periods[weekday].append((opens, closes))
    hours = {}
    day = first
    while day <= last:
        closure = next((c for c in closures if c.starts_on <= day <= c.ends_on), None)
        if closure is not None:
            hours[day] = DayHours(day, (), closure.reason or "Closed")
        else:
            hours[day] = DayHours(day, tuple(periods.get(day.weekday(), ())), None)
        day += timedelta(days=1)
    return hours


def hours_on(session: Session, day: date) -> DayHours:
    return hours_between(session, day, day)[day]


@dataclass(frozen=True)
class OpenState:
    today: DayHours
    is_open: bool
    local_now: datetime


def open_state(session: Session, tz: ZoneInfo, now: datetime | None = None) -> OpenState:
    """Today's hours in the shop's zone and whether it is open at `now` (aware, any zone)."""
    local_now = to_zone(now or utcnow(), tz)
    today = hours_on(session, local_now.date())
    current = local_now.time().replace(tzinfo=None)
    is_open = any(opens <= current < closes for opens, closes in today.periods)
    return OpenState(today=today, is_open=is_open, local_now=local_now)


def store_zone(settings: StoreSettings) -> ZoneInfo:
    return zone(settings.timezone)
