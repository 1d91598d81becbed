"""When an order can be ready: "as soon as possible" and scheduled slots, in the store's zone.

A slot is a start time on the slot grid (every `slot_minutes` from an opening period's start) at
least `preparation_minutes` from now, and no later than `last_order_minutes` before that period
closes. Closures remove whole days. Local times that do not exist (the spring clock change) are
skipped; a repeated local hour (autumn) is offered once, at its first occurrence."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..store.service import hours_between, hours_on
from .models import OrderingRules, SlotBooking


@dataclass(frozen=True)
class Slot:
    start: datetime          # aware UTC
    local: datetime          # the same instant in the store's zone
    is_full: bool

    @property
    def value(self) -> str:
        """The form value: the UTC instant, so a slot is unambiguous across clock changes."""
        return self.start.strftime("%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list[Slot]


def parse_slot_value(value: str) -> datetime | None:
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%MZ").replace(tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def get_rules(session: Session) -> OrderingRules:
    rules = session.scalars(sa.select(OrderingRules).order_by(OrderingRules.id).limit(1)).first()
    return rules or OrderingRules(preparation_minutes=20, slot_minutes=15, orders_per_slot=4,
                                  last_order_minutes=15, days_ahead=7, cancel_minutes=60,
                                  tax_rate=OrderingRules.tax_rate.default.arg)


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime | None:
    """The aware local datetime for a wall-clock time, or None when that time does not exist."""
    naive = datetime.combine(day, at)
    aware = naive.replace(tzinfo=tz, fold=0)
    if aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive:
        return None
    return aware


def _grid(day: date, opens: time, closes: time, rules: OrderingRules, tz: ZoneInfo):
    start = datetime.combine(day, opens)
    last = datetime.combine(day, closes) - timedelta(minutes=rules.last_order_minutes)
    step = timedelta(minutes=rules.slot_minutes)
    naive = start
    while naive <= last:
        aware = local_instant(day, naive.time(), tz)
        if aware is not None:
            yield aware
        naive += step


def available_days(session: Session, rules: OrderingRules, tz: ZoneInfo, now: datetime) -> list[SlotDay]:
    """Every slot from now to `days_ahead` days on, each marked full or not. Three queries."""
    local_now = now.astimezone(tz)
    earliest = now + timedelta(minutes=rules.preparation_minutes)
    first, last = local_now.date(), local_now.date() + timedelta(days=rules.days_ahead)
    candidates: list[tuple[date, datetime]] = []
    for day, hours in hours_between(session, first, last).items():
        for opens, closes in hours.periods:
            candidates.extend((day, at) for at in _grid(day, opens, closes, rules, tz) if at >= earliest)
    if not candidates:
        return []
    starts = [at.astimezone(UTC) for _, at in candidates]
    counts = dict(session.execute(sa.select(SlotBooking.slot_start, SlotBooking.orders_count)
                                  .where(SlotBooking.slot_start.between(min(starts), max(starts)))).all())
    days: dict[date, list[Slot]] = {}
    for (day, at), start in zip(candidates, starts):
        days.setdefault(day, []).append(
            Slot(start=start, local=at, is_full=counts.get(start, 0) >= rules.orders_per_slot))
    return [SlotDay(day, slots) for day, slots in days.items()]


def find_slot(days: list[SlotDay], start: datetime) -> Slot | None:
    for day in days:
        for slot in day.slots:
            if slot.start == start:
                return slot
    return None


def asap_time(session: Session, rules: OrderingRules, tz: ZoneInfo, now: datetime) -> datetime | None:
    """When an order placed now can be ready, if the shop can take it now: the earliest time
    `preparation_minutes` ahead that falls inside today's current opening period before its
    last-order cutoff. None when the shop is closed or too close to closing."""
    local_now = now.astimezone(tz)
    day = local_now.date()
    ready = now + timedelta(minutes=rules.preparation_minutes)
    for opens, closes in hours_on(session, day).periods:
        opened = local_instant(day, opens, tz)
        last_order = datetime.combine(day, closes, tzinfo=tz) - timedelta(minutes=rules.last_order_minutes)
        if opened is not None and opened <= local_now <= last_order:
            return ready.astimezone(UTC)
    return None


def asap_slot(session: Session, rules: OrderingRules, tz: ZoneInfo, now: datetime,
              days: list[SlotDay] | None = None) -> Slot | None:
    """"As soon as possible" is the first slot today, at or after the ready time, that still has
    room: so ASAP orders count against slot capacity like any other. None when the shop cannot
    take an order for now (closed, past last orders, or today's remaining slots are full)."""
    ready = asap_time(session, rules, tz, now)
    if ready is None:
        return None
    today = now.astimezone(tz).date()
    for day in days if days is not None else available_days(session, rules, tz, now):
        if day.day != today:
            break
        for slot in day.slots:
            if slot.start >= ready and not slot.is_full:
                return slot
    return None
