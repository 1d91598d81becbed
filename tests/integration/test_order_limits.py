"""Limits on placing orders: per address and per email (5 placed an hour, a friendly 429), at
most 3 open unpaid guest orders per email, and per-customer promo limits that see through
letter case and `+tags`."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from storefront.core.identity import customer_email_key
from storefront.extensions import db
from storefront.orders.models import Order
from tests.support.builders import PASSWORD, make_product, make_user
from tests.support.checkout import CheckoutClient, frozen_clock, make_promo, open_shop  # noqa: F401
from tests.support.html import text

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def loaf(app_ctx):
    open_shop(orders_per_slot=50)
    return make_product("Sourdough loaf", price="20.00").id


def place(client, loaf: int, email: str, address: str = "127.0.0.1", **overrides):
    checkout = CheckoutClient(client)
    client.environ_base["REMOTE_ADDR"] = address
    checkout.add(loaf)
    return checkout.place(email=email, **overrides)


def placed_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Order.id)))


def test_one_address_places_five_orders_an_hour(client, loaf):
    statuses = [place(client, loaf, f"guest{i}@example.com").status_code for i in range(6)]
    assert statuses == [303] * 5 + [429]
    refused = place(client, loaf, "guest9@example.com")
    assert refused.status_code == 429 and "Too many attempts" in text(refused)
    assert placed_count() == 5


def test_one_email_places_five_orders_an_hour_from_any_address(client, auth, loaf):
    make_user("robin@example.com")
    auth.login("robin@example.com", PASSWORD)
    statuses = [place(client, loaf, "Robin+%d@Example.com" % i, address=f"10.0.0.{i}").status_code
                for i in range(6)]
    assert statuses == [303] * 5 + [429]
    assert placed_count() == 5


def test_refused_attempts_do_not_use_up_the_limit(client, loaf):
    for _ in range(6):
        assert place(client, loaf, "not an email").status_code == 422
    assert place(client, loaf, "fine@example.com").status_code == 303


def test_a_guest_email_holds_at_most_three_open_unpaid_orders(client, loaf):
    statuses = [place(client, loaf, email, address=f"10.0.1.{i}").status_code
                for i, email in enumerate(["x@example.com", "X+1@example.com", "x+2@example.com"])]
    assert statuses == [303] * 3
    refused = place(client, loaf, "x+3@example.com", address="10.0.1.9")
    assert refused.status_code == 422
    assert "already 3 orders waiting to be paid for with this email address" in text(refused)
    assert placed_count() == 3
    assert place(client, loaf, "y@example.com", address="10.0.1.10").status_code == 303


def test_once_per_customer_promos_see_through_case_and_plus_tags(client, loaf):
    make_promo("WELCOME10", per_customer_limit=1)
    assert place(client, loaf, "x@example.com", promo_code="WELCOME10").status_code == 303
    for i, email in enumerate(["X@Example.com", "x+1@example.com", "x+promo@EXAMPLE.com"]):
        again = place(client, loaf, email, address=f"10.0.2.{i}", promo_code="WELCOME10", action="apply_promo")
        assert "You have already used this code." in text(again), email


@pytest.mark.parametrize("email, key", [
    ("X+1@Example.com", "x@example.com"),
    (" robin@example.com ", "robin@example.com"),
    ("a.b+c+d@gmail.com", "a.b@gmail.com"),   # dots are kept: not every provider ignores them
    ("+only@example.com", "+only@example.com"),  # nothing before the tag: left as it is
    ("no-at-sign", "no-at-sign"),
])
def test_customer_email_key(email, key):
    assert customer_email_key(email) == key
