"""What happens to an order after checkout: status changes (the kitchen's and the customer's),
cancelling with everything it claimed given back, and "order these again".

The allowed moves (`TRANSITIONS`):

    placed → confirmed → preparing → ready (pickup) or out for delivery (delivery) → completed
    placed or confirmed → cancelled          (the early states: nothing is cooked yet)
    any state → refunded                     (only once the order is paid)

Every move is one conditional UPDATE on the status it comes from (so two staff members, or a
customer and the kitchen, cannot both move the same order) and appends a history row (from, to,
who, when, note). Cancelling gives back the stock, the slot place and the promo use. The customer
is emailed (through the outbox, in the same transaction) when the news is theirs to act on:
confirmed, ready to collect, out for delivery, cancelled."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..cart import service as cart_service
from ..cart.store import CartStore
from ..checkout.models import ORDER_SLOTS, OrderingRules, PromoCode, PromoRedemption
from ..checkout.slots import get_rules
from ..core import capacity, outbox
from ..core.rules import FORM, RuleViolation
from ..core.shop import Context
from ..menu.models import Product
from .models import Fulfilment, Order, OrderStatusChange, PaymentStatus, Status

# What other features do when an order is completed, in the same transaction (the caller of
# change_status commits). Features above orders register here (reviews queues its invitation),
# so orders never imports them.
ON_COMPLETED: list[Callable[[Session, Order], None]] = []
# ... and when an order is refunded (loyalty takes back the points it earned, gives back those spent).
ON_REFUNDED: list[Callable[[Session, Order], None]] = []

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.PLACED: frozenset({Status.CONFIRMED, Status.CANCELLED}),
    Status.CONFIRMED: frozenset({Status.PREPARING, Status.CANCELLED}),
    Status.PREPARING: frozenset({Status.READY, Status.OUT_FOR_DELIVERY}),
    Status.READY: frozenset({Status.COMPLETED}),
    Status.OUT_FOR_DELIVERY: frozenset({Status.COMPLETED}),
    Status.COMPLETED: frozenset(),
    Status.CANCELLED: frozenset(),
    Status.REFUNDED: frozenset(),
}


# Order lines of other kinds (a configured cake) may claim more than stock and a slot, and may
# allow online cancelling for less long. Their feature registers how to give back what they
# claimed (run once, after the status has moved) and what says "too late to cancel online".
GIVE_BACK: list[Callable[[Session, Order], None]] = []
CANCEL_CUTOFFS: list[Callable[[Session, Order, datetime], bool]] = []   # True: past the cutoff


def allowed_next(order: Order) -> list[Status]:
    """The statuses this order may move to now, in the order a kitchen meets them."""
    nexts = set(TRANSITIONS[order.status])
    nexts.discard(Status.OUT_FOR_DELIVERY if order.fulfilment == Fulfilment.PICKUP else Status.READY)
    if order.payment_status == PaymentStatus.PAID and order.status != Status.REFUNDED:
        nexts.add(Status.REFUNDED)
    return [status for status in Status if status in nexts]


def change_status(session: Session, order: Order, to: Status, actor: int | None, note: str = "", *,
                  ctx: Context) -> Order:
    """Move `order` to `to` if the rules allow it from where it is now, record who did it and
    why, and commit. Raises RuleViolation (nothing written) for a move the rules forbid or one
    that someone else made first."""
    from_status = order.status
    if to not in allowed_next(order):
        raise RuleViolation.on(FORM, f"An order that is “{from_status.label.lower()}” cannot become "
                                     f"“{to.label.lower()}”.")
    _move(session, order, from_status, to, actor, note, ctx)
    if to == Status.CANCELLED:
        _give_back(session, order)
        _tell_cancelled(session, order, ctx, reason=note if actor is not None and actor != order.user_id else "")
    elif to in STATUS_NEWS:
        _tell(session, order, to, ctx)
    if to == Status.COMPLETED:
        for hook in ON_COMPLETED:
            hook(session, order)
    if to == Status.REFUNDED:
        session.execute(sa.update(Order).where(Order.id == order.id)
                        .values(payment_status=PaymentStatus.REFUNDED).execution_options(synchronize_session=False))
        for hook in ON_REFUNDED:
            hook(session, order)
    session.commit()
    session.refresh(order)
    return order


def _move(session: Session, order: Order, from_status: Status, to: Status, actor: int | None, note: str,
          ctx: Context) -> None:
    moved = session.execute(
        sa.update(Order).where(Order.id == order.id, Order.status == from_status)
        .values(status=to, updated_at=ctx.now).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        session.rollback()
        raise RuleViolation.on(FORM, "This order has just been changed by someone else. Reload to see it.")
    session.add(OrderStatusChange(order_id=order.id, from_status=from_status, to_status=to, actor_id=actor,
                                  note=note, created_at=ctx.now))


def _give_back(session: Session, order: Order) -> None:
    """Return what the order claimed: stock, its slot place, its promo use."""
    for line in order.lines:
        if line.stock_claimed and line.product_id:
            session.execute(sa.update(Product).where(Product.id == line.product_id)
                            .values(stock_quantity=Product.stock_quantity + line.stock_claimed)
                            .execution_options(synchronize_session=False))
    if order.slot_start is not None:
        capacity.release(session, ORDER_SLOTS, order.slot_start)
    if order.promo_code_id is not None:
        session.execute(sa.update(PromoCode).where(PromoCode.id == order.promo_code_id, PromoCode.uses_count > 0)
                        .values(uses_count=PromoCode.uses_count - 1).execution_options(synchronize_session=False))
        session.execute(sa.delete(PromoRedemption).where(PromoRedemption.order_id == order.id))
    for give_back in GIVE_BACK:
        give_back(session, order)


def _tell_cancelled(session: Session, order: Order, ctx: Context, *, reason: str = "") -> None:
    outbox.enqueue_template(session, to=order.customer_email, template="order_cancelled", order=order,
                            reason=reason, subject=f"Order {order.number} cancelled – {ctx.shop.name}")


# What the customer is told when the kitchen moves their order (subject, headline).
STATUS_NEWS: dict[Status, tuple[str, str]] = {
    Status.CONFIRMED: ("confirmed", "The shop has confirmed your order {number}."),
    Status.READY: ("ready to collect", "Your order {number} is ready to collect."),
    Status.OUT_FOR_DELIVERY: ("out for delivery", "Your order {number} is on its way to you."),
}


def _tell(session: Session, order: Order, to: Status, ctx: Context) -> None:
    subject, line = STATUS_NEWS[to]
    outbox.enqueue_template(session, to=order.customer_email, template="order_status", order=order,
                            headline=line.format(number=order.number),
                            subject=f"Order {order.number} {subject} – {ctx.shop.name}")


# --- the customer's own actions ------------------------------------------------------------

def can_cancel(order: Order, rules: OrderingRules, now: datetime, session: Session | None = None) -> bool:
    """Just placed, before `cancel_minutes` ahead of its time and (with `session`) before every
    registered cutoff, such as a cake's change cutoff."""
    if order.status != Status.PLACED or now >= order.scheduled_for - timedelta(minutes=rules.cancel_minutes):
        return False
    return session is None or not any(past(session, order, now) for past in CANCEL_CUTOFFS)


def cancel_order(session: Session, order: Order, ctx: Context) -> Order:
    """The customer cancels a just-placed order, until `cancel_minutes` before its time. The
    status moves with a conditional update, so a double cancel gives things back once."""
    if not can_cancel(order, get_rules(session), ctx.now, session):
        if order.status == Status.CANCELLED:
            raise RuleViolation.on(FORM, "This order is already cancelled.")
        raise RuleViolation.on(FORM, "This order can no longer be cancelled online: the kitchen has started "
                                     "on it. Please call the shop.")
    try:
        return change_status(session, order, Status.CANCELLED, ctx.user_id, "Cancelled by the customer", ctx=ctx)
    except RuleViolation:
        raise RuleViolation.on(FORM, "This order is already cancelled.") from None


def reorder(session: Session, cart: CartStore, order: Order) -> list[str]:
    """Put an old order's items back in the cart; say what could not be added and why."""
    messages, added = [], 0
    for line in order.lines:
        if line.product_id is None:
            messages.append(f"{line.name} is no longer on the menu.")
            continue
        try:
            outcome = cart_service.add_product(session, cart, line.product_id, line.quantity)
        except cart_service.UnknownProduct:
            messages.append(f"{line.name} is no longer on the menu.")
        except RuleViolation as violation:
            messages.append(violation.reasons[0][1])
        else:
            added += 1
            if outcome.quantity < line.quantity:
                messages.append(outcome.message)
    head = f"Added {added} of {len(order.lines)} items from order {order.number} to your cart." if added \
        else f"None of the items from order {order.number} could be added."
    return [head] + messages
