"""The dashboard's figures, and that they cost the same few queries however much there is."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest

from storefront.accounts.models import Role
from storefront.orders.models import Status
from tests.support.builders import PASSWORD, make_product, make_store, make_user
from tests.support.checkout import FIXED_NOW
from tests.support.orders import make_order
from tests.support.reservations import local, make_reservation, make_table

TODAY = FIXED_NOW.date()  # 10:00 in London (GMT) on Friday 20 November 2026


@pytest.fixture
def dashboard(app_ctx, client, auth):
    make_store()
    make_user("staff@example.com", role=Role.STAFF)
    auth.login("staff@example.com", PASSWORD)
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield lambda: client.get("/staff/").get_data(as_text=True)


def tile(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    return html[start:html.index("</section>", start)]


def test_the_dashboard_counts_today_and_links_to_the_screens(dashboard):
    product = make_product(stock_quantity=10)
    make_order(due=FIXED_NOW + timedelta(minutes=30), product=product)          # 7.00, due within the hour
    make_order(due=FIXED_NOW + timedelta(hours=3), product=product, quantity=1)  # 3.50
    make_order(due=FIXED_NOW + timedelta(hours=2), product=product, status=Status.CANCELLED)
    make_order(due=FIXED_NOW + timedelta(days=1), product=product)              # tomorrow
    table = make_table("T1", 1, 8)
    make_reservation(local(TODAY, "12:00"), 2, [table])
    make_reservation(local(TODAY, "12:30"), 4, [table])
    make_reservation(local(TODAY, "19:00"), 3, [table])
    make_product("Almond croissant", track_stock=True, stock_quantity=2)
    make_product("Rye loaf", track_stock=True, stock_quantity=0)
    make_product("Plenty", track_stock=True, stock_quantity=50)

    html = dashboard()
    orders = tile(html, "Orders today")
    assert '<p class="tile__figure">2</p>' in orders and "£10.50" in orders and 'href="/staff/orders"' in orders
    assert '<p class="tile__figure">1</p>' in tile(html, "Due in the next hour")
    covers = tile(html, "Covers booked today")
    assert '<p class="tile__figure">9</p>' in covers
    assert '<th scope="row">12:00</th><td>6</td>' in covers and '<th scope="row">19:00</th><td>3</td>' in covers
    stock = tile(html, "Low stock")
    assert '<p class="tile__figure">2</p>' in stock
    assert stock.index("Rye loaf") < stock.index("Almond croissant") and "Plenty" not in stock
    assert "sold out" in stock and "2 left" in stock


def test_the_dashboard_costs_the_same_queries_with_more_data(dashboard, count_queries):
    product = make_product(stock_quantity=50)
    table = make_table("T1", 1, 8)
    make_order(due=FIXED_NOW + timedelta(minutes=30), product=product)
    make_reservation(local(TODAY, "12:00"), 2, [table])
    with count_queries() as few:
        dashboard()
    for n in range(6):
        make_order(due=FIXED_NOW + timedelta(minutes=20 + n), product=product)
        make_reservation(local(TODAY, f"{13 + n}:00"), 2, [table])
        make_product(track_stock=True, stock_quantity=1)
    with count_queries() as many:
        dashboard()
    assert many.count == few.count
