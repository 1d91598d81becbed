"""Points are spent once: simultaneous checkouts by one customer (two tabs, two devices) over
HTTP against PostgreSQL and a real Redis, with exact outcomes.

A signed-in customer has one cart wherever they are signed in, and the first order empties it;
here the cart is kept after each order (`clear_after_order` does nothing) so that the one thing
the requests compete for is the points, whichever of them is a little late."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.orders.models import Order
from tests.concurrency.test_cart_concurrency import Browser
from tests.concurrency.test_checkout_concurrency import all_at_once
from tests.support.builders import PASSWORD, make_product, make_user
from tests.support.checkout import FIXED_NOW, open_shop
from tests.support.html import field_errors, hidden_value
from tests.support.loyalty import give_points, ledger
from tests.support.servers import LiveServer


@pytest.fixture
def server(pg_app):
    live = LiveServer(pg_app).start()
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW), \
            mock.patch("storefront.cart.store.CartStore.clear_after_order", return_value=True):
        yield live
    live.stop()


def signed_in_tab(base: str, points: int) -> tuple[Browser, dict]:
    """The customer signed in on one more browser, on the checkout page with `points` filled in."""
    tab = Browser()
    token = tab.csrf(base)
    assert tab.post(base + "/account/login", {"csrf_token": token, "email": "robin@example.com",
                                              "password": PASSWORD}) == 200
    token = tab.csrf(base)   # a new session after sign-in
    page = tab.get(base + "/checkout")
    data = {"csrf_token": token, "key": hidden_value(page, "key"), "fulfilment": "pickup", "when": "asap",
            "name": "Robin", "email": "robin@example.com", "phone": "0117 496 0000", "promo_code": "",
            "points": str(points), "action": "update"}
    _, shown = tab.post_page(base + "/checkout", data)
    data["shown_total"], data["action"] = hidden_value(shown, "shown_total"), "place"
    return tab, data


def order_count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def customer_with_points(points: int, base: str, product_id: int) -> int:
    user_id = make_user("robin@example.com").id
    give_points(user_id, points, at=FIXED_NOW - timedelta(days=10))
    first = Browser()
    token = first.csrf(base)
    first.post(base + "/account/login", {"csrf_token": token, "email": "robin@example.com", "password": PASSWORD})
    first.post(base + "/cart/add", {"csrf_token": first.csrf(base), "product_id": product_id, "quantity": 4,
                                    "next": "/"})
    return user_id


def test_two_orders_spending_the_same_points_one_succeeds(pg_app, server):
    open_shop(orders_per_slot=100)
    loaf = make_product("Loaf", price="5.00").id
    user_id = customer_with_points(450, server.url, loaf)
    tabs = [signed_in_tab(server.url, 300) for _ in range(2)]
    answers = all_at_once([lambda t=t, d=d: t.post_page(server.url + "/checkout", d) for t, d in tabs])
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200, 422]   # 303 → the order's page; 422 → told why, beside the field
    refused = next(page for status, page in answers if status == 422)
    assert field_errors(refused)["points"] == "You have 150 points, so you can’t use 300."
    assert order_count() == 1
    assert ledger(user_id) == [("earned", 450, 450), ("redeemed", -300, 150)]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_six_tabs_spending_a_hundred_each_of_four_hundred_and_fifty(pg_app, server):
    open_shop(orders_per_slot=100)
    loaf = make_product("Loaf", price="5.00").id
    user_id = customer_with_points(450, server.url, loaf)
    tabs = [signed_in_tab(server.url, 100) for _ in range(6)]
    statuses = all_at_once([lambda t=t, d=d: t.post(server.url + "/checkout", d) for t, d in tabs])
    assert sorted(statuses) == [200] * 4 + [422] * 2
    assert order_count() == 4
    rows = ledger(user_id)
    assert [points for _, points, _ in rows] == [450, -100, -100, -100, -100]
    assert rows[-1][2] == 50
