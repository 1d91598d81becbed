"""Turning a cart into an order, and undoing one.

`place_order` is one transaction: it re-reads prices and availability, claims stock, a promo use
and a slot place each with a conditional UPDATE (in a fixed order: products by id, then the
promo, then the slot, so concurrent checkouts cannot deadlock), writes the order, its lines,
its first status row and the confirmation email, and commits. Any failure writes nothing and
says exactly what changed. The cart is emptied by the caller only after the commit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..cart import service as cart_service
from ..cart.store import CartStore, product_field, product_id_of
from ..core import outbox
from ..core.db import insert_ignore
from ..core.mail import Email, render_email
from ..core.money import to_money
from ..core.rules import FORM, RuleViolation
from ..core.security import new_token, token_digest
from ..menu.models import Product
from ..orders.models import Fulfilment, Order, OrderLine, OrderStatusChange, Status
from ..orders.numbers import new_order_number
from . import promo as promos
from . import slots as slot_rules
from .models import DeliveryZone, OrderingRules, PromoCode, PromoRedemption, SlotBooking
from .payments import PayInPerson, PaymentProvider
from .pricing import Totals, totals
from .zones import normalise_postcode, zone_for

ASAP = "asap"


@dataclass(frozen=True)
class CheckoutDetails:
    fulfilment: Fulfilment
    when: str                      # "asap" or a slot value (UTC instant, see slots.Slot.value)
    name: str
    email: str
    phone: str
    note: str = ""
    address_line: str = ""
    city: str = ""
    postcode: str = ""
    promo_code: str = ""


@dataclass(frozen=True)
class Context:
    """What the rules need from outside: the clock, the shop's zone and how to word money."""
    now: datetime
    tz: ZoneInfo
    money: object
    local_date: object
    user_id: int | None = None


@dataclass
class Quote:
    """The checkout page's view of the order so far: lines, times, fee, discount, totals, and
    any reason the promo code or the address cannot be used."""
    cart: cart_service.CartView
    rules: OrderingRules
    zone: DeliveryZone | None
    totals: Totals
    discount: promos.Discount | None
    asap: datetime | None
    days: list[slot_rules.SlotDay]
    problems: list[tuple[str, str]]


def _priced_lines(view: cart_service.CartView) -> list[promos.PricedLine]:
    return [promos.PricedLine(line.product.id, line.product.category_id, line.total) for line in view.lines]


def _delivery(session: Session, details: CheckoutDetails, subtotal: Decimal, money):
    """(zone, fee, problems) for the chosen fulfilment."""
    if details.fulfilment != Fulfilment.DELIVERY:
        return None, Decimal("0.00"), []
    if not details.postcode:
        return None, Decimal("0.00"), []
    zone = zone_for(session, details.postcode)
    if zone is None:
        return None, Decimal("0.00"), [("postcode", "Sorry, we don’t deliver to that postcode yet. "
                                                    "Choose pickup, or try another address.")]
    if subtotal < zone.minimum_order:
        return zone, zone.fee, [("postcode", f"Delivery to {zone.name} needs an order of at least "
                                             f"{money(zone.minimum_order)}: add {money(zone.minimum_order - subtotal)} "
                                             "more, or choose pickup.")]
    return zone, zone.fee, []


def _discount(session: Session, details: CheckoutDetails, view, ctx: Context, *, lock: bool = False):
    if not details.promo_code:
        return None
    query = sa.select(PromoCode).where(PromoCode.code == promos.normalise_code(details.promo_code))
    if lock:
        # Serialise checkouts using this code, so per-customer limits hold under concurrency.
        query = query.with_for_update()
    code = session.scalars(query).first()
    uses = promos.uses_by_customer(session, code, ctx.user_id, details.email) \
        if code is not None and code.per_customer_limit is not None and details.email else 0
    return promos.evaluate(code, lines=_priced_lines(view), fulfilment=details.fulfilment.value, now=ctx.now,
                           format_money=ctx.money, customer_uses=uses, local_date=ctx.local_date)


def quote(session: Session, cart: CartStore | None, details: CheckoutDetails, ctx: Context) -> Quote:
    view = cart_service.view_cart(session, cart, ctx.money) if cart else cart_service.CartView(lines=[])
    rules = slot_rules.get_rules(session)
    problems: list[tuple[str, str]] = []
    zone, fee, delivery_problems = _delivery(session, details, view.subtotal, ctx.money)
    problems += delivery_problems
    discount = None
    if details.promo_code and view.lines:
        try:
            discount = _discount(session, details, view, ctx)
        except RuleViolation as violation:
            problems += violation.reasons
    amount = discount.amount if discount else Decimal("0")
    if discount and discount.free_delivery:
        amount = fee
    days = slot_rules.available_days(session, rules, ctx.tz, ctx.now)
    asap = slot_rules.asap_slot(session, rules, ctx.tz, ctx.now, days)
    return Quote(cart=view, rules=rules, zone=zone, totals=totals(view.subtotal, amount, fee, rules.tax_rate),
                 discount=discount, asap=asap.start if asap else None, days=days, problems=problems)


@dataclass(frozen=True)
class Placed:
    order: Order
    access_token: str | None   # only for a new order: the secret of the guest tracking link
    replayed: bool


def find_by_key(session: Session, key: str) -> Order | None:
    return session.scalars(sa.select(Order).where(Order.idempotency_key == key)).first()


def _claim_stock(session: Session, products: dict[int, Product], quantities: dict[int, int]) -> list[int]:
    """Take stock for tracked products, in id order. Returns the ids that had too little."""
    short = []
    for product_id in sorted(quantities):
        if not products[product_id].track_stock:
            continue
        claimed = session.execute(
            sa.update(Product)
            .where(Product.id == product_id, Product.stock_quantity >= quantities[product_id])
            .values(stock_quantity=Product.stock_quantity - quantities[product_id])
            .execution_options(synchronize_session=False)
        ).rowcount
        if claimed != 1:
            short.append(product_id)
    return short


def _claim_promo(session: Session, promo: PromoCode) -> bool:
    return session.execute(
        sa.update(PromoCode)
        .where(PromoCode.id == promo.id,
               sa.or_(PromoCode.usage_limit.is_(None), PromoCode.uses_count < PromoCode.usage_limit))
        .values(uses_count=PromoCode.uses_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def _claim_slot(session: Session, start: datetime, capacity: int) -> bool:
    session.execute(insert_ignore(session, SlotBooking, {"slot_start": start, "orders_count": 0}, ["slot_start"]))
    return session.execute(
        sa.update(SlotBooking)
        .where(SlotBooking.slot_start == start, SlotBooking.orders_count < capacity)
        .values(orders_count=SlotBooking.orders_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def _tell_cart_about_shortfall(session: Session, cart: CartStore, short: list[int], quantities) -> str:
    """After a rollback: cut the cart to what is left and say so, item by item."""
    messages = []
    for product in session.scalars(sa.select(Product).where(Product.id.in_(short)).order_by(Product.name)):
        left = max(product.stock_quantity, 0)
        if left == 0:
            cart.remove(product_field(product.id))
            messages.append(f"{product.name} has just sold out, so we took it out of your cart.")
        else:
            cart.set(product_field(product.id), left, str(product.price))
            messages.append(f"Only {left} of {product.name} left — your cart now says {left}.")
    return " ".join(messages) + " Nothing has been charged or ordered yet: check your cart and place the order again."


def confirmation_email(order: Order, link: str, store_name: str, when: str) -> Email:
    pickup = order.fulfilment == Fulfilment.PICKUP
    return render_email("order_confirmation", subject=f"Your order {order.number} – {store_name}", order=order,
                        link=link, when=when, fulfilment_label="Ready for pickup" if pickup else "Delivery",
                        payment_words="at pickup" if pickup else "on delivery")


def place_order(session: Session, cart: CartStore, details: CheckoutDetails, key: str, ctx: Context, *,
                link_for, store_name: str, currency: str, when_words,
                payments: PaymentProvider | None = None) -> Placed:
    """Place the order for this cart, once per `key`. Raises RuleViolation (nothing written)."""
    existing = find_by_key(session, key)
    if existing is not None:
        return Placed(existing, None, replayed=True)

    raw = cart.lines()
    quantities = {pid: qty for field, qty in raw.items() if (pid := product_id_of(field)) is not None}
    if not quantities:
        raise RuleViolation.on(FORM, "Your cart is empty, so there is nothing to order yet.")
    view = cart_service.view_cart(session, cart, ctx.money)
    if view.notices:
        # Something changed since the customer last looked: show them before taking the order.
        raise RuleViolation([(FORM, notice) for notice in view.notices])
    products = {line.product.id: line.product for line in view.lines}
    quantities = {line.product.id: line.quantity for line in view.lines}
    rules = slot_rules.get_rules(session)

    problems: list[tuple[str, str]] = []
    zone, fee, delivery_problems = _delivery(session, details, view.subtotal, ctx.money)
    problems += delivery_problems
    if details.fulfilment == Fulfilment.DELIVERY and not details.postcode:
        problems.append(("postcode", "Enter the delivery postcode"))

    slot_start = ready = None
    if details.when == ASAP:
        asap = slot_rules.asap_slot(session, rules, ctx.tz, ctx.now)
        if asap is None:
            problems.append(("when", "We can’t take orders for right now. Choose a time below."))
        else:
            slot_start = ready = asap.start
    else:
        slot_start = slot_rules.parse_slot_value(details.when)
        slot = slot_rules.find_slot(slot_rules.available_days(session, rules, ctx.tz, ctx.now), slot_start) \
            if slot_start else None
        if slot is None:
            problems.append(("when", "That time is not available. Choose one of the times shown."))
        elif slot.is_full:
            problems.append(("when", "That time is fully booked. Choose another."))
        ready = slot_start
    if problems:
        raise RuleViolation(problems)

    try:
        discount = _discount(session, details, view, ctx, lock=True)
        short = _claim_stock(session, products, quantities)
        if short:
            session.rollback()
            raise RuleViolation.on(FORM, _tell_cart_about_shortfall(session, cart, short, quantities))
        if discount is not None and not _claim_promo(session, discount.promo):
            raise RuleViolation.on("promo_code", "This code has just been fully used.")
        if slot_start is not None and not _claim_slot(session, slot_start, rules.orders_per_slot):
            raise RuleViolation.on("when", "That time has just filled up. Choose another.")

        amount = fee if discount and discount.free_delivery else (discount.amount if discount else Decimal("0"))
        priced = totals(view.subtotal, amount, fee, rules.tax_rate)
        payment = (payments or PayInPerson()).start(fulfilment=details.fulfilment, amount=priced.total,
                                                    currency=currency, order_number="")
        token = new_token()
        order = Order(
            number=new_order_number(), access_token_hash=token_digest(token), idempotency_key=key,
            user_id=ctx.user_id, customer_name=details.name.strip(), customer_email=details.email.strip().lower(),
            customer_phone=details.phone.strip(), fulfilment=details.fulfilment,
            address_line=details.address_line.strip() or None if details.fulfilment == Fulfilment.DELIVERY else None,
            address_city=details.city.strip() or None if details.fulfilment == Fulfilment.DELIVERY else None,
            postcode=normalise_postcode(details.postcode) if details.fulfilment == Fulfilment.DELIVERY else None,
            delivery_zone_id=zone.id if zone else None, is_asap=details.when == ASAP, scheduled_for=ready,
            slot_start=slot_start, kitchen_note=details.note.strip(), subtotal=priced.subtotal,
            discount=priced.discount, delivery_fee=priced.delivery_fee, total=priced.total,
            tax_included=priced.tax_included, promo_code_id=discount.promo.id if discount else None,
            promo_code=discount.promo.code if discount else None, payment_method=payment.method,
            payment_status=payment.status, status=Status.PLACED,
        )
        order.lines = [OrderLine(product_id=p.id, name=p.name, unit_price=p.price, quantity=quantities[p.id],
                                 line_total=to_money(p.price * quantities[p.id]),
                                 stock_claimed=quantities[p.id] if p.track_stock else 0)
                       for p in sorted(products.values(), key=lambda p: p.name)]
        order.history = [OrderStatusChange(from_status=None, to_status=Status.PLACED, actor_id=ctx.user_id,
                                           created_at=ctx.now)]
        session.add(order)
        session.flush()
        if discount is not None:
            session.add(PromoRedemption(promo_id=discount.promo.id, order_id=order.id, user_id=ctx.user_id,
                                        email=order.customer_email))
        outbox.enqueue_email(session, to=order.customer_email, email=confirmation_email(
            order, link_for(order.number, token), store_name, when_words(order)))
        session.commit()
    except RuleViolation:
        session.rollback()
        raise
    except IntegrityError:
        # The same key committed first in a concurrent request (or, very rarely, a number clash):
        # the first order is the answer.
        session.rollback()
        first = find_by_key(session, key)
        if first is None:
            raise
        return Placed(first, None, replayed=True)
    except BaseException:
        session.rollback()
        raise
    return Placed(order, token, replayed=False)


# --- after the order -----------------------------------------------------------------------

def can_cancel(order: Order, rules: OrderingRules, now: datetime) -> bool:
    return order.status == Status.PLACED and now < order.scheduled_for - timedelta(minutes=rules.cancel_minutes)


def cancel_order(session: Session, order: Order, ctx: Context, *, store_name: str) -> Order:
    """Cancel a just-placed order and give back what it claimed: stock, the slot place and the
    promo use. The status moves with a conditional update, so a double cancel releases once."""
    rules = slot_rules.get_rules(session)
    if not can_cancel(order, rules, ctx.now):
        if order.status == Status.CANCELLED:
            raise RuleViolation.on(FORM, "This order is already cancelled.")
        raise RuleViolation.on(FORM, "This order can no longer be cancelled online: the kitchen has started "
                                     "on it. Please call the shop.")
    moved = session.execute(
        sa.update(Order).where(Order.id == order.id, Order.status == Status.PLACED)
        .values(status=Status.CANCELLED, updated_at=ctx.now).execution_options(synchronize_session=False)
    ).rowcount
    if moved != 1:
        session.rollback()
        raise RuleViolation.on(FORM, "This order is already cancelled.")
    for line in order.lines:
        if line.stock_claimed and line.product_id:
            session.execute(sa.update(Product).where(Product.id == line.product_id)
                            .values(stock_quantity=Product.stock_quantity + line.stock_claimed)
                            .execution_options(synchronize_session=False))
    if order.slot_start is not None:
        session.execute(sa.update(SlotBooking)
                        .where(SlotBooking.slot_start == order.slot_start, SlotBooking.orders_count > 0)
                        .values(orders_count=SlotBooking.orders_count - 1).execution_options(synchronize_session=False))
    if order.promo_code_id is not None:
        session.execute(sa.update(PromoCode).where(PromoCode.id == order.promo_code_id, PromoCode.uses_count > 0)
                        .values(uses_count=PromoCode.uses_count - 1).execution_options(synchronize_session=False))
        session.execute(sa.delete(PromoRedemption).where(PromoRedemption.order_id == order.id))
    session.add(OrderStatusChange(order_id=order.id, from_status=Status.PLACED, to_status=Status.CANCELLED,
                                  actor_id=ctx.user_id, note="Cancelled by the customer", created_at=ctx.now))
    outbox.enqueue_template(session, to=order.customer_email, subject=f"Order {order.number} cancelled – {store_name}",
                            template="order_cancelled", order=order)
    session.commit()
    session.refresh(order)
    return order


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
