"""Keeping the shop's own data up to date: its details, hours, closures, ordering rules, delivery
zones, and the dining room (tables, combinations, turn times, booking rules).

One small pattern serves every table here: a `Kind` names a model, the columns staff edit and the
rules a row must keep; `save` and `delete` apply them, write the audit row (who, what, before and
after) and commit, all in one transaction. A refusal is a `RuleViolation` naming the field, and
nothing is written. Every change goes through the ORM, so whatever caches these rows hears of it
on commit, and the customer pages read the new rows on their next request."""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...checkout.models import DeliveryZone, OrderingRules
from ...checkout.zones import is_zone_prefix
from ...core import audit
from ...core.rules import FORM, RuleViolation
from ...core.settings import defaults_of
from ...core.shop import Context
from ...core.slots import day_bounds
from ...orders.models import Order
from ...reservations.models import (
    ACTIVE_STATUSES,
    DiningTable,
    Reservation,
    ReservationSettings,
    TableClaim,
    TableCombination,
    TurnTime,
)
from ...store.models import Closure, OpeningPeriod, StoreSettings
from ..service import ACTIVE as OPEN_ORDERS

Values = dict[str, Any]


@dataclass(frozen=True)
class Kind:
    """One kind of row staff keep: the model, the columns a form edits, how a row is named, the
    rules its values must keep (`check` returns the values to store, or raises), and why a row
    may not be deleted (`in_use` returns the reason, or None)."""

    name: str  # the audit log's kind of record
    model: type
    fields: tuple[str, ...]
    label: Callable[[Any], str]
    check: Callable[[Session, Any, Values, Context], Values] = lambda session, row, values, ctx: values
    in_use: Callable[[Session, Any], str | None] = lambda session, row: None
    order_by: tuple = field(default=())


def plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON): times as 14:30, dates and amounts as text,
    related rows by name."""
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, (date, Decimal)):
        return str(value)
    if isinstance(value, list):
        return [getattr(item, "name", item) for item in value]
    return value


def snapshot(kind: Kind, row: Any) -> Values:
    return {name: plain(getattr(row, name)) for name in kind.fields}


def fingerprint(kind: Kind, row: Any) -> str:
    """A short digest of a row's values: what an edit page showed, to compare on saving."""
    return hashlib.sha256(json.dumps(snapshot(kind, row), sort_keys=True).encode()).hexdigest()[:24]


CHANGED_MEANWHILE = ("Someone else saved a change to this while you were editing, so nothing was saved. "
                     "Open it again to see the current values, then make your change.")


# Upkeep changes are rare and their rules read other rows (a weekday's periods, every zone's
# prefixes), so on PostgreSQL they take turns: one transaction-scoped advisory lock, taken before
# any row is read for a change, so two overlapping periods saved at the same moment cannot both
# pass the overlap check. (SQLite serialises writers itself.)
UPKEEP_LOCK = 7_015_001


def take_turn(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(UPKEEP_LOCK)))


def find(session: Session, kind: Kind, row_id: int | None, *, lock: bool = False) -> Any | None:
    """The row, or None; `lock` (for a change) takes the upkeep turn and locks the row."""
    if row_id is None:
        return None
    if lock:
        take_turn(session)
    return session.get(kind.model, row_id, with_for_update=lock)


def rows(session: Session, kind: Kind, *options) -> list[Any]:
    return list(session.scalars(sa.select(kind.model).options(*options).order_by(*kind.order_by)))


def save(session: Session, kind: Kind, row: Any | None, values: Values, ctx: Context, *,
         seen: str | None = None) -> Any:
    """Create (row None) or change a row: rules, then the change and its audit row, one commit.
    A change that changes nothing writes nothing; a change to a row whose values are no longer
    the ones the page showed (`seen`, from `fingerprint`) is refused."""
    creating = row is None
    take_turn(session)
    before = None if creating else snapshot(kind, row)
    if not creating and seen is not None and seen != fingerprint(kind, row):
        session.rollback()
        raise RuleViolation.on(FORM, CHANGED_MEANWHILE)
    try:
        values = kind.check(session, row, {name: values[name] for name in kind.fields}, ctx)
        row = row if row is not None else kind.model()
        for name, value in values.items():
            setattr(row, name, value)
        after = snapshot(kind, row)
        if after == before:
            session.rollback()
            return row
        session.add(row)
        session.flush()
    except RuleViolation:
        session.rollback()
        raise
    except IntegrityError:
        session.rollback()
        raise RuleViolation.on(FORM, "Someone changed this at the same moment. Nothing was saved: "
                                     "check the list and try again.") from None
    audit.record(session, actor_id=ctx.user_id, action=f"{kind.name}.{'create' if creating else 'update'}",
                 target_type=kind.name, target_id=row.id, before=before, after=after)
    session.commit()
    return row


def delete(session: Session, kind: Kind, row: Any, ctx: Context) -> str:
    """Delete a row no booking or order depends on; the audit row keeps what it was."""
    take_turn(session)
    reason = kind.in_use(session, row)
    if reason:
        session.rollback()
        raise RuleViolation.on(FORM, reason)
    label, before = kind.label(row), snapshot(kind, row)
    audit.record(session, actor_id=ctx.user_id, action=f"{kind.name}.delete", target_type=kind.name,
                 target_id=row.id, before=before, after=None)
    session.delete(row)
    session.commit()
    return label


# --- settings rows (one row each) ------------------------------------------------------------

def settings_row(session: Session, kind: Kind, **given) -> Any:
    """The settings row, locked for this change; an unsaved row of defaults when there is none."""
    take_turn(session)
    row = session.scalars(sa.select(kind.model).order_by(kind.model.id).limit(1).with_for_update()).first()
    return row if row is not None else defaults_of(kind.model, **given)


def save_settings(session: Session, kind: Kind, values: Values, ctx: Context, *, seen: str | None = None,
                  **given) -> Any:
    """Change the settings row; the first save creates it, its defaults being the "before"."""
    row = settings_row(session, kind, **given)
    if row.id is None:
        session.add(row)
        session.flush()  # undone with the rest if the rules refuse the values
    return save(session, kind, row, values, ctx, seen=seen)


# --- the rules of each kind ----------------------------------------------------------------

WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _hhmm(value: time) -> str:
    return value.strftime("%H:%M")


def check_period(session: Session, row: OpeningPeriod | None, values: Values, ctx: Context) -> Values:
    """Closes after it opens, and overlaps no other period of that weekday (a split day is two
    periods with a gap, or touching: 08:00–12:00 and 12:00–17:00)."""
    opens, closes, weekday = values["opens_at"], values["closes_at"], values["weekday"]
    if closes <= opens:
        raise RuleViolation.on("closes_at", f"Closing time must be after {_hhmm(opens)}. A period cannot run "
                                            "past midnight: add the rest to the next day.")
    others = session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == weekday)
                             .order_by(OpeningPeriod.opens_at)).all()
    for other in others:
        if (row is None or other.id != row.id) and opens < other.closes_at and other.opens_at < closes:
            raise RuleViolation.on("opens_at", f"This overlaps {WEEKDAY_NAMES[weekday]}'s "
                                               f"{_hhmm(other.opens_at)}–{_hhmm(other.closes_at)}. "
                                               "Change that period or choose times outside it.")
    return values


MAX_CLOSURE_DAYS = 366


def check_closure(session: Session, row: Closure | None, values: Values, ctx: Context) -> Values:
    """No closure in the past: a new one starts today or later (in the shop's zone); an existing
    one may keep a first day that has passed, but may not end before today."""
    today = ctx.now.astimezone(ctx.tz).date()
    starts, ends = values["starts_on"], values["ends_on"] or values["starts_on"]
    values["ends_on"] = ends
    kept_start = row is not None and row.starts_on == starts
    if starts < today and not kept_start:
        raise RuleViolation.on("starts_on", "A closure cannot start in the past. Choose today or a later day.")
    if ends < starts:
        raise RuleViolation.on("ends_on", "The last day must be on or after the first day.")
    if ends < today:
        raise RuleViolation.on("ends_on", "A closure cannot end in the past. Choose today or a later day.")
    if (ends - starts).days >= MAX_CLOSURE_DAYS:
        raise RuleViolation.on("ends_on", f"A closure can last at most {MAX_CLOSURE_DAYS} days.")
    return values


def zone_prefixes(raw: str) -> list[str]:
    """"bs1, BS2  bs8" → ["BS1", "BS2", "BS8"]: commas or spaces between, case ignored, repeats once."""
    seen: list[str] = []
    for prefix in re.split(r"[\s,;]+", raw.upper()):
        if prefix and prefix not in seen:
            seen.append(prefix)
    return seen


MAX_PREFIXES = 60


def check_zone(session: Session, row: DeliveryZone | None, values: Values, ctx: Context) -> Values:
    """Every prefix a real UK postcode area or district, none listed by another active zone (a
    postcode would then have two fees)."""
    prefixes = zone_prefixes(values["postcode_prefixes"])
    bad = [p for p in prefixes if not is_zone_prefix(p)]
    if bad:
        shown = ", ".join(p[:12] for p in bad[:3])
        raise RuleViolation.on("postcode_prefixes", f"Not a UK postcode area or district: {shown}. "
                                                    "Use areas like BS or districts like BS1 and SW1A.")
    if len(prefixes) > MAX_PREFIXES:
        raise RuleViolation.on("postcode_prefixes", f"List at most {MAX_PREFIXES} areas or districts.")
    if values["is_active"]:
        others = session.execute(sa.select(DeliveryZone.name, DeliveryZone.postcode_prefixes)
                                 .where(DeliveryZone.is_active.is_(True),
                                        DeliveryZone.id != (row.id if row is not None and row.id else -1))).all()
        for name, listed in others:
            shared = [p for p in prefixes if p in listed.upper().split()]
            if shared:
                raise RuleViolation.on("postcode_prefixes", f"{', '.join(shared)} already in the zone "
                                                            f"“{name}”: a postcode can have only one fee.")
    same_name = session.scalar(sa.select(DeliveryZone.id).where(sa.func.lower(DeliveryZone.name) == values["name"].lower(),
                                                                DeliveryZone.id != (row.id if row is not None else -1)))
    if same_name is not None:
        raise RuleViolation.on("name", "Another zone has this name. Choose another.")
    values["postcode_prefixes"] = " ".join(prefixes)
    return values


def zone_in_use(session: Session, zone: DeliveryZone) -> str | None:
    if session.scalar(sa.select(Order.id).where(Order.delivery_zone_id == zone.id).limit(1)) is not None:
        return (f"Orders were delivered to “{zone.name}”, so it stays on record. Untick “Delivering to this "
                "zone now” to stop taking orders for it.")
    return None


def _unique_name(session: Session, model: type, row: Any, name: str, noun: str) -> None:
    taken = session.scalar(sa.select(model.id).where(sa.func.lower(model.name) == name.lower(),
                                                     model.id != (row.id if row is not None else -1)))
    if taken is not None:
        raise RuleViolation.on("name", f"Another {noun} is called “{name}”. Choose another name.")


def _seat_range(values: Values) -> None:
    if values["max_seats"] < values["min_seats"]:
        raise RuleViolation.on("max_seats", f"Most guests must be at least the fewest ({values['min_seats']}).")


def check_table(session: Session, row: DiningTable | None, values: Values, ctx: Context) -> Values:
    """A unique name and a seat range; moving a table to another area may not split a combination."""
    _unique_name(session, DiningTable, row, values["name"], "table")
    _seat_range(values)
    if row is not None and row.id and values["area"] != row.area:
        joined = session.scalars(sa.select(TableCombination).where(
            TableCombination.tables.any(DiningTable.id == row.id)).order_by(TableCombination.name)).all()
        split = [c.name for c in joined if any(t.area != values["area"] for t in c.tables if t.id != row.id)]
        if split:
            raise RuleViolation.on("area", f"{row.name} is joined with tables in {row.area} "
                                           f"({', '.join(split)}). Change or delete that combination first.")
    return values


def table_in_use(session: Session, table: DiningTable) -> str | None:
    if session.scalar(sa.select(TableClaim.id).where(TableClaim.table_id == table.id).limit(1)) is not None:
        return (f"{table.name} has bookings on record, so it stays. Untick “Bookable online” to keep it "
                "for staff, or change its seats.")
    return None


def check_combination(session: Session, row: TableCombination | None, values: Values, ctx: Context) -> Values:
    """Two or more real tables, all in one area; a seat range the tables can hold together."""
    _unique_name(session, TableCombination, row, values["name"], "combination")
    wanted = sorted(set(values["tables"] or []))
    if len(wanted) < 2:
        raise RuleViolation.on("tables", "Choose at least two tables to push together.")
    tables = session.scalars(sa.select(DiningTable).where(DiningTable.id.in_(wanted)).order_by(DiningTable.id)).all()
    if len(tables) != len(wanted):
        raise RuleViolation.on("tables", "Choose tables from the list. One of them no longer exists.")
    areas = sorted({t.area for t in tables})
    if len(areas) > 1:
        raise RuleViolation.on("tables", f"Tables from different areas cannot be joined ({' and '.join(areas)}). "
                                         "Choose tables in one area.")
    _seat_range(values)
    together = sum(t.max_seats for t in tables)
    if values["max_seats"] > together:
        raise RuleViolation.on("max_seats", f"These tables seat at most {together} together.")
    values["tables"] = list(tables)
    return values


def check_turn_time(session: Session, row: TurnTime | None, values: Values, ctx: Context) -> Values:
    taken = session.scalar(sa.select(TurnTime.id).where(TurnTime.party_from == values["party_from"],
                                                        TurnTime.id != (row.id if row is not None else -1)))
    if taken is not None:
        raise RuleViolation.on("party_from", f"Parties from {values['party_from']} already have a turn time. "
                                             "Edit that one instead.")
    return values


def check_booking_rules(session: Session, row: ReservationSettings, values: Values, ctx: Context) -> Values:
    if values["max_party_request"] < values["max_party_online"]:
        raise RuleViolation.on("max_party_request", "The largest party that may ask must be at least the "
                                                    f"largest booked online ({values['max_party_online']}).")
    return values


# --- the kinds ---------------------------------------------------------------------------------

STORE = Kind("store_settings", StoreSettings, ("name", "address", "phone", "email"), lambda r: r.name)
ORDERING = Kind("ordering_rules", OrderingRules,
                ("preparation_minutes", "slot_minutes", "orders_per_slot", "last_order_minutes", "days_ahead",
                 "cancel_minutes", "tax_rate"), lambda r: "Ordering rules")
BOOKING_RULES = Kind("reservation_settings", ReservationSettings,
                     ("slot_minutes", "buffer_minutes", "pacing_guests_per_slot", "min_notice_minutes",
                      "horizon_days", "cancellation_cutoff_minutes", "max_party_online", "max_party_request",
                      "reminder_hours"), lambda r: "Booking rules", check=check_booking_rules)
PERIODS = Kind("opening_period", OpeningPeriod, ("weekday", "opens_at", "closes_at"),
               lambda r: f"{WEEKDAY_NAMES[r.weekday]} {_hhmm(r.opens_at)}–{_hhmm(r.closes_at)}", check=check_period,
               order_by=(OpeningPeriod.weekday, OpeningPeriod.opens_at))
CLOSURES = Kind("closure", Closure, ("starts_on", "ends_on", "reason"),
                lambda r: f"{r.starts_on.isoformat()} to {r.ends_on.isoformat()}" if r.ends_on != r.starts_on
                else r.starts_on.isoformat(), check=check_closure, order_by=(Closure.starts_on.desc(), Closure.id))
ZONES = Kind("delivery_zone", DeliveryZone, ("name", "postcode_prefixes", "fee", "minimum_order", "is_active"),
             lambda r: r.name, check=check_zone, in_use=zone_in_use, order_by=(DeliveryZone.name,))
TABLES = Kind("dining_table", DiningTable, ("name", "area", "min_seats", "max_seats", "online_bookable", "position"),
              lambda r: r.name, check=check_table, in_use=table_in_use,
              order_by=(DiningTable.area, DiningTable.position, DiningTable.name))
COMBINATIONS = Kind("table_combination", TableCombination, ("name", "tables", "min_seats", "max_seats",
                                                            "online_bookable"),
                    lambda r: r.name, check=check_combination, order_by=(TableCombination.name,))
TURN_TIMES = Kind("turn_time", TurnTime, ("party_from", "minutes"),
                  lambda r: f"parties from {r.party_from}", check=check_turn_time, order_by=(TurnTime.party_from,))


def closure_effect(session: Session, closure: Closure, ctx: Context) -> tuple[int, int]:
    """Orders and bookings already on the closed days. A closure cancels nothing: staff are told
    how many there are, so they can contact those customers."""
    first, _ = day_bounds(closure.starts_on, ctx.tz)
    _, last = day_bounds(closure.ends_on, ctx.tz)
    orders = session.scalar(sa.select(sa.func.count()).select_from(Order).where(
        Order.scheduled_for >= first, Order.scheduled_for < last, Order.deleted_at.is_(None),
        Order.status.in_(OPEN_ORDERS)))
    bookings = session.scalar(sa.select(sa.func.count()).select_from(Reservation).where(
        Reservation.starts_at >= first, Reservation.starts_at < last, Reservation.status.in_(ACTIVE_STATUSES)))
    return orders or 0, bookings or 0
