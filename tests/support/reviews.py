"""Row builders for reviews: completed orders (for the verified badge) and reviews written
through the service, so the running totals are kept as they are in the shop."""
from __future__ import annotations

import itertools
from datetime import timedelta
from decimal import Decimal

from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.orders.models import Fulfilment, Order, OrderLine, Status
from storefront.reviews import service
from storefront.reviews.models import Review

_seq = itertools.count(1)


def make_order(user, products, *, status: Status = Status.COMPLETED, email: str | None = None) -> Order:
    n = next(_seq)
    total = sum((p.price for p in products), Decimal("0"))
    order = Order(number=f"T{n:05d}", access_token_hash=f"{n:064d}", idempotency_key=f"review-test-{n}",
                  user_id=user.id if user else None, customer_name=user.name if user else "Guest Person",
                  customer_email=email or (user.email if user else "guest@example.com"), customer_phone="0117 000 0000",
                  fulfilment=Fulfilment.PICKUP, is_asap=False, scheduled_for=utcnow() - timedelta(days=2),
                  subtotal=total, discount=Decimal("0"), delivery_fee=Decimal("0"), total=total,
                  tax_included=Decimal("0"), payment_method="in_person", status=status)
    order.lines = [OrderLine(product_id=p.id, name=p.name, unit_price=p.price, quantity=1, line_total=p.price)
                   for p in products]
    db.session.add(order)
    db.session.commit()
    return order


def write(user, product=None, rating: int = 4, body: str = "Lovely and fresh, would buy again.", **fields) -> Review:
    draft = service.Draft(rating=rating, body=body, title=fields.pop("title", ""), **fields)
    if product is not None:
        return service.write_product_review(db.session, user, product, draft)
    return service.write_visit_review(db.session, user, draft, fields.pop("visit", ""))
