"""When an order can be ready: "as soon as possible" and scheduled slots, in the store's zone.

A slot is a start time on the shop's slot grid (`core.slots`: every `slot_minutes` from an
opening period's start, in real time, with that module's rules for the clock changes) at least
`preparation_minutes` from now, and no later than `last_order_minutes` before that period
closes. Closures remove whole days."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ..core import capacity
from ..core.settings import load_settings
from ..core.slots import Slot, day_slots, local_instant
from ..store.service import hours_between, hours_on
from .models import ORDER_SLOTS, OrderingRules


@dataclass(frozen=True)
class SlotDay:
    day: date
    slots: list[Slot]


def get_rules(session: Session) -> OrderingRules:
    return load_settings(session, OrderingRules)


def available_days(session: Session, rules: OrderingRules, tz: ZoneInfo, now: datetime) -> list[SlotDay]:
    """Every slot from now to `days_ahead` days on, each marked full or not. Three queries."""
    local_now = now.astimezone(tz)
    earliest = now + timedelta(minutes=rules.preparation_minutes)
    first, last = local_now.date(), local_now.date() + timedelta(days=rules.days_ahead)
    step, margin = timedelta(minutes=rules.slot_minutes), timedelta(minutes=rules.last_order_minutes)
    candidates = [slot for day, hours in hours_between(session, first, last).items()
                  for slot in day_slots(day, hours.periods, tz, step, margin) if slot.start >= earliest]
    if not candidates:
        return []
    counts = capacity.taken(session, ORDER_SLOTS, (slot.start for slot in candidates))
    days: dict[date, list[Slot]] = {}
    for slot in candidates:
        days.setdefault(slot.day, []).append(
            replace(slot, is_full=counts.get(slot.start, 0) >= rules.orders_per_slot))
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
