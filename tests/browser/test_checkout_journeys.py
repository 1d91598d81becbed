"""Checkout journeys in a real browser, each with JavaScript on and off: a guest's pickup as soon
as possible; a signed-in delivery in a chosen slot with a promo code; a promo code refused with
its reason; bad details refused; a delivery fee shown before it is charged; cancelling an order;
ordering an old order again. Every page and every state the customer sees is checked with the Nu
HTML checker and axe-core.

The clock of checkout (`storefront.store.current.utcnow`) is fixed at Friday 20 November 2026,
10:00 in Bristol (GMT): the live server runs in a thread of this process, so the patch reaches it.
The shop is open 08:00–17:00 every day and delivers to BS1/BS2 ("Centre", £2.50, minimum £12)."""
from __future__ import annotations

import re
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, Response, expect

from storefront.orders.models import Order, Status
from tests.support.builders import make_category, make_product, make_user
from tests.support.checkout import FIXED_NOW, make_promo, open_shop

from .harness import check_page
from .pages import (
    add_from_menu,
    add_on_product_page,
    badge,
    error_summary,
    field_error,
    fill_details,
    go_to_checkout,
    posting,
    sign_in,
    toasts,
)

SATURDAY_1230 = "2026-11-21T12:30+00:00"   # Saturday 21 November, 12:30 in the shop (GMT), as core.slots writes it
ORDER_URL = re.compile(r"/orders/(CK-[0-9A-Z]{6})\?key=[A-Za-z0-9_-]+$")


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


def seed_shop(db_data) -> None:
    with db_data():
        open_shop()
        breads = make_category("Breads", slug="breads", position=1)
        pastries = make_category("Pastries", slug="pastries", position=2)
        make_product("Sourdough loaf", category=breads, price="5.00", slug="sourdough-loaf")
        make_product("Croissant", category=pastries, price="2.00", slug="croissant")


def placed_orders(db_data) -> list[tuple[str, Status]]:
    with db_data() as session:
        return [(o.number, o.status) for o in session.scalars(sa.select(Order).order_by(Order.id))]


# --------------------------------------------------------------------------------------------
# Travelling
# --------------------------------------------------------------------------------------------

def press(page: Page, button: str, *, js: bool, status: int) -> Response:
    """Press one of the checkout form's buttons; the form comes back with `status`. The answer
    waited for is the button's own (its `action`), not a field's live refresh set off by the
    same click (leaving a field fires its change)."""
    target = page.get_by_role("button", name=button, exact=True)
    with posting(page, "/checkout", htmx=js, sending=f"action={target.get_attribute('value')}") as answer:
        target.click()
    response = answer.value
    assert response.status == status, f"{button}: answered {response.status}, expected {status}"
    return response


def place_order(page: Page, base: str, *, js: bool) -> str:
    """Press "Place order" and land on the order's page; returns the order number."""
    with posting(page, "/checkout", htmx=js, sending="action=place") as answer:
        page.get_by_role("button", name="Place order", exact=True).click()
    response = answer.value
    if js:
        assert response.status == 200 and ORDER_URL.search(response.headers.get("hx-redirect", "")), \
            f"no HX-Redirect to the order: {response.status} {response.headers}"
    else:
        assert response.status == 303 and ORDER_URL.search(response.headers.get("location", "")), \
            f"no redirect to the order: {response.status} {response.headers}"
    expect(page).to_have_url(ORDER_URL)
    number = ORDER_URL.search(page.url).group(1)
    assert page.url.startswith(base + "/orders/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    return number


def settled_after(page: Page, act) -> None:
    """Do something that makes htmx refresh part of the checkout, and wait until the swap has
    settled (htmx attaches the new elements' triggers then: a test's next single action must
    not reach the element just replaced)."""
    page.evaluate("() => { window.checkoutSettled = false; document.body.addEventListener("
                  "'htmx:afterSettle', () => { window.checkoutSettled = true; }, {once: true}); }")
    with posting(page, "/checkout", htmx=True):
        act()
    page.wait_for_function("() => window.checkoutSettled === true")


def choose_time(page: Page, day: str, slot: str, shown: str, *, js: bool, label: str = "Ready for pickup at") -> None:
    """Choose a day (with JavaScript its times arrive at once; without, "Show times" asks for
    them), then one of its times."""
    if js:
        settled_after(page, lambda: page.get_by_label("Day", exact=True).select_option(day))
    else:
        page.get_by_label("Day", exact=True).select_option(day)
        press(page, "Show times", js=False, status=200)
    when = page.get_by_label(label)
    expect(when.locator(f"option[value='{slot}']")).to_have_text(shown)
    if js:
        with posting(page, "/checkout", htmx=True):
            when.select_option(slot)
    else:
        when.select_option(slot)


# --------------------------------------------------------------------------------------------
# What the customer sees
# --------------------------------------------------------------------------------------------

def order_summary(page: Page) -> Locator:
    return page.get_by_role("complementary", name="Your order")


def summary_lines(page: Page) -> Locator:
    return order_summary(page).locator(".summary-lines li")


def amount(page: Page, label: str) -> Locator:
    """The amount beside `label` in the totals (checkout's summary or the order page)."""
    return page.locator("dl.totals > div").filter(
        has=page.locator("dt").filter(has_text=re.compile(rf"^{re.escape(label)}$"))).locator("dd")


def order_status(page: Page) -> Locator:
    return page.get_by_role("region", name=re.compile(r"^Status:"))


def items_table(page: Page) -> Locator:
    return page.get_by_role("table", name=re.compile(r"^Items in order"))


# --------------------------------------------------------------------------------------------
# Journeys
# --------------------------------------------------------------------------------------------

def test_guest_pickup_as_soon_as_possible(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url

    # Nothing in the cart yet: checkout says so and points to the menu.
    page.goto("/checkout")
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_role("heading", level=2, name="Your cart is empty")).to_be_visible()
    expect(page.get_by_role("button", name="Place order")).to_have_count(0)
    check_page(page, nu_checker, "checkout with an empty cart")

    page.get_by_role("link", name="Browse the menu").click()
    expect(page).to_have_url(base + "/menu")
    add_from_menu(page, "Croissant", js=js_enabled, count=1)
    add_from_menu(page, "Croissant", js=js_enabled, count=2)
    add_from_menu(page, "Sourdough loaf", js=js_enabled, count=3)

    go_to_checkout(page, base)
    expect(summary_lines(page)).to_have_text([re.compile(r"^2 × Croissant\s+£4\.00$"),
                                              re.compile(r"^1 × Sourdough loaf\s+£5\.00$")])
    expect(page.get_by_role("radio", name="Pickup from the shop")).to_be_checked()
    expect(page.get_by_label("Day", exact=True)).to_have_value("2026-11-20")
    expect(page.get_by_label("Day", exact=True).locator("option:checked")).to_have_text("Today, Friday 20 November")
    when = page.get_by_label("Ready for pickup at")
    expect(when).to_have_value("asap")
    expect(when.locator("option:checked")).to_have_text("As soon as possible (about 30 min)")
    expect(order_summary(page).locator(".ready-at")).to_have_text("Ready for pickup: as soon as possible, about 10:30")
    expect(amount(page, "Subtotal")).to_have_text("£9.00")
    expect(amount(page, "Total")).to_have_text("£9.00")
    expect(amount(page, "Includes tax (20%)")).to_have_text("£1.50")
    expect(amount(page, "Delivery")).to_have_count(0)
    expect(order_summary(page)).to_contain_text("Payment: Pay at pickup. Nothing is charged online.")
    expect(error_summary(page)).to_have_count(0)
    check_page(page, nu_checker, "checkout with items")

    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    number = place_order(page, base, js=js_enabled)

    expect(page.locator(".lede")).to_have_text(
        "Thank you, Robin Rye. Pickup, as soon as possible (ready about 10:30).")
    expect(order_status(page).get_by_role("heading", level=2)).to_have_text("Status: Order placed")
    expect(order_status(page).get_by_role("listitem")).to_have_text(["20 Nov, 10:00 Order placed"])
    expect(items_table(page).locator("tbody tr")).to_have_text([
        re.compile(r"^Croissant\s*£2\.00\s*2\s*£4\.00$"), re.compile(r"^Sourdough loaf\s*£5\.00\s*1\s*£5\.00$")])
    expect(amount(page, "Total")).to_have_text("£9.00")
    expect(page.get_by_text("Payment: Pay at pickup — nothing paid yet, nothing charged online.")).to_be_visible()
    # What the customer looks for first, in the first screenful: that it worked, and when.
    hero = page.locator(".order-hero")
    expect(hero).to_have_text(re.compile(r"^\s*Order confirmed\s*Ready for pickup\s*as soon as possible \(ready about 10:30\)\s*$"))
    assert hero.bounding_box()["y"] + hero.bounding_box()["height"] <= page.viewport_size["height"]
    # Ready in 20 minutes: too close to cancel online.
    expect(page.locator("#cancel-order")).to_have_count(0)
    expect(badge(page)).to_have_text("Cart")  # the cart was emptied
    check_page(page, nu_checker, "order page")
    assert placed_orders(db_data) == [(number, Status.PLACED)]


def test_signed_in_delivery_in_a_slot_with_a_promo_code(page: Page, live_server, js_enabled, db_data,
                                                         nu_checker):
    seed_shop(db_data)
    base = live_server.url
    with db_data():
        make_user("robin@example.com", name="Robin Rye", phone="0117 496 0000")
        make_promo("WELCOME10", min_subtotal=Decimal("10.00"), description="10% off your first order")

    sign_in(page, "robin@example.com", js=js_enabled)
    add_on_product_page(page, "sourdough-loaf", 3, js=js_enabled)
    go_to_checkout(page, base)
    # Signed in: the details are already filled in.
    expect(page.get_by_label("Full name")).to_have_value("Robin Rye")
    expect(page.get_by_label("Email address")).to_have_value("robin@example.com")
    expect(page.get_by_label("Phone number")).to_have_value("0117 496 0000")
    expect(page.get_by_label("Street address")).to_have_count(0)

    # Delivery: with JavaScript choosing it is enough; without, "Update options" asks for the page.
    delivery = page.get_by_role("radio", name="Delivery")
    if js_enabled:
        with posting(page, "/checkout", htmx=True) as answer:
            delivery.check()
        assert answer.value.status == 200
        expect(delivery).to_be_focused()  # focus stays where the customer was
    else:
        delivery.check()
        press(page, "Update options", js=False, status=200)
    expect(delivery).to_be_checked()
    expect(error_summary(page)).to_have_count(0)  # asking for options is not a mistake
    expect(page.get_by_role("group", name="Delivery address")).to_be_visible()
    expect(page.get_by_label("Street address")).to_be_visible()
    expect(page.get_by_label("Town or city")).to_be_visible()
    expect(page.get_by_label("Postcode")).to_be_visible()
    expect(page.get_by_label("Ready for pickup at")).to_have_count(0)
    expect(page.get_by_label("Delivered at")).to_be_visible()
    expect(amount(page, "Delivery")).to_have_text("Enter your postcode")
    expect(order_summary(page)).to_contain_text("Payment: Pay on delivery.")
    check_page(page, nu_checker, "checkout with the delivery address shown")

    page.get_by_label("Street address").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Bristol")
    page.get_by_label("Postcode").fill("BS1 4QA")
    choose_time(page, "2026-11-21", SATURDAY_1230, "12:30", js=js_enabled, label="Delivered at")

    page.get_by_label("Promo code").fill("welcome10")
    press(page, "Apply", js=js_enabled, status=200)
    expect(error_summary(page)).to_have_count(0)
    expect(order_summary(page).locator(".promo-applied")).to_have_text(
        "Code WELCOME10 applied: 10% off your first order.")
    remove = page.get_by_role("button", name="Remove code")
    expect(remove).to_be_visible()
    expect(remove).to_have_accessible_description("Code WELCOME10 applied: 10% off your first order.")
    if js_enabled:
        expect(page.get_by_role("button", name="Apply", exact=True)).to_be_focused()  # where it was pressed
    expect(page.locator(".zone-note")).to_have_text("Delivering to Centre: £2.50 (minimum order £12.00).")
    expect(amount(page, "Subtotal")).to_have_text("£15.00")
    expect(amount(page, "Discount")).to_have_text("−£1.50")
    expect(amount(page, "Delivery")).to_have_text("£2.50")
    expect(amount(page, "Total")).to_have_text("£16.00")
    # What the customer chose is still chosen.
    expect(page.get_by_label("Delivered at")).to_have_value(SATURDAY_1230)
    expect(page.get_by_label("Day", exact=True)).to_have_value("2026-11-21")
    expect(page.get_by_label("Street address")).to_have_value("12 Mill Lane")
    expect(page.get_by_label("Postcode")).to_have_value("BS1 4QA")
    check_page(page, nu_checker, "checkout with a promo code applied")

    # Changing one's mind about the code, and back.
    press(page, "Remove code", js=js_enabled, status=200)
    expect(amount(page, "Discount")).to_have_count(0)
    expect(amount(page, "Total")).to_have_text("£17.50")
    expect(page.get_by_label("Promo code")).to_have_value("")
    if js_enabled:
        expect(page.get_by_label("Promo code")).to_be_focused()  # not lost to <body> with the button
    page.get_by_label("Promo code").fill("WELCOME10")
    press(page, "Apply", js=js_enabled, status=200)
    expect(amount(page, "Discount")).to_have_text("−£1.50")
    expect(amount(page, "Total")).to_have_text("£16.00")

    number = place_order(page, base, js=js_enabled)
    expect(page.locator(".lede")).to_have_text(
        "Thank you, Robin Rye. Delivery to 12 Mill Lane, Bristol BS1 4QA, Saturday 21 November at 12:30.")
    expect(order_status(page).get_by_role("heading", level=2)).to_have_text("Status: Order placed")
    expect(items_table(page).locator("tbody tr")).to_have_text([re.compile(r"^Sourdough loaf\s*£5\.00\s*3\s*£15\.00$")])
    expect(amount(page, "Subtotal")).to_have_text("£15.00")
    expect(amount(page, "Discount (WELCOME10)")).to_have_text("−£1.50")
    expect(amount(page, "Delivery")).to_have_text("£2.50")
    expect(amount(page, "Total")).to_have_text("£16.00")
    expect(page.get_by_text("Payment: Pay on delivery — nothing paid yet, nothing charged online.")).to_be_visible()
    expect(page.get_by_role("link", name="All your orders")).to_be_visible()
    check_page(page, nu_checker, "order page for a delivery with a discount")
    assert placed_orders(db_data) == [(number, Status.PLACED)]


def test_a_promo_code_that_cannot_be_used_says_why(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url
    with db_data():
        make_promo("BIGSPEND", min_subtotal=Decimal("20.00"))

    add_on_product_page(page, "sourdough-loaf", 1, js=js_enabled)
    go_to_checkout(page, base)
    page.get_by_label("Promo code").fill("bigspend")
    press(page, "Apply", js=js_enabled, status=422)

    reason = "Spend £15.00 more to use this code (minimum £20.00)."
    summary = error_summary(page)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.get_by_role("listitem")).to_have_count(1)
    expect(summary.get_by_role("link", name=reason)).to_have_attribute("href", "#promo_code")
    left_off = f"Error: {reason} We’ve left it off your total."
    expect(field_error(page, "promo_code")).to_have_text(left_off)
    code = page.get_by_label("Promo code")
    expect(code).to_have_value("bigspend")
    expect(code).to_have_accessible_description(left_off)
    # Nothing was taken off, and the details not yet entered are not called mistakes.
    expect(amount(page, "Discount")).to_have_count(0)
    expect(amount(page, "Total")).to_have_text("£5.00")
    expect(field_error(page, "name")).to_have_count(0)
    expect(page).to_have_url(base + "/checkout")
    check_page(page, nu_checker, "checkout with a promo code error")
    assert placed_orders(db_data) == []


def test_bad_details_are_refused_and_nothing_is_placed(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url
    add_on_product_page(page, "sourdough-loaf", 1, js=js_enabled)
    go_to_checkout(page, base)
    fill_details(page, name="", email="robin.example.com", phone="0117 496 0000")
    press(page, "Place order", js=js_enabled, status=422)

    expect(page).to_have_url(base + "/checkout")
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(["Enter your name",
                                                      "Enter an email address like name@example.com"])
    expect(summary.get_by_role("link", name="Enter your name")).to_have_attribute("href", "#name")
    expect(field_error(page, "name")).to_have_text("Error: Enter your name")
    expect(field_error(page, "email")).to_have_text("Error: Enter an email address like name@example.com")
    expect(field_error(page, "phone")).to_have_count(0)
    expect(page.get_by_label("Full name")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Email address")).to_have_value("robin.example.com")
    expect(page.get_by_label("Phone number")).to_have_value("0117 496 0000")
    expect(summary_lines(page)).to_have_text([re.compile(r"^1 × Sourdough loaf\s+£5\.00$")])
    expect(badge(page)).to_have_text("Cart 1 item")
    check_page(page, nu_checker, "checkout with errors in the details")
    assert placed_orders(db_data) == []

    # Put right, the same form places the order.
    page.get_by_label("Full name").fill("Robin Rye")
    page.get_by_label("Email address").fill("robin@example.com")
    number = place_order(page, base, js=js_enabled)
    expect(order_status(page).get_by_role("heading", level=2)).to_have_text("Status: Order placed")
    assert placed_orders(db_data) == [(number, Status.PLACED)]


def test_cancel_an_order(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url
    add_on_product_page(page, "croissant", 3, js=js_enabled)
    go_to_checkout(page, base)
    choose_time(page, "2026-11-21", SATURDAY_1230, "12:30", js=js_enabled)
    fill_details(page, name="Sam Crust", email="sam@example.com", phone="0117 496 0001")
    number = place_order(page, base, js=js_enabled)

    expect(page.locator(".lede")).to_have_text("Thank you, Sam Crust. Pickup, Saturday 21 November at 12:30.")
    # Quiet and confirmed: a disclosure opens the question; nothing posts before "Yes".
    cancel = page.get_by_role("button", name="Yes, cancel the order")
    expect(cancel).to_be_hidden()
    expect(page.get_by_role("heading", name="Changed your mind?")).to_be_visible()
    check_page(page, nu_checker, "order page that can be cancelled")
    page.locator("#cancel-order > summary").click()
    expect(cancel).to_be_visible()
    expect(page.locator("#cancel-order")).to_contain_text(f"Cancel order {number}?")

    # A plain form post in both modes: the answer is the order's page again.
    with posting(page, f"/orders/{number}/cancel", htmx=False) as answer:
        cancel.click()
    assert answer.value.status == 303
    expect(page).to_have_url(ORDER_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    expect(toasts(page)).to_have_text(f"Order {number} is cancelled. Nothing is owed.")
    expect(order_status(page).get_by_role("heading", level=2)).to_have_text("Status: Cancelled")
    expect(order_status(page).get_by_role("listitem")).to_have_text(
        ["20 Nov, 10:00 Order placed", "20 Nov, 10:00 Cancelled — Cancelled by the customer"])
    expect(order_status(page)).not_to_have_attribute("data-hx-trigger", "every 20s")  # final: no more polling
    expect(page.locator("#cancel-order")).to_have_count(0)
    expect(page.get_by_role("heading", name="Changed your mind?")).to_have_count(0)
    check_page(page, nu_checker, "cancelled order page")
    assert placed_orders(db_data) == [(number, Status.CANCELLED)]


def test_order_again_from_the_order_history(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url
    with db_data():
        make_user("pat@example.com", name="Pat Baker", phone="0117 496 0002")

    sign_in(page, "pat@example.com", js=js_enabled)
    page.goto("/menu")
    add_from_menu(page, "Croissant", js=js_enabled, count=1)
    add_from_menu(page, "Croissant", js=js_enabled, count=2)
    add_from_menu(page, "Sourdough loaf", js=js_enabled, count=3)
    go_to_checkout(page, base)
    number = place_order(page, base, js=js_enabled)
    expect(badge(page)).to_have_text("Cart")

    page.get_by_role("link", name="All your orders").click()
    expect(page).to_have_url(base + "/orders")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your orders")
    card = page.get_by_role("article", name=f"Order {number}")
    expect(card).to_contain_text("3 items · £9.00 · Order placed")
    expect(card.locator(".order-items")).to_have_text("2 × Croissant, 1 × Sourdough loaf")
    again = card.get_by_role("button", name=f"Order these again (order {number})")
    expect(again).to_be_visible()
    check_page(page, nu_checker, "order history")

    with posting(page, f"/orders/{number}/reorder", htmx=False) as answer:
        again.click()
    assert answer.value.status == 303
    expect(page).to_have_url(base + "/cart")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")
    expect(toasts(page)).to_have_text(f"Added 2 of 2 items from order {number} to your cart.")
    cart = page.locator("#cart")
    expect(cart.locator("tbody").get_by_role("rowheader")).to_have_text(["Croissant", "Sourdough loaf"])
    expect(page.get_by_role("spinbutton", name="Quantity of Croissant")).to_have_value("2")
    expect(page.get_by_role("spinbutton", name="Quantity of Sourdough loaf")).to_have_value("1")
    expect(cart.locator("tfoot tr")).to_contain_text("Subtotal (3 items)")
    expect(cart.locator("tfoot tr")).to_contain_text("£9.00")
    expect(badge(page)).to_have_text("Cart 3 items")
    check_page(page, nu_checker, "cart after ordering again")



def test_a_delivery_fee_is_shown_before_it_is_charged(page: Page, live_server, js_enabled, db_data, nu_checker):
    """The customer picks delivery, types the address and presses "Place order" straight away.
    With JavaScript the fee reached the total as the postcode was typed (the press waits for that
    refresh), so the order is placed at the total on screen. Without it the fee was not in the
    total they saw, so nothing is placed until they have seen it."""
    seed_shop(db_data)
    base = live_server.url
    add_on_product_page(page, "sourdough-loaf", 3, js=js_enabled)
    go_to_checkout(page, base)
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    delivery = page.get_by_role("radio", name="Delivery")
    if js_enabled:
        settled_after(page, delivery.check)
    else:
        delivery.check()
        press(page, "Update options", js=False, status=200)
    expect(amount(page, "Total")).to_have_text("£15.00")
    page.get_by_label("Street address").fill("12 Mill Lane")
    page.get_by_label("Town or city").fill("Bristol")
    page.get_by_label("Postcode").fill("BS1 4QA")
    if js_enabled:
        number = place_order(page, base, js=True)
        expect(amount(page, "Delivery")).to_have_text("£2.50")
        expect(amount(page, "Total")).to_have_text("£17.50")
        assert placed_orders(db_data) == [(number, Status.PLACED)]
        return
    press(page, "Place order", js=False, status=422)

    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary).to_contain_text(
        "Your total has changed to £17.50 to reflect your choices. Please check it and place the order again.")
    expect(amount(page, "Delivery")).to_have_text("£2.50")
    expect(amount(page, "Total")).to_have_text("£17.50")
    expect(page.get_by_label("Postcode")).to_have_value("BS1 4QA")
    expect(page.get_by_label("Full name")).to_have_value("Robin Rye")
    check_page(page, nu_checker, "checkout asking to confirm a new total")
    assert placed_orders(db_data) == []

    number = place_order(page, base, js=False)
    expect(amount(page, "Delivery")).to_have_text("£2.50")
    expect(amount(page, "Total")).to_have_text("£17.50")
    assert placed_orders(db_data) == [(number, Status.PLACED)]
