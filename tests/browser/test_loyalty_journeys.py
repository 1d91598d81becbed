"""Loyalty journeys in a real browser, with JavaScript on and off: a customer with points spends
some at checkout (too many first, refused beside the field), sees the points line and the new
total, places the order, and finds the balance on the account page. Every state is checked with
the Nu HTML checker and axe-core. The checkout clock is fixed as in test_checkout_journeys."""
from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.accounts.models import Role
from storefront.loyalty.models import LoyaltyEntry
from tests.support.builders import make_category, make_product, make_store, make_user
from tests.support.checkout import FIXED_NOW, open_shop
from tests.support.loyalty import give_points

from .harness import check_page
from .pages import add_on_product_page, error_summary, field_error, go_to_checkout, press, sign_in
from .test_checkout_journeys import amount, place_order


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW), \
            mock.patch("storefront.loyalty.views.utcnow", return_value=FIXED_NOW):
        yield


def test_redeem_points_at_checkout_and_see_the_balance(page: Page, live_server, js_enabled, db_data, nu_checker):
    base = live_server.url
    with db_data():
        open_shop()
        make_product("Sourdough loaf", category=make_category("Breads", slug="breads"), price="5.00",
                     slug="sourdough-loaf")
        user_id = make_user("robin@example.com", name="Robin Rye", phone="0117 496 0000").id
        give_points(user_id, 450, at=FIXED_NOW - timedelta(days=30), reason="Orders in the shop")

    sign_in(page, "robin@example.com", js=js_enabled)
    points_section = page.get_by_role("region", name="Your points")
    expect(points_section.locator(".points-balance")).to_have_text("450 points, worth £4.50 off an order.")
    check_page(page, nu_checker, "account page with points")

    add_on_product_page(page, "sourdough-loaf", 3, js=js_enabled)
    go_to_checkout(page, base)
    fieldset = page.get_by_role("group", name="Pay with points")
    expect(fieldset.locator("#points-balance")).to_have_text("You have 450 points, worth £4.50.")
    check_page(page, nu_checker, "checkout offering points")

    # Too many: refused beside the field, nothing changes.
    page.get_by_label("Points to use").fill("600")
    press(page, "Use points", "/checkout", js=js_enabled)
    expect(field_error(page, "points")).to_have_text("Error: You have 450 points, so you can’t use 600.")
    expect(error_summary(page)).to_be_visible()
    expect(amount(page, "Total")).to_have_text("£15.00")
    check_page(page, nu_checker, "checkout refusing too many points")

    page.get_by_label("Points to use").fill("300")
    press(page, "Use points", "/checkout", js=js_enabled)
    expect(field_error(page, "points")).to_have_count(0)
    expect(amount(page, "Points (300)")).to_have_text("−£3.00")
    expect(amount(page, "Total")).to_have_text("£12.00")
    check_page(page, nu_checker, "checkout with points used")

    place_order(page, base, js=js_enabled)
    expect(amount(page, "Paid with points")).to_have_text("−£3.00")
    expect(amount(page, "Total")).to_have_text("£12.00")

    page.goto("/account/")
    expect(points_section.locator(".points-balance")).to_have_text("150 points, worth £1.50 off an order.")
    expect(points_section.locator("tbody tr").first.locator("td")).to_have_text(
        ["20 Nov 2026", re.compile(r"^Spent: Order CK-\w{6}$"), "−300", "150"])
    check_page(page, nu_checker, "account page after spending points")
    with db_data() as session:
        assert [e.points for e in session.scalars(sa.select(LoyaltyEntry).order_by(LoyaltyEntry.id))] == [450, -300]


def test_staff_adjust_a_customers_points(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("staff@example.com", name="Sam Baker", role=Role.STAFF)
        make_user("robin@example.com", name="Robin Rye")
    sign_in(page, "staff@example.com", js=js_enabled)
    page.goto("/staff/points")
    expect(page.get_by_role("navigation", name="Back office").get_by_role("link", name="Points")).to_have_attribute(
        "aria-current", "page")
    check_page(page, nu_checker, "staff points screen")

    page.get_by_label("Customer’s email address").fill("robin@example.com")
    page.get_by_label("Points").fill("-20")
    page.get_by_label("Reason (the customer sees this)").fill("Correction")
    press(page, "Adjust points", "/staff/points", js=False)   # a plain form: the page comes back
    expect(field_error(page, "points")).to_have_text("Error: You have 0 points, so 20 can’t be taken.")
    check_page(page, nu_checker, "staff points screen refusing")

    page.get_by_label("Points").fill("40")
    press(page, "Adjust points", "/staff/points", js=False)
    expect(page.get_by_role("status")).to_contain_text("robin@example.com: +40 points, balance now 40.")
    expect(page.get_by_label("Points")).to_have_value("")
