"""Demo ordering rules, delivery zones and promo codes (used by `flask seed-demo`)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..checkout.models import DeliveryZone, OrderingRules, OrderType, PromoCode, PromoKind
from ..core.settings import defaults_of
from ..core.time import utcnow
from ..menu.models import Category

ZONES = (
    ("Bristol centre", "BS1 BS2", "2.50", "12.00"),
    ("Clifton and Redland", "BS6 BS8", "3.50", "15.00"),
    ("Bedminster and Southville", "BS3", "3.95", "20.00"),
)


def seed_ordering(session: Session, report) -> None:
    if session.scalar(sa.select(OrderingRules.id).limit(1)) is None:
        session.add(defaults_of(OrderingRules))
        report.count("ordering rules")
    existing_zones = set(session.scalars(sa.select(DeliveryZone.name)))
    for name, prefixes, fee, minimum in ZONES:
        if name not in existing_zones:
            session.add(DeliveryZone(name=name, postcode_prefixes=prefixes, fee=Decimal(fee),
                                     minimum_order=Decimal(minimum)))
            report.count("delivery zones")
    existing_codes = set(session.scalars(sa.select(PromoCode.code)))
    now = utcnow()
    pastries = session.scalar(sa.select(Category.id).where(Category.slug == "pastries"))
    codes = [
        PromoCode(code="WELCOME10", description="10% off your first order over £15", kind=PromoKind.PERCENT,
                  value=Decimal("10"), min_subtotal=Decimal("15.00"), max_discount=Decimal("10.00"),
                  per_customer_limit=1),
        PromoCode(code="FREEDELIVERY", description="Free delivery on orders over £20", kind=PromoKind.FREE_DELIVERY,
                  min_subtotal=Decimal("20.00"), order_type=OrderType.DELIVERY),
        PromoCode(code="PASTRY2", description="£2 off pastries", kind=PromoKind.FIXED, value=Decimal("2.00"),
                  category_ids=[pastries] if pastries else [], usage_limit=100),
        PromoCode(code="PICKUP5", description="5% off pickup orders", kind=PromoKind.PERCENT, value=Decimal("5"),
                  order_type=OrderType.PICKUP),
        PromoCode(code="SUMMER", description="Last summer's offer", kind=PromoKind.PERCENT, value=Decimal("15"),
                  starts_at=now - timedelta(days=200), ends_at=now - timedelta(days=90)),
    ]
    for promo in codes:
        if promo.code not in existing_codes:
            session.add(promo)
            report.count("promo codes")
