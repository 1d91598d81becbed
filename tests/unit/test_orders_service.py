"""Order status changes without HTTP: the allowed moves, the refused ones (nothing written), the
history they leave, and what a cancellation gives back."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from storefront.checkout.models import SlotBooking
from storefront.core.outbox import OutboxMessage
from storefront.core.rules import RuleViolation
from storefront.core.shop import Context, Shop
from storefront.core.time import zone
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.orders import service
from storefront.orders.models import Fulfilment, Order, OrderLine, OrderStatusChange, PaymentStatus, Status
from tests.support.builders import make_product, make_user

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
SLOT = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)
SHOP = Shop(name="Test Bakery", address="", phone="", tz=zone("Europe/London"), locale="en_GB")
CTX = Context(now=NOW, shop=SHOP)


def make_order(*, status=Status.PLACED, fulfilment=Fulfilment.PICKUP, paid=False, stock_claimed=2) -> Order:
    product = make_product(stock_quantity=3)
    db.session.add(SlotBooking(slot_start=SLOT, orders_count=1))
    order = Order(number=f"CK-{status.value[:6].upper()}", access_token_hash="a" * 64, idempotency_key="k" * 32,
                  customer_name="Robin", customer_email="robin@example.com", customer_phone="0117 496 0000",
                  fulfilment=fulfilment, is_asap=False, scheduled_for=SLOT, slot_start=SLOT,
                  subtotal=Decimal("7.00"), discount=Decimal("0"), delivery_fee=Decimal("0"), total=Decimal("7.00"),
                  tax_included=Decimal("1.17"), payment_method="pay_at_pickup",
                  payment_status=PaymentStatus.PAID if paid else PaymentStatus.UNPAID, status=status,
                  lines=[OrderLine(product_id=product.id, name=product.name, unit_price=Decimal("3.50"), quantity=2,
                                   line_total=Decimal("7.00"), stock_claimed=stock_claimed)])
    db.session.add(order)
    db.session.commit()
    return order


def history(order: Order) -> list[tuple]:
    return [(h.from_status, h.to_status, h.actor_id, h.note) for h in db.session.scalars(
        sa.select(OrderStatusChange).where(OrderStatusChange.order_id == order.id).order_by(OrderStatusChange.id))]


def test_a_pickup_order_moves_through_the_kitchen_and_each_step_is_recorded(app_ctx):
    staff = make_user("staff@example.com")
    order = make_order()
    for to in (Status.CONFIRMED, Status.PREPARING, Status.READY, Status.COMPLETED):
        order = service.change_status(db.session, order, to, staff.id, f"to {to.value}", ctx=CTX)
    assert order.status == Status.COMPLETED
    assert history(order) == [(Status.PLACED, Status.CONFIRMED, staff.id, "to confirmed"),
                              (Status.CONFIRMED, Status.PREPARING, staff.id, "to preparing"),
                              (Status.PREPARING, Status.READY, staff.id, "to ready"),
                              (Status.READY, Status.COMPLETED, staff.id, "to completed")]


def test_a_delivery_goes_out_for_delivery_not_ready_for_pickup(app_ctx):
    order = make_order(status=Status.PREPARING, fulfilment=Fulfilment.DELIVERY)
    assert service.allowed_next(order) == [Status.OUT_FOR_DELIVERY]
    with pytest.raises(RuleViolation):
        service.change_status(db.session, order, Status.READY, None, ctx=CTX)
    order = service.change_status(db.session, order, Status.OUT_FOR_DELIVERY, None, ctx=CTX)
    assert service.change_status(db.session, order, Status.COMPLETED, None, ctx=CTX).status == Status.COMPLETED


@pytest.mark.parametrize("start, to", [
    (Status.PLACED, Status.COMPLETED),        # skipping the kitchen
    (Status.PLACED, Status.PREPARING),
    (Status.PREPARING, Status.CANCELLED),     # too late to cancel: the food is being made
    (Status.READY, Status.PLACED),            # never backwards
    (Status.COMPLETED, Status.CANCELLED),
    (Status.CANCELLED, Status.CONFIRMED),
    (Status.PLACED, Status.REFUNDED),         # nothing paid, nothing to refund
])
def test_illegal_moves_are_refused_and_write_nothing(app_ctx, start, to):
    order = make_order(status=start)
    with pytest.raises(RuleViolation) as refused:
        service.change_status(db.session, order, to, None, ctx=CTX)
    assert "cannot become" in refused.value.reasons[0][1]
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == start and history(order) == []
    assert db.session.get(SlotBooking, SLOT).orders_count == 1


def test_cancelling_from_an_early_state_gives_back_stock_and_the_slot_and_tells_the_customer(app_ctx):
    order = make_order(status=Status.CONFIRMED)
    service.change_status(db.session, order, Status.CANCELLED, None, "Out of flour", ctx=CTX)
    db.session.expire_all()
    assert db.session.get(Product, order.lines[0].product_id).stock_quantity == 5
    assert db.session.get(SlotBooking, SLOT).orders_count == 0
    assert history(order) == [(Status.CONFIRMED, Status.CANCELLED, None, "Out of flour")]
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == "robin@example.com" and "cancelled" in mail.subject


def test_a_paid_order_can_be_refunded_and_the_payment_says_so(app_ctx):
    order = make_order(status=Status.COMPLETED, paid=True)
    assert service.allowed_next(order) == [Status.REFUNDED]
    order = service.change_status(db.session, order, Status.REFUNDED, None, "Burnt", ctx=CTX)
    assert order.status == Status.REFUNDED and order.payment_status == PaymentStatus.REFUNDED
    assert service.allowed_next(order) == []


def test_a_move_someone_else_made_first_is_refused(app_ctx):
    order = make_order()
    stale = Order(id=order.id, status=Status.PLACED, fulfilment=order.fulfilment,
                  payment_status=order.payment_status)  # what another page loaded before the move
    service.change_status(db.session, order, Status.CONFIRMED, None, ctx=CTX)
    with pytest.raises(RuleViolation) as refused:
        service.change_status(db.session, stale, Status.CANCELLED, None, ctx=CTX)
    assert "someone else" in refused.value.reasons[0][1]
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == Status.CONFIRMED
    assert db.session.get(SlotBooking, SLOT).orders_count == 1


def test_customers_cancel_only_while_just_placed_and_before_the_cutoff(app_ctx):
    order = make_order()
    late = Context(now=SLOT - timedelta(minutes=30), shop=SHOP)
    with pytest.raises(RuleViolation):
        service.cancel_order(db.session, order, late)
    assert service.cancel_order(db.session, order, CTX).status == Status.CANCELLED
    with pytest.raises(RuleViolation) as again:
        service.cancel_order(db.session, order, CTX)
    assert again.value.reasons[0][1] == "This order is already cancelled."
