"""Order totals. Prices include tax; the tax portion is shown, not added."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..core.money import to_money

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal
    discount: Decimal
    delivery_fee: Decimal
    total: Decimal
    tax_included: Decimal
    redeemed: Decimal = ZERO   # paid with loyalty points (its own line)


def totals(subtotal: Decimal, discount: Decimal, delivery_fee: Decimal, tax_rate: Decimal,
           redeemed: Decimal = ZERO) -> Totals:
    """`discount` is already capped by the promo rules and `redeemed` by the points rules; both
    are capped again here so the total can never go below zero whatever a caller passes."""
    subtotal, delivery_fee = to_money(subtotal), to_money(delivery_fee)
    discount = min(to_money(discount), subtotal + delivery_fee)
    redeemed = max(min(to_money(redeemed), subtotal + delivery_fee - discount), ZERO)
    total = subtotal + delivery_fee - discount - redeemed
    tax = to_money(total * tax_rate / (Decimal(100) + tax_rate)) if tax_rate > 0 else ZERO
    return Totals(subtotal=subtotal, discount=discount, delivery_fee=delivery_fee, total=total, tax_included=tax,
                  redeemed=redeemed)
