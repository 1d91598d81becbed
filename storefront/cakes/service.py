"""Cake rules that need the database: the catalogue of active options and rules, the days a cake
can be made, and checking a whole cake (choices, price, day) before it goes into the cart.

Days (`cake_days`): a cake for day D must be ordered by the daily cutoff (local time) `notice_days`
days before D, so with 2 days and 14:00 a cake for Friday is ordered by Wednesday 14:00. A day is
unavailable when it is too soon, beyond `days_ahead`, the shop is closed (closures and opening
days from store.service), or its cakes are all taken (`CAKE_DAYS` through core.capacity)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cached_property
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core import capacity
from ..core.cache import cached
from ..core.rules import RuleViolation
from ..core.settings import load_settings
from ..core.time import to_zone
from ..store.service import hours_between
from . import pricing
from .models import CAKE_DAYS, CakeOption, CakeOptionPrice, CakeRule, CakeSettings

DATE_FIELD = "due_on"


def get_settings(session: Session) -> CakeSettings:
    return load_settings(session, CakeSettings)


# What the kept options and rules are built from (core.cache renews them when one changes).
CATALOGUE_TABLES = (CakeOption.__tablename__, CakeOptionPrice.__tablename__, CakeRule.__tablename__)
# What a price summary shows beyond the layout: the catalogue, and the message's limit and price.
PRICE_TABLES = (*CATALOGUE_TABLES, CakeSettings.__tablename__)


def _options_and_rules(session: Session) -> tuple[dict[int, pricing.OptionSpec], tuple[pricing.RuleSpec, ...]]:
    options = {
        o.id: pricing.OptionSpec(id=o.id, kind=o.kind.value, name=o.name, price=o.price,
                                 size_prices={p.size_id: p.price for p in o.size_prices}, position=o.position,
                                 active=o.is_active, servings=o.servings, inches=o.inches, colour=o.colour)
        for o in session.scalars(sa.select(CakeOption))}
    rules = tuple(
        pricing.RuleSpec(kind=r.kind.value, message=r.message, option_kind=r.option_kind.value if r.option_kind else None,
                         option_id=r.option_id, limit=r.limit, size_ids=frozenset(r.size_ids or ()))
        for r in session.scalars(sa.select(CakeRule).where(CakeRule.is_active.is_(True)).order_by(CakeRule.id)))
    return options, rules


def load_catalogue(session: Session, settings: CakeSettings | None = None, *,
                   with_inactive: bool = True) -> pricing.Catalogue:
    """Every option (inactive ones too, so an old id is recognised and refused by name) and the
    active rules. Kept in the shared cache under the versions of the option, price and rule
    tables (plain values only), so a price preview reads no statement; built with three."""
    settings = settings or get_settings(session)
    options, rules = cached(CATALOGUE_TABLES, ("cakes", "options and rules"), lambda: _options_and_rules(session),
                            session)
    if not with_inactive:
        options = {i: o for i, o in options.items() if o.active}
    return pricing.Catalogue(options=options, rules=rules, message_max=settings.message_max,
                             message_price=settings.message_price_per_char)


@dataclass(frozen=True)
class CakeDay:
    day: date
    reason: str | None = None       # None: a cake can be had that day
    left: int = 0

    @property
    def available(self) -> bool:
        return self.reason is None


def earliest_day(settings: CakeSettings, tz: ZoneInfo, now: datetime) -> date:
    local = to_zone(now, tz)
    days = settings.notice_days + (1 if local.time() >= settings.daily_cutoff else 0)
    return local.date() + timedelta(days=days)


def cake_days(session: Session, settings: CakeSettings, tz: ZoneInfo, now: datetime) -> list[CakeDay]:
    """Every day from today to the horizon with why it cannot be had, if it cannot (three
    statements however many days)."""
    today = to_zone(now, tz).date()
    first, last = earliest_day(settings, tz, now), today + timedelta(days=settings.days_ahead)
    hours = hours_between(session, today, last)
    taken = capacity.taken(session, CAKE_DAYS, [today, last])
    days = []
    for day, day_hours in hours.items():
        left = max(settings.daily_capacity - taken.get(day, 0), 0)
        if day < first:
            reason = f"Too soon: cakes need ordering by {settings.daily_cutoff:%H:%M}, " \
                     f"{settings.notice_days} days before"
        elif day_hours.is_closed_all_day:
            reason = day_hours.closure_reason or "Closed"
        elif left == 0:
            reason = "Fully booked for cakes"
        else:
            reason = None
        days.append(CakeDay(day, reason, left))
    return days


def first_possible(days: list[CakeDay]) -> CakeDay | None:
    return next((d for d in days if d.available), None)


def check_day(days: list[CakeDay], wanted: date | None) -> date:
    """The chosen day if a cake can be had then; otherwise RuleViolation with the reason and the
    first day that works."""
    first = first_possible(days)
    suggestion = f" The first day we can make it is {first.day:%A %-d %B}." if first else ""
    if wanted is None:
        raise RuleViolation.on(DATE_FIELD, "Choose the day you need the cake." + suggestion)
    day = next((d for d in days if d.day == wanted), None)
    if day is None:
        reason = "That day is too soon." if days and wanted < days[0].day else "We don’t take cake orders that far ahead."
        raise RuleViolation.on(DATE_FIELD, reason + suggestion)
    if not day.available:
        raise RuleViolation.on(DATE_FIELD, f"{day.day:%A %-d %B}: {day.reason}." + suggestion)
    return wanted


@dataclass(frozen=True)
class Preview:
    """The builder's price panel: the itemised price of what is valid so far, and what is not."""
    priced: pricing.Priced | None
    cake: pricing.Cake | None
    problems: list[tuple[str, str]]


def preview(catalogue: pricing.Catalogue, choice: pricing.Choice) -> Preview:
    try:
        cake = pricing.resolve(catalogue, choice)
    except RuleViolation as violation:
        return Preview(None, None, violation.reasons)
    return Preview(pricing.price(catalogue, cake), cake, [])


def check_price_seen(priced: pricing.Priced, seen: str | None) -> None:
    """A posted price is only ever compared, never used: if the page showed another total (the
    options changed, or the form was forged) the customer sees the real one before it is added."""
    if seen in (None, ""):
        return
    try:
        shown = Decimal(seen)
    except ArithmeticError:
        shown = None
    if shown != priced.total:
        raise RuleViolation.on("__form__", "The price has changed since the page was shown: please check the "
                                           "price summary and add the cake again.")


@dataclass(frozen=True)
class Builder:
    """Everything the builder page shows: the options, the days and the price so far. The days
    are read when first asked for: the price summary alone (htmx, on every change) never shows
    them."""
    catalogue: pricing.Catalogue
    settings: CakeSettings
    read_days: Callable[[], list[CakeDay]] = field(repr=False, compare=False)
    preview: Preview

    @cached_property
    def days(self) -> list[CakeDay]:
        return self.read_days()

    @property
    def first_day(self) -> CakeDay | None:
        return first_possible(self.days)


def builder(session: Session, choice: pricing.Choice, tz: ZoneInfo, now: datetime) -> Builder:
    settings = get_settings(session)
    catalogue = load_catalogue(session, settings)
    return Builder(catalogue, settings, lambda: cake_days(session, settings, tz, now), preview(catalogue, choice))


def _no_days() -> list[CakeDay]:
    raise LookupError("the price summary shows no days: they depend on the clock and the bookings")


def price_summary(session: Session, choice: pricing.Choice) -> Builder:
    """What the price summary alone shows: the catalogue and the price of `choice`. It reads no
    days, so it depends on PRICE_TABLES only (and is the same for everyone who sends `choice`)."""
    settings = get_settings(session)
    catalogue = load_catalogue(session, settings)
    return Builder(catalogue, settings, _no_days, preview(catalogue, choice))


def default_choice(catalogue: pricing.Catalogue) -> pricing.Choice:
    """The first active option of each single choice, so the page opens with a price."""
    first = {kind: next(iter(catalogue.of_kind(kind)), None) for kind in pricing.SINGLE}
    return pricing.Choice(**{kind: option.id if option else None for kind, option in first.items()})
