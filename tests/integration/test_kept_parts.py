"""Parts of the checkout and cart pages kept per what they show (core.fragments): the same HTML as
a fresh render, every change (an order filling a slot, hours, a closure, the rules, the clock,
a price, the customer's choice) seen at once, and nothing of a visitor's own kept.

The shop is open 08:00–17:00 every day; the clock is Friday 20 November 2026, 10:00 in London."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.checkout.models import OrderingRules, SlotBooking
from storefront.core.pagecache import CSRF_HOLE
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.store.models import OpeningPeriod
from tests.support.builders import make_closure, make_product
from tests.support.checkout import FIXED_NOW, CheckoutClient, open_shop
from tests.support.html import csrf_from, field_errors, soup

FRIDAY = 4


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def loaf(app_ctx):
    open_shop()
    return make_product("Sourdough loaf", price="5.00").id


@pytest.fixture
def checkout(client, loaf):
    shopper = CheckoutClient(client)
    shopper.add(loaf, 3)
    return shopper


def text(response) -> str:
    return response.get_data(as_text=True)


def without_secrets(html: str) -> str:
    """The page with its one-time form key and CSRF token blanked (they differ on every page)."""
    html = re.sub(r'(name="(?:key|csrf_token)" type="hidden" value=")[^"]*', r"\1", html)
    return re.sub(r'("X-CSRFToken": ")[^"]*', r"\1", html)


def kept_html(app) -> str:
    return "".join(app.extensions.get("kept_fragments", {}).values())


def times(response) -> list[tuple[str, str, bool, bool]]:
    """The time list: (value, words, disabled, selected) for each option."""
    return [(o["value"], " ".join(o.get_text().split()), o.has_attr("disabled"), o.has_attr("selected"))
            for o in soup(text(response)).select("select#when option")]


def days(response) -> dict[str, tuple[str, bool]]:
    return {o["value"]: (" ".join(o.get_text().split()), o.has_attr("disabled"))
            for o in soup(text(response)).select("select#day option")}


def selected(response, select: str) -> str:
    return soup(text(response)).select_one(f"select#{select} option[selected]")["value"]


def test_a_kept_checkout_page_is_the_page_rendered_afresh(app, checkout):
    for data in (None, {"fulfilment": "delivery", "day": "2026-11-21", "when": "2026-11-21T12:00+00:00"}):
        app.extensions.pop("kept_fragments", None)
        send = (lambda: checkout.client.get("/checkout")) if data is None else (
            lambda: checkout.post({**checkout.form(**data), "name": "", "email": "", "phone": "", "action": "update"}))
        fresh = send()
        assert app.extensions["kept_fragments"]  # the parts were kept …
        again = send()
        assert without_secrets(text(again)) == without_secrets(text(fresh))  # … and give the same page


def test_a_slot_filling_up_is_seen_at_once(checkout):
    first = checkout.client.get("/checkout")
    assert times(first)[:4] == [("asap", "As soon as possible (about 30 min)", False, True),
                                ("2026-11-20T10:30+00:00", "10:30", False, False),
                                ("2026-11-20T10:45+00:00", "10:45", False, False),
                                ("2026-11-20T11:00+00:00", "11:00", False, False)]
    db.session.add(SlotBooking(slot_start=datetime(2026, 11, 20, 11, 0, tzinfo=UTC), orders_count=3))
    db.session.commit()
    assert times(checkout.client.get("/checkout"))[:4] == [
        ("asap", "As soon as possible (about 30 min)", False, True), ("2026-11-20T10:30+00:00", "10:30", False, False),
        ("2026-11-20T10:45+00:00", "10:45", False, False), ("2026-11-20T11:00+00:00", "11:00 (full)", True, False)]
    db.session.add(SlotBooking(slot_start=datetime(2026, 11, 20, 10, 30, tzinfo=UTC), orders_count=3))
    db.session.commit()
    assert times(checkout.client.get("/checkout"))[:2] == [("asap", "As soon as possible (about 45 min)", False, True),
                                                           ("2026-11-20T10:30+00:00", "10:30 (full)", True, False)]


def test_new_hours_a_closure_and_new_rules_are_seen_at_once(checkout):
    assert times(checkout.client.get("/checkout"))[-1][0] == "2026-11-20T16:45+00:00"
    friday = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == FRIDAY)).one()
    friday.closes_at = time(12, 0)
    db.session.commit()
    assert times(checkout.client.get("/checkout"))[-1][0] == "2026-11-20T11:45+00:00"

    assert days(checkout.client.get("/checkout"))["2026-11-21"] == ("Saturday 21 November", False)
    make_closure(date(2026, 11, 21), reason="Staff training")
    assert days(checkout.client.get("/checkout"))["2026-11-21"] == (
        "Saturday 21 November – Closed: Staff training", True)

    db.session.scalars(sa.select(OrderingRules)).one().slot_minutes = 30
    db.session.commit()
    assert [value for value, *_ in times(checkout.client.get("/checkout"))] == [
        "asap", "2026-11-20T10:30+00:00", "2026-11-20T11:00+00:00", "2026-11-20T11:30+00:00"]


@pytest.mark.parametrize("now, first_time, asap", [
    (datetime(2026, 11, 20, 10, 5, tzinfo=UTC), "2026-11-20T10:30+00:00", "about 25 min"),   # the minutes only
    (datetime(2026, 11, 20, 10, 20, tzinfo=UTC), "2026-11-20T10:45+00:00", "about 25 min"),  # the first time too
])
def test_the_clock_moving_on_is_seen_at_once(checkout, now, first_time, asap):
    checkout.client.get("/checkout")
    with mock.patch("storefront.store.current.utcnow", return_value=now):
        shown = times(checkout.client.get("/checkout"))
    assert shown[0] == ("asap", f"As soon as possible ({asap})", False, True) and shown[1][0] == first_time


@pytest.mark.parametrize("day, when", [("2026-11-20", "2026-11-20T11:00+00:00"),
                                       ("2026-11-21", "2026-11-21T12:00+00:00")])
def test_each_visitor_sees_their_own_choices(app, checkout, loaf, day, when):
    chosen = checkout.post({**checkout.form(fulfilment="delivery", day=day, when=when), "action": "update"})
    assert selected(chosen, "day") == day and selected(chosen, "when") == when
    assert soup(text(chosen)).select_one("label[for=when]").get_text() == "Delivered at"
    assert soup(text(chosen)).select_one("#fulfilment-1").has_attr("checked")

    other = CheckoutClient(app.test_client())
    other.add(loaf)
    theirs = other.client.get("/checkout")
    assert selected(theirs, "day") == "2026-11-20" and selected(theirs, "when") == "asap"
    assert soup(text(theirs)).select_one("label[for=when]").get_text() == "Ready for pickup at"
    assert soup(text(theirs)).select_one("#fulfilment-0").has_attr("checked")
    assert not soup(text(theirs)).select_one("#fulfilment-1").has_attr("checked")


def test_what_a_customer_typed_and_errors_are_never_kept(app, checkout):
    response = checkout.post({**checkout.form(email="robin@", day="2026-11-20xx"), "action": "update"})
    assert field_errors(response)["email"].startswith("Enter") and "day" in field_errors(response)
    kept = kept_html(app)
    assert "Robin Rye" not in kept and "robin@" not in kept and "field-error" not in kept
    fresh = checkout.client.get("/checkout")
    assert field_errors(fresh) == {}
    assert soup(text(fresh)).select_one("#name")["value"] == "" and "robin@" not in text(fresh)


# --- the cart's lines ----------------------------------------------------------------------------

def cart_tokens(response) -> set[str]:
    return {node["value"] for node in soup(text(response)).select("#cart input[name=csrf_token]")}


def test_cart_lines_are_kept_without_anyones_token(app, checkout, loaf):
    other = CheckoutClient(app.test_client())
    other.add(loaf, 3)
    mine, theirs = checkout.client.get("/cart"), other.client.get("/cart")
    assert cart_tokens(mine) == {csrf_from(mine)} and cart_tokens(theirs) == {csrf_from(theirs)}
    assert csrf_from(mine) != csrf_from(theirs)
    assert CSRF_HOLE in kept_html(app) and csrf_from(mine) not in kept_html(app)
    assert csrf_from(theirs) not in kept_html(app)
    # The kept line's forms work for their visitor: "One fewer" with the token the page gave.
    fewer = checkout.client.post(f"/cart/lines/{loaf}", data={"csrf_token": csrf_from(mine), "quantity": 2})
    assert fewer.status_code == 303


def test_a_price_and_a_quantity_change_show_in_the_cart_at_once(checkout, loaf):
    def line(response) -> str:
        return " ".join(soup(text(response)).select_one(".cart-table tbody tr").get_text(" ").split())

    assert "£5.00" in line(checkout.client.get("/cart")) and "£15.00" in line(checkout.client.get("/cart"))
    db.session.get(Product, loaf).price = Decimal("5.25")
    db.session.commit()
    assert "£5.25" in line(checkout.client.get("/cart")) and "£15.75" in line(checkout.client.get("/cart"))
    checkout.client.post(f"/cart/lines/{loaf}", data={"csrf_token": checkout.token(), "quantity": 2})
    page = checkout.client.get("/cart")
    assert "£10.50" in line(page) and soup(text(page)).select_one(f"#qty-{loaf}")["value"] == "2"
