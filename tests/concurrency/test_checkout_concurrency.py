"""Nothing can be oversold: real concurrent checkouts over HTTP against PostgreSQL and a real
Redis, with exact outcomes."""
from __future__ import annotations

import threading
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.checkout import service
from storefront.checkout.models import PromoCode, PromoRedemption, SlotBooking
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.orders.models import Order
from tests.concurrency.test_cart_concurrency import Browser
from tests.support.builders import make_product
from tests.support.checkout import FIXED_NOW, make_promo, open_shop
from tests.support.html import hidden_value
from tests.support.servers import LiveServer

SLOT = "2026-11-21T12:30Z"


@pytest.fixture
def server(pg_app):
    live = LiveServer(pg_app).start()
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield live
    live.stop()


def shopper_ready_to_pay(base: str, product_id: int, *, promo: str = "", when: str = "asap",
                         email: str = "") -> tuple[Browser, dict]:
    """A visitor with one item in the cart and the filled-in checkout form, not yet sent."""
    visitor = Browser()
    token = visitor.csrf(base)
    visitor.post(base + "/cart/add", {"csrf_token": token, "product_id": product_id, "quantity": 1, "next": "/"})
    page = visitor.get(base + "/checkout")
    data = {"csrf_token": token, "key": hidden_value(page, "key"),
            "fulfilment": "pickup", "when": when, "name": "Pat", "email": email or f"pat{id(visitor)}@example.com",
            "phone": "0117 496 0000", "promo_code": promo, "action": "update"}
    _, shown = visitor.post_page(base + "/checkout", data)  # the page after "Update": the total it shows
    data["shown_total"] = hidden_value(shown, "shown_total")
    data["action"] = "place"
    return visitor, data


def all_at_once(calls) -> list:
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def order_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def test_five_in_stock_twenty_buyers_exactly_five_orders(pg_app, server):
    open_shop(orders_per_slot=100)
    bun = make_product("Bun", price="2.00", track_stock=True, stock_quantity=5).id
    shoppers = [shopper_ready_to_pay(server.url, bun) for _ in range(20)]
    statuses = all_at_once([lambda v=v, d=d: v.post(server.url + "/checkout", d) for v, d in shoppers])
    assert statuses.count(200) == 5 and statuses.count(422) == 15   # 303 → order page; 422 → told why
    assert order_count() == 5
    assert db.session.get(Product, bun).stock_quantity == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 5


def test_promo_limited_to_ten_uses_thirty_buyers_exactly_ten(pg_app, server):
    open_shop(orders_per_slot=100)
    bun = make_product("Bun", price="2.00").id
    make_promo("TENTIMES", usage_limit=10)
    shoppers = [shopper_ready_to_pay(server.url, bun, promo="TENTIMES") for _ in range(30)]
    statuses = all_at_once([lambda v=v, d=d: v.post(server.url + "/checkout", d) for v, d in shoppers])
    assert statuses.count(200) == 10
    assert order_count() == 10
    assert db.session.scalar(sa.select(PromoCode.uses_count)) == 10
    assert db.session.scalar(sa.select(sa.func.count(PromoRedemption.id))) == 10


def test_slot_capacity_three_ten_buyers_exactly_three(pg_app, server):
    open_shop(orders_per_slot=3)
    bun = make_product("Bun", price="2.00").id
    shoppers = [shopper_ready_to_pay(server.url, bun, when=SLOT) for _ in range(10)]
    statuses = all_at_once([lambda v=v, d=d: v.post(server.url + "/checkout", d) for v, d in shoppers])
    assert statuses.count(200) == 3
    assert order_count() == 3
    assert db.session.scalar(sa.select(SlotBooking.orders_count)) == 3


def test_one_key_submitted_five_times_at_once_is_one_order(pg_app, server):
    open_shop()
    bun = make_product("Bun", price="2.00", track_stock=True, stock_quantity=50).id
    visitor, data = shopper_ready_to_pay(server.url, bun)
    statuses = all_at_once([lambda: visitor.post(server.url + "/checkout", data) for _ in range(5)])
    assert order_count() == 1
    assert db.session.get(Product, bun).stock_quantity == 49
    assert 500 not in statuses


def test_a_failure_before_commit_writes_nothing(pg_app):
    open_shop()
    bun = make_product("Bun", price="2.00", track_stock=True, stock_quantity=5).id
    make_promo("FAIL", usage_limit=3)
    from storefront.cart.store import CartStore, product_field

    cart = CartStore(pg_app.extensions["redis"], "g:failure-injection-test-cart")
    cart.add(product_field(bun), 2, 99, "2.00")
    details = service.CheckoutDetails(fulfilment=service.Fulfilment.PICKUP, when=SLOT, name="Pat",
                                      email="pat@example.com", phone="0117 496 0000", promo_code="FAIL")
    from storefront.core.shop import Context, Shop
    from storefront.core.time import zone

    shop = Shop(name="S", address="", phone="", tz=zone("Europe/London"), locale="en_GB", currency="GBP")
    ctx = Context(now=FIXED_NOW, shop=shop)
    with mock.patch("storefront.checkout.service.outbox.enqueue", side_effect=RuntimeError("mail table on fire")):
        with pytest.raises(RuntimeError):
            service.place_order(db.session, cart, details, "f" * 32, ctx,
                                mail=service.Mail(link_for=lambda n, t: "", when_words=lambda o: ""))
    db.session.expire_all()
    assert order_count() == 0
    assert db.session.get(Product, bun).stock_quantity == 5
    assert db.session.scalar(sa.select(PromoCode.uses_count)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SlotBooking).where(SlotBooking.orders_count > 0)) == 0
    assert cart.lines() == {product_field(bun): 2}   # the cart is kept for another try
