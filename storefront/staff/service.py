"""The staff's use cases on orders: the board's contents, moving an order on, cancelling it with
a reason, pausing online orders and setting the preparation lead time. Every action writes an
audit row (who, what, before, after) in the same transaction as the change it records."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..checkout.models import OrderingRules
from ..core import audit
from ..core.rules import FORM, RuleViolation
from ..core.shop import Context
from ..menu.models import ProductAllergen
from ..orders import service as orders
from ..orders.models import Order, Status

ACTIVE = (Status.PLACED, Status.CONFIRMED, Status.PREPARING, Status.READY, Status.OUT_FOR_DELIVERY)
# The board's columns, left to right; ready and out for delivery share the last one.
COLUMNS: tuple[tuple[str, tuple[Status, ...]], ...] = (
    ("New", (Status.PLACED,)),
    ("Confirmed", (Status.CONFIRMED,)),
    ("Preparing", (Status.PREPARING,)),
    ("Ready / out for delivery", (Status.READY, Status.OUT_FOR_DELIVERY)),
)
# The words on the one-click button that moves an order on.
NEXT_STEP = {
    Status.CONFIRMED: "Confirm",
    Status.PREPARING: "Start preparing",
    Status.READY: "Ready to collect",
    Status.OUT_FOR_DELIVERY: "Out for delivery",
    Status.COMPLETED: "Complete",
}
MAX_ON_BOARD = 200
FRESH = timedelta(minutes=10)  # an order placed this recently is marked "new"


@dataclass
class Board:
    columns: list[tuple[str, list[Order]]]
    allergens: dict[int, list[str]]  # product id → allergen codes
    latest_id: int  # the newest order's id: the page compares it to spot a new order
    fresh_since: datetime
    more: bool = False


def next_step(order: Order) -> Status | None:
    """The one forward move the board offers (never cancel or refund: those take a reason)."""
    return next((s for s in orders.allowed_next(order) if s in NEXT_STEP), None)


def start_of_day(ctx: Context) -> datetime:
    local = ctx.now.astimezone(ctx.tz)
    return datetime.combine(local.date(), time(0), tzinfo=ctx.tz).astimezone(ctx.now.tzinfo)


def board(session: Session, ctx: Context) -> Board:
    """Today's and upcoming orders that still need work, soonest first, in their columns. Three
    queries, whatever the number of orders: orders, their lines, the lines' allergens."""
    rows = session.scalars(
        sa.select(Order).where(Order.status.in_(ACTIVE), Order.deleted_at.is_(None),
                               Order.scheduled_for >= start_of_day(ctx))
        .options(selectinload(Order.lines)).order_by(Order.scheduled_for, Order.id).limit(MAX_ON_BOARD + 1)
    ).all()
    more = len(rows) > MAX_ON_BOARD
    rows = rows[:MAX_ON_BOARD]
    columns = [(title, [o for o in rows if o.status in statuses]) for title, statuses in COLUMNS]
    return Board(columns=columns, allergens=board_allergens(session, rows),
                 latest_id=max((o.id for o in rows), default=0), fresh_since=ctx.now - FRESH, more=more)


def board_allergens(session: Session, rows: list[Order]) -> dict[int, list[str]]:
    """Product id → its allergens, for every line of these orders, in one query."""
    product_ids = {line.product_id for order in rows for line in order.lines if line.product_id}
    allergens: dict[int, list[str]] = defaultdict(list)
    if product_ids:
        for product_id, allergen in session.execute(
                sa.select(ProductAllergen.product_id, ProductAllergen.allergen)
                .where(ProductAllergen.product_id.in_(product_ids)).order_by(ProductAllergen.allergen)):
            allergens[product_id].append(allergen)
    return dict(allergens)


def find(session: Session, number: str) -> Order | None:
    if not number or len(number) > 16:
        return None
    return session.scalars(
        sa.select(Order).where(Order.number == number, Order.deleted_at.is_(None))
        .options(selectinload(Order.lines), selectinload(Order.history))
    ).first()


def _check_unchanged(order: Order, seen: str | None) -> None:
    """A form carries the status its page showed; if the order has moved since, nothing is done."""
    if seen != order.status.value:
        raise RuleViolation.on(FORM, f"Order {order.number} has changed since this page was loaded: it is now "
                                     f"“{order.status.label.lower()}”. Nothing was changed — check it and try again.")


def _parse_status(value: str | None) -> Status:
    try:
        return Status(value)
    except ValueError:
        raise RuleViolation.on(FORM, "That is not an order status.") from None


def move(session: Session, order: Order, to: str | None, seen: str | None, ctx: Context) -> Order:
    """Move an order one step on, as the board's button does. Refuses (nothing written) a move
    the rules forbid, a stale page, or a move someone else made first."""
    target = _parse_status(to)
    _check_unchanged(order, seen)
    if target not in NEXT_STEP:
        raise RuleViolation.on(FORM, f"An order cannot be made “{target.label.lower()}” from the board.")
    return _change(session, order, target, "", ctx)


def cancel(session: Session, order: Order, reason: str, seen: str | None, ctx: Context) -> Order:
    """Cancel with a reason: stock, slot place and promo use go back once, the customer is emailed."""
    _check_unchanged(order, seen)
    return _change(session, order, Status.CANCELLED, reason, ctx)


def _change(session: Session, order: Order, to: Status, note: str, ctx: Context) -> Order:
    before = order.status
    audit.record(session, actor_id=ctx.user_id, action="order.status", target_type="order", target_id=order.number,
                 before=before.value, after=to.value, **({"reason": note} if note else {}))
    try:
        return orders.change_status(session, order, to, ctx.user_id, note, ctx=ctx)
    except RuleViolation:
        session.rollback()
        raise


# --- the switch and the lead time ----------------------------------------------------------

def _rules_row(session: Session) -> OrderingRules:
    """The ordering rules row, locked for this change; created with its defaults if missing."""
    row = session.scalars(sa.select(OrderingRules).order_by(OrderingRules.id).limit(1).with_for_update()).first()
    if row is None:
        row = OrderingRules()
        session.add(row)
        session.flush()
    return row


def set_paused(session: Session, paused: bool, ctx: Context) -> OrderingRules:
    row = _rules_row(session)
    before = row.orders_paused
    row.orders_paused = paused
    audit.record(session, actor_id=ctx.user_id, action="orders.pause" if paused else "orders.resume",
                 target_type="ordering_rules", target_id=row.id, before=before, after=paused)
    session.commit()
    return row


LEAD_TIME_RANGE = (0, 240)


def set_lead_time(session: Session, minutes: int, ctx: Context) -> OrderingRules:
    low, high = LEAD_TIME_RANGE
    if not low <= minutes <= high:
        raise RuleViolation.on("minutes", f"Enter a preparation time from {low} to {high} minutes.")
    row = _rules_row(session)
    before = row.preparation_minutes
    row.preparation_minutes = minutes
    audit.record(session, actor_id=ctx.user_id, action="orders.lead_time", target_type="ordering_rules",
                 target_id=row.id, before=before, after=minutes)
    session.commit()
    return row
