"""Checkout as a first-time customer sees it at 390×844 and 1280×800, JavaScript on and off: the
total follows every choice as it happens and is what "Place order" charges (no "your total has
changed" refusal with JavaScript), typing on while a refresh is under way loses nothing, a full
or outward postcode, a day then a time with the reason a day has none, a refused promo code left
off without stopping the order, a cake order ready on the cake's day, and the sticky total and
"Place order" bar on phones. Every state is checked with the Nu HTML checker and axe-core.

Clock: Friday 20 November 2026, 10:00 in the shop (see tests/support/checkout.py)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.orders.models import Order
from tests.support.builders import make_closure, make_user
from tests.support.cakes import cake_shop, frozen_clock
from tests.support.checkout import FIXED_NOW, make_promo

from .harness import check_page
from .pages import add_on_product_page, error_summary, field_error, fill_details, go_to_checkout, posting
from .test_cake_journeys import add_to_cart
from .test_checkout_journeys import amount, choose_time, order_summary, place_order, press, seed_shop, settled_after

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
SIZES = pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])


@pytest.fixture(autouse=True)
def clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


def orders(db_data) -> list[tuple[str, Decimal, str | None]]:
    with db_data() as session:
        return [(o.number, o.total, o.postcode) for o in session.scalars(sa.select(Order).order_by(Order.id))]


def choose_delivery(page: Page, *, js: bool) -> None:
    delivery = page.get_by_role("radio", name="Delivery")
    if js:
        settled_after(page, delivery.check)
    else:
        delivery.check()
        press(page, "Update options", js=False, status=200)
    expect(page.get_by_label("Postcode")).to_be_visible()


def bar_total(page: Page):
    return page.locator("#bar-total")


@SIZES
def test_the_total_follows_every_choice_and_is_what_is_charged(page: Page, live_server, js_enabled, db_data,
                                                                nu_checker, viewport):
    """Typing the outward code `BS1`, as the README suggests, is enough; with JavaScript the
    summary follows as it happens and the first "Place order" places, at the total on screen."""
    page.set_viewport_size(viewport)
    seed_shop(db_data)
    add_on_product_page(page, "sourdough-loaf", 3, js=js_enabled)
    go_to_checkout(page, live_server.url)
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    choose_delivery(page, js=js_enabled)
    expect(page.get_by_label("Postcode")).to_have_accessible_description(
        "Your full postcode (like BS1 4QA) or just its first part (like BS1). We deliver to BS1, BS2.")
    page.get_by_label("Street address").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Bristol")
    if js_enabled:
        with posting(page, "/checkout", htmx=True):
            page.get_by_label("Postcode").fill("BS1")   # the refresh comes after a pause in typing
    else:
        page.get_by_label("Postcode").fill("BS1")
        press(page, "Update options", js=False, status=200)
    expect(page.locator("#postcode-status")).to_have_text("Delivering to Centre: £2.50 (minimum order £12.00).")
    expect(amount(page, "Delivery")).to_have_text("£2.50")
    expect(amount(page, "Total")).to_have_text("£17.50")
    if viewport is PHONE:
        expect(bar_total(page)).to_have_text("Total £17.50")
    expect(error_summary(page)).to_have_count(0)
    check_page(page, nu_checker, f"checkout with a delivery zone found ({viewport['width']} px)")

    number = place_order(page, live_server.url, js=js_enabled)   # no "your total has changed"
    expect(amount(page, "Total")).to_have_text("£17.50")
    assert orders(db_data) == [(number, Decimal("17.50"), "BS1")]


@pytest.mark.parametrize("js_enabled", [True], ids=["js"])
def test_typing_on_while_the_summary_refreshes_loses_nothing(page: Page, live_server, js_enabled, db_data):
    """JavaScript only: the postcode's refresh lands while the customer types in the next fields;
    it swaps the summary, never the fields, so every key pressed is kept."""
    seed_shop(db_data)
    add_on_product_page(page, "sourdough-loaf", 3, js=True)
    go_to_checkout(page, live_server.url)
    choose_delivery(page, js=True)
    page.get_by_label("Postcode").press_sequentially("BS2 0AA", delay=80)
    page.get_by_label("Full name").press_sequentially("Robin Rye", delay=120)     # the refresh lands meanwhile
    page.get_by_label("Email address").press_sequentially("robin@example.com", delay=40)
    expect(amount(page, "Total")).to_have_text("£17.50")
    expect(page.get_by_label("Postcode")).to_have_value("BS2 0AA")
    expect(page.get_by_label("Full name")).to_have_value("Robin Rye")
    expect(page.get_by_label("Email address")).to_have_value("robin@example.com")


@pytest.mark.parametrize("js_enabled", [True], ids=["js"])
def test_place_order_straight_after_typing_waits_for_the_new_total(page: Page, live_server, js_enabled, db_data):
    """The postcode typed and "Place order" pressed at once: the refresh the postcode started
    finishes first (the form's requests queue), so the order is placed at the total the customer
    then sees, not refused and not charged a total never shown."""
    seed_shop(db_data)
    add_on_product_page(page, "sourdough-loaf", 3, js=True)
    go_to_checkout(page, live_server.url)
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    choose_delivery(page, js=True)
    page.get_by_label("Street address").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Bristol")
    page.get_by_label("Postcode").fill("BS1 4QA")
    number = place_order(page, live_server.url, js=True)
    expect(amount(page, "Total")).to_have_text("£17.50")
    assert orders(db_data) == [(number, Decimal("17.50"), "BS1 4QA")]


@SIZES
def test_a_bad_postcode_gets_one_message_for_the_value_in_the_field(page: Page, live_server, js_enabled, db_data,
                                                                     nu_checker, viewport):
    page.set_viewport_size(viewport)
    seed_shop(db_data)
    add_on_product_page(page, "sourdough-loaf", 3, js=js_enabled)
    go_to_checkout(page, live_server.url)
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    choose_delivery(page, js=js_enabled)
    page.get_by_label("Street address").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Bristol")
    page.get_by_label("Postcode").fill("SW1A 1AA")
    press(page, "Place order", js=js_enabled, status=422)
    message = "Sorry, we don’t deliver to that postcode yet. Choose pickup, or try another address."
    expect(error_summary(page).get_by_role("link")).to_have_text([message])
    expect(field_error(page, "postcode")).to_have_text(f"Error: {message}")
    check_page(page, nu_checker, f"checkout with a postcode we do not deliver to ({viewport['width']} px)")

    if js_enabled:
        with posting(page, "/checkout", htmx=True):
            page.get_by_label("Postcode").fill("BS1 4QA")
    else:
        page.get_by_label("Postcode").fill("BS1 4QA")
        press(page, "Update options", js=False, status=200)
    # The message beside the field is about the value now in it: no stale error.
    expect(field_error(page, "postcode")).to_have_count(0)
    expect(page.locator("#postcode-status")).to_have_text("Delivering to Centre: £2.50 (minimum order £12.00).")
    expect(amount(page, "Total")).to_have_text("£17.50")
    number = place_order(page, live_server.url, js=js_enabled)
    assert orders(db_data) == [(number, Decimal("17.50"), "BS1 4QA")]


@SIZES
def test_a_day_then_a_time_and_why_a_day_has_none(page: Page, live_server, js_enabled, db_data, nu_checker,
                                                  viewport):
    page.set_viewport_size(viewport)
    seed_shop(db_data)
    with db_data():
        make_closure(date(2026, 11, 21), reason="Staff training")
    add_on_product_page(page, "croissant", 2, js=js_enabled)
    go_to_checkout(page, live_server.url)
    day = page.get_by_label("Day", exact=True)
    expect(day).to_be_visible()
    expect(page.get_by_label("Ready for pickup at")).to_be_visible()
    expect(day.locator("option[value='2026-11-21']")).to_have_text("Saturday 21 November – Closed: Staff training")
    expect(day.locator("option[value='2026-11-21']")).to_be_disabled()
    expect(page.get_by_label("Ready for pickup at").locator("option").first).to_have_text(
        "As soon as possible (about 30 min)")
    check_page(page, nu_checker, f"checkout's day and time ({viewport['width']} px)")

    choose_time(page, "2026-11-22", "2026-11-22T09:15+00:00", "09:15", js=js_enabled)
    if js_enabled:   # the summary follows the time; without JavaScript it follows on the next press
        expect(order_summary(page).locator(".ready-at")).to_have_text("Ready for pickup: Sunday 22 November, 09:15")
    expect(page.get_by_label("Ready for pickup at")).to_have_value("2026-11-22T09:15+00:00")
    fill_details(page, name="Sam Crust", email="sam@example.com", phone="0117 496 0001")
    number = place_order(page, live_server.url, js=js_enabled)
    expect(page.locator(".lede")).to_have_text("Thank you, Sam Crust. Pickup, Sunday 22 November at 09:15.")
    assert [n for n, _, _ in orders(db_data)] == [number]


def test_closed_today_says_why(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    with db_data():
        make_closure(date(2026, 11, 20), reason="Staff training")
    add_on_product_page(page, "croissant", 2, js=js_enabled)
    go_to_checkout(page, live_server.url)
    expect(page.locator("#today-reason")).to_have_text("Not today: Closed: Staff training.")
    expect(page.get_by_label("Day", exact=True)).to_have_value("2026-11-21")
    expect(page.get_by_label("Ready for pickup at").locator("option")).not_to_contain_text(["As soon as possible"])
    check_page(page, nu_checker, "checkout when the shop is closed today")


def test_a_refused_code_is_left_off_and_does_not_stop_the_order(page: Page, live_server, js_enabled, db_data,
                                                                 nu_checker):
    seed_shop(db_data)
    with db_data():
        make_promo("BIGSPEND", min_subtotal=Decimal("20.00"))
    add_on_product_page(page, "sourdough-loaf", 1, js=js_enabled)
    go_to_checkout(page, live_server.url)
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    reason = "Spend £15.00 more to use this code (minimum £20.00). We’ve left it off your total."
    if js_enabled:   # leaving the box is enough
        with posting(page, "/checkout", htmx=True):
            page.get_by_label("Promo code").fill("bigspend")
            page.get_by_label("Promo code").blur()
    else:
        page.get_by_label("Promo code").fill("bigspend")
        press(page, "Apply", js=False, status=422)
    expect(page.locator("#promo-status")).to_have_text(f"Error: {reason}")
    expect(amount(page, "Total")).to_have_text("£5.00")
    check_page(page, nu_checker, "checkout with a refused promo code")
    number = place_order(page, live_server.url, js=js_enabled)
    expect(amount(page, "Total")).to_have_text("£5.00")
    assert orders(db_data) == [(number, Decimal("5.00"), None)]


def test_a_cake_order_is_ready_on_the_cake_day(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        ids = cake_shop()
        make_user("pat@example.com", name="Pat Baker", phone="0117 496 0002")
    with frozen_clock():
        page.goto("/cakes")
        page.get_by_label("Day you need it").select_option("2026-11-30")
        add_to_cart(page)
        go_to_checkout(page, live_server.url)
        expect(page.get_by_text("Your cake is for Monday 30 November, so the whole order is ready for pickup that day.")
               ).to_be_visible()
        expect(page.get_by_label("Day", exact=True)).to_have_count(0)
        times = page.get_by_label("Ready for pickup at").locator("option")
        expect(times.first).to_have_text("08:00")
        values = times.evaluate_all("options => options.map(o => o.value)")
        assert values and all(value.startswith("2026-11-30T") for value in values)
        check_page(page, nu_checker, "checkout for a cake")
        fill_details(page, name="Pat Baker", email="pat@example.com", phone="0117 496 0002")
        number = place_order(page, live_server.url, js=js_enabled)
    with db_data() as session:
        order = session.scalars(sa.select(Order).where(Order.number == number)).one()
        assert order.slot_start.date() == date(2026, 11, 30)
    assert ids


def test_the_place_order_bar_stays_in_view_on_a_phone(page: Page, live_server, js_enabled, db_data, nu_checker):
    page.set_viewport_size(PHONE)
    seed_shop(db_data)
    add_on_product_page(page, "sourdough-loaf", 2, js=js_enabled)
    go_to_checkout(page, live_server.url)
    bar = page.locator(".place-bar")
    for field in ("Full name", "Phone number"):   # scrolled to the top of the form, then its middle
        page.get_by_label(field).scroll_into_view_if_needed()
        expect(bar.get_by_role("button", name="Place order")).to_be_in_viewport()
        expect(bar_total(page)).to_have_text("Total £10.00")
        box = bar.bounding_box()
        assert box["y"] + box["height"] <= PHONE["height"] + 1
    page.set_viewport_size({"width": 320, "height": 700})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    check_page(page, nu_checker, "checkout at 320 px")
