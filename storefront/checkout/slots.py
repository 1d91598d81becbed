"""When an order can be ready: "as soon as possible" and scheduled slots, in the store's zone.

A slot is a start time on the shop's slot grid (`core.slots`: every `slot_minutes` from an
opening period's start, in real time, with that module's rules for the clock changes) at least
`preparation_minutes` from now, and no later than `last_order_minutes` before that period
closes. Closures remove whole days.

The checkout offers a day, then a time on it (`day_choices`): every day up to `days_ahead`, each
with its times and, when none can be chosen, why (closed and the closure's reason, fully booked,
past last orders). An order holding custom cakes is collected on the cakes' day, so it is offered
that one day (`only=`), however far ahead."""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..core import capacity
from ..core.cache import cached
from ..core.settings import load_settings
from ..core.slots import Slot, day_slots, local_instant
from ..store.service import hours_between, hours_on
from .models import ORDER_SLOTS, OrderingRules


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list[Slot]
    reason: str | None = None   # why no time can be chosen that day; None when one can

    @property
    def has_free_slot(self) -> bool:
        return any(not slot.is_full for slot in self.slots)


def get_rules(session: Session) -> OrderingRules:
    return load_settings(session, OrderingRules)


def available_days(session: Session, rules: OrderingRules, tz: ZoneInfo, now: datetime) -> list[SlotDay]:
    """Every slot from now to `days_ahead` days on, each marked full or not (days with no slot
    left out). Three queries."""
    return [day for day in day_choices(session, rules, tz, now) if day.slots]


def _reason(hours, slots: list[Slot], *, today: bool, past: bool) -> str | None:
    if past:
        return "That day has passed"
    if hours.closure_reason is not None:
        return f"Closed: {hours.closure_reason}" if hours.closure_reason != "Closed" else "Closed"
    if not hours.periods:
        return "Closed"
    if not slots:
        return "Past last orders for today" if today else "No times left"
    if not any(not slot.is_full for slot in slots):
        return "Fully booked"
    return None


def _taken(session: Session, first: date, last: date, tz: ZoneInfo, starts: list[datetime],
           kept: bool) -> dict[datetime, int]:
    """Orders per slot start. `kept`: for showing times, from the shared cache, kept per version
    of the slot counters (every order renews it) for whole days, so the key moves once a day."""
    if not starts:
        return {}
    if not kept:
        return capacity.taken(session, ORDER_SLOTS, starts)
    bounds = [local_instant(first, time(0), tz), local_instant(last + timedelta(days=1), time(0), tz)]
    return cached([ORDER_SLOTS.model.__tablename__], ("order slots taken", first, last),
                  lambda: capacity.taken(session, ORDER_SLOTS, bounds), session)


def day_choices(session: Session, rules: OrderingRules, tz: ZoneInfo, now: datetime, *,
                only: date | None = None, kept: bool = False) -> list[SlotDay]:
    """Every day from today to `days_ahead` days on (or just the day `only`), each with its slots
    (full ones marked) and the reason none can be chosen, if none can. Three queries; two when
    `kept` (the slot counts come from the shared cache: for showing times, never for claiming)."""
    local_now = now.astimezone(tz)
    today = local_now.date()
    earliest = now + timedelta(minutes=rules.preparation_minutes)
    first, last = (only, only) if only is not None else (today, today + timedelta(days=rules.days_ahead))
    step, margin = timedelta(minutes=rules.slot_minutes), timedelta(minutes=rules.last_order_minutes)
    hours = hours_between(session, first, last)
    candidates = {day: _from(day_slots(day, day_hours.periods, tz, step, margin), earliest)
                  for day, day_hours in hours.items()}
    starts = [slot.start for slots in candidates.values() for slot in slots]
    counts = _taken(session, first, last, tz, starts, kept)
    per_slot = rules.orders_per_slot
    full = {start for start, taken in counts.items() if taken >= per_slot}
    days = []
    for day, slots in candidates.items():
        # A new slot is not full: only full ones are copied (most are not, often none is).
        marked = [replace(slot, is_full=True) if slot.start in full else slot for slot in slots] if full else slots
        days.append(SlotDay(day, marked, _reason(hours[day], marked, today=day == today, past=day < today)))
    return days


def _from(grid: list[Slot], earliest: datetime) -> list[Slot]:
    """The slots of a day's grid (in time order) starting at or after `earliest`."""
    return grid[bisect_left(grid, earliest, key=_start):]


def _start(slot: Slot) -> datetime:
    return slot.start


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
    day = now.astimezone(tz).date()
    margin = timedelta(minutes=rules.last_order_minutes)
    for opens, closes in hours_on(session, day).periods:
        if local_instant(day, opens, tz) <= now <= local_instant(day, closes, tz) - margin:
            return (now + timedelta(minutes=rules.preparation_minutes)).astimezone(UTC)
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
