"""Promo code rules. `evaluate` says how much a code takes off this order, or raises a
RuleViolation on the `promo_code` field naming exactly why not."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.identity import same_customer
from ..core.money import to_money
from ..core.rules import RuleViolation
from ..orders.models import Order, Status
from .models import OrderType, PromoCode, PromoKind, PromoRedemption

FIELD = "promo_code"


def normalise_code(code: str) -> str:
    return "".join(code.split()).upper()[:40]


@dataclass(frozen=True)
class PricedLine:
    """What promo rules need to know about one cart line."""
    product_id: int
    category_id: int
    total: Decimal


@dataclass(frozen=True)
class Discount:
    promo: PromoCode
    amount: Decimal          # taken off the goods
    free_delivery: bool


def uses_by_customer(session: Session, promo: PromoCode, user_id: int | None, email: str) -> int:
    """Uses by this customer on orders that still stand: by account, and by email (seeing through
    letter case and `+tags`, see core.identity)."""
    who = same_customer(PromoRedemption.email, email)
    if user_id is not None:
        who = sa.or_(who, PromoRedemption.user_id == user_id)
    return session.scalar(
        sa.select(sa.func.count(PromoRedemption.id))
        .join(Order, Order.id == PromoRedemption.order_id)
        .where(PromoRedemption.promo_id == promo.id, who, Order.status != Status.CANCELLED)
    )


def evaluate(promo: PromoCode | None, *, lines: list[PricedLine], fulfilment: str, now: datetime,
             format_money, customer_uses: int = 0, local_date=None) -> Discount:
    if promo is None or not promo.is_active:
        raise RuleViolation.on(FIELD, "We don’t recognise that code. Check it and try again.")
    if promo.starts_at and now < promo.starts_at:
        when = local_date(promo.starts_at) if local_date else promo.starts_at.date().isoformat()
        raise RuleViolation.on(FIELD, f"This code starts on {when}.")
    if promo.ends_at and now >= promo.ends_at:
        when = local_date(promo.ends_at) if local_date else promo.ends_at.date().isoformat()
        raise RuleViolation.on(FIELD, f"This code expired on {when}.")
    if promo.order_type != OrderType.ANY and promo.order_type.value != fulfilment:
        raise RuleViolation.on(FIELD, f"This code is for {promo.order_type.value} orders only.")
    if promo.usage_limit is not None and promo.uses_count >= promo.usage_limit:
        raise RuleViolation.on(FIELD, "This code has been fully used.")
    if promo.per_customer_limit is not None and customer_uses >= promo.per_customer_limit:
        raise RuleViolation.on(FIELD, "You have already used this code.")
    subtotal = sum((line.total for line in lines), Decimal("0"))
    if promo.min_subtotal is not None and subtotal < promo.min_subtotal:
        raise RuleViolation.on(FIELD, f"Spend {format_money(promo.min_subtotal - subtotal)} more to use this code "
                                      f"(minimum {format_money(promo.min_subtotal)}).")
    if promo.kind == PromoKind.FREE_DELIVERY:
        if fulfilment != "delivery":
            raise RuleViolation.on(FIELD, "This code gives free delivery: choose delivery to use it.")
        return Discount(promo, Decimal("0.00"), free_delivery=True)
    qualifying = discountable(promo, lines)
    if qualifying <= 0:
        raise RuleViolation.on(FIELD, "Nothing in your cart qualifies for this code.")
    return Discount(promo, amount_off(promo, qualifying), free_delivery=False)


def discountable(promo: PromoCode, lines: list[PricedLine]) -> Decimal:
    if not promo.category_ids and not promo.product_ids:
        return sum((line.total for line in lines), Decimal("0"))
    return sum((line.total for line in lines
                if line.product_id in promo.product_ids or line.category_id in promo.category_ids), Decimal("0"))


def amount_off(promo: PromoCode, qualifying: Decimal) -> Decimal:
    """Never more than the qualifying amount, nor than the code's maximum; half-up to the cent."""
    if promo.kind == PromoKind.PERCENT:
        amount = to_money(qualifying * promo.value / Decimal(100))
    else:
        amount = to_money(promo.value)
    if promo.max_discount is not None:
        amount = min(amount, to_money(promo.max_discount))
    return max(min(amount, to_money(qualifying)), Decimal("0.00"))
