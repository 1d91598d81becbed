"""Orders written straight to the database, as a checkout would leave them, for the staff tests."""
from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

from storefront.checkout.models import SlotBooking
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.orders.models import Fulfilment, Order, OrderLine, OrderStatusChange, Status
from tests.support.builders import make_product

_seq = itertools.count(1)


def make_order(*, status: Status = Status.PLACED, fulfilment: Fulfilment = Fulfilment.PICKUP,
               due: datetime | None = None, note: str = "", user_id: int | None = None, quantity: int = 2,
               product=None, token_hash: str | None = None) -> Order:
    """An order due in an hour (a slot place taken, stock claimed for its line)."""
    n = next(_seq)
    due = due or (utcnow() + timedelta(hours=1)).replace(second=0, microsecond=0)
    product = product or make_product(stock_quantity=10, allergens=("milk",))
    slot = db.session.get(SlotBooking, due)
    if slot is None:
        db.session.add(SlotBooking(slot_start=due, orders_count=1))
    else:
        slot.orders_count += 1
    total = Decimal("3.50") * quantity
    order = Order(number=f"CK-T{n:04d}", access_token_hash=token_hash or f"{n:064d}", idempotency_key=f"key-{n}",
                  user_id=user_id, customer_name="Robin Rye", customer_email="robin@example.com",
                  customer_phone="0117 496 0000", fulfilment=fulfilment,
                  postcode="BS1 4DJ" if fulfilment == Fulfilment.DELIVERY else None,
                  address_line="1 Quay St" if fulfilment == Fulfilment.DELIVERY else None,
                  address_city="Bristol" if fulfilment == Fulfilment.DELIVERY else None,
                  is_asap=False, scheduled_for=due, slot_start=due, kitchen_note=note,
                  subtotal=total, discount=Decimal("0"), delivery_fee=Decimal("0"), total=total,
                  tax_included=(total / 6).quantize(Decimal("0.01")), payment_method="pay_at_pickup", status=status,
                  lines=[OrderLine(product_id=product.id, name=product.name, unit_price=Decimal("3.50"),
                                   quantity=quantity, line_total=total, stock_claimed=quantity)],
                  history=[OrderStatusChange(from_status=None, to_status=Status.PLACED, created_at=utcnow())])
    db.session.add(order)
    db.session.commit()
    return order
