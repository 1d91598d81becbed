"""More processes share one shop: two app processes on their own ports over one PostgreSQL and
one Redis (as gunicorn workers or machines behind a load balancer would be). A cart filled on one
is checked out on the other; the order and the emptied cart are seen by both; a change to the
shop's data made through either process, or by a third (this test's own ORM session), is seen by
both at once, although each keeps the shop's settings, hours and catalogue in its own cache
(`storefront.core.cache`).

This level always runs on PostgreSQL and a real Redis (see tests/concurrency/conftest.py), which
is what the proof is about; the SQLite leg of CI runs only the unit and integration levels."""
from __future__ import annotations

import urllib.parse
import urllib.request
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.orders.models import Order
from storefront.store.models import OpeningPeriod
from tests.concurrency.test_cart_concurrency import Browser
from tests.support.builders import PASSWORD, make_closure, make_product, make_user
from tests.support.cart import cart_lines
from tests.support.checkout import open_shop
from tests.support.html import hidden_value, soup
from tests.support.servers import AppProcess


@pytest.fixture
def two_processes(pg_app, postgres_url, real_redis_url):
    env = {"DATABASE_URL": postgres_url, "REDIS_URL": real_redis_url, "RATELIMIT_ENABLED": "false",
           "SECRET_KEY": "shared-by-every-process-in-this-test"}
    first = AppProcess(env)
    try:
        second = AppProcess(env)
    except Exception:
        first.stop()
        raise
    yield first.url, second.url
    first.stop()
    second.stop()


def checkout_form(visitor: Browser, base: str) -> dict:
    page = soup(visitor.get(base + "/checkout"))
    options = [o["value"] for o in page.select("select#when option") if o.get("value")]
    assert options, "the checkout offers no time at all"
    data = {"csrf_token": page.select_one("input[name=csrf_token]")["value"], "key": hidden_value(page, "key"),
            "fulfilment": "pickup", "when": options[0], "name": "Robin Rye", "email": "robin@example.com",
            "phone": "0117 496 0000", "note": "", "promo_code": "", "action": "update"}
    _, shown = visitor.post_page(base + "/checkout", data)
    data["shown_total"] = hidden_value(shown, "shown_total")
    data["action"] = "place"
    return data


def place(visitor: Browser, url: str, data: dict) -> str:
    """Send the checkout and return the address it ends on (the order's page)."""
    body = urllib.parse.urlencode(data).encode()
    with visitor.opener.open(urllib.request.Request(url, data=body, method="POST"), timeout=60) as response:
        assert response.status == 200
        return response.geturl()


def test_a_cart_filled_on_one_process_is_checked_out_on_the_other(two_processes):
    first, second = two_processes
    open_shop()
    product_id = make_product("Sourdough loaf", price="4.20", slug="sourdough-loaf", track_stock=True,
                              stock_quantity=10).id
    db.session.rollback()  # no transaction of this process stays open while the servers work

    visitor = Browser()
    token = visitor.csrf(first)
    assert visitor.post(first + "/cart/add", {"csrf_token": token, "product_id": product_id,
                                              "quantity": 2, "next": "/cart"}) == 200
    assert cart_lines(visitor.get(second + "/cart")) == {"Sourdough loaf": 2}

    order_url = place(visitor, second + "/checkout", checkout_form(visitor, second))
    db.session.rollback()
    order = db.session.scalars(sa.select(Order)).one()
    assert db.session.get(Product, product_id).stock_quantity == 8
    path = urllib.parse.urlsplit(order_url)
    assert path.path == f"/orders/{order.number}"
    for base in (first, second):
        assert cart_lines(visitor.get(base + "/cart")) == {}
        assert order.number in visitor.get(f"{base}{path.path}?{path.query}")
        # Each process's product page shows the stock the other one's checkout claimed.
        assert "Only" not in visitor.get(base + "/menu/sourdough-loaf")


def test_a_change_through_either_process_or_the_database_session_is_seen_by_both_at_once(two_processes):
    first, second = two_processes
    open_shop()
    make_user("staff@example.com", role=Role.STAFF)
    product = make_product("Seeded rye", price="3.50", slug="seeded-rye")
    visitor = Browser()
    for base in (first, second):  # both processes have read and cached everything first
        assert "£3.50" in visitor.get(base + "/menu/seeded-rye")
        assert "Closed today" not in visitor.get(base + "/hours")
        assert "not taking online orders" not in visitor.get(base + "/checkout")

    db.session.rollback()
    # A price and the hours, changed by a third process through the ORM.
    product = db.session.get(Product, product.id)
    product.price = Decimal("3.95")
    db.session.commit()
    make_closure(date.today() - timedelta(days=1), date.today() + timedelta(days=2), reason="Oven repairs")
    for base in (first, second):
        assert "£3.95" in visitor.get(base + "/menu/seeded-rye")
        assert "Oven repairs" in visitor.get(base + "/hours")

    # A setting changed through the first process (staff pause online orders) …
    token = visitor.csrf(first)
    assert visitor.post(first + "/account/login", {"csrf_token": token, "email": "staff@example.com",
                                                   "password": PASSWORD}) == 200
    token = visitor.csrf(first)
    assert visitor.post(first + "/staff/orders/pause", {"csrf_token": token, "paused": "on"}) == 200
    # … is seen by the second on its very next request, and by the first.
    for base in (second, first):
        assert "not taking online orders" in visitor.get(base + "/checkout")

    # Opening hours removed through the ORM: both say the shop is closed.
    db.session.execute(sa.delete(OpeningPeriod))
    db.session.commit()
    for base in (first, second):
        assert "Open until" not in visitor.get(base + "/")
