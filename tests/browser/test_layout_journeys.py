"""Feedback, hours and layout on phones and desktops, each with JavaScript on and off: adding from
a scrolled menu answers beside the pressed button (and in the cart bar on a phone); the opening
hours page; the fallback buttons that only a page without JavaScript needs; the signed-in header
at 390 px; and no customer page scrolls sideways at 320 px. Every state is checked with the Nu
HTML checker and axe-core."""
from __future__ import annotations

import re
from datetime import date
from unittest import mock

import pytest
from playwright.sync_api import Page, expect

from tests.support.builders import PASSWORD, make_category, make_closure, make_product, make_user
from tests.support.checkout import FIXED_NOW, open_shop
from tests.support.reservations import future_day, local, make_reservation, make_rules, make_table

from .harness import check_page
from .test_checkout_journeys import add_on_product_page, fill_details, go_to_checkout, place_order

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(autouse=True)
def frozen_clock():
    # Checkout's and the shop's clocks: Friday 20 November 2026, 10:00 in Bristol.
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW), \
            mock.patch("storefront.store.service.utcnow", return_value=FIXED_NOW):
        yield


def seed_menu(db_data, count: int = 14) -> dict[str, int]:
    with db_data():
        open_shop()
        pastries = make_category("Pastries", slug="pastries", position=1)
        breads = make_category("Breads", slug="breads", position=2)
        return {f"Bake {n:02d}": make_product(f"Bake {n:02d}", category=pastries if n % 2 else breads,
                                              price=f"{2 + n / 10:.2f}", slug=f"bake-{n:02d}",
                                              description="Baked this morning.").id
                for n in range(1, count + 1)}


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_adding_from_a_scrolled_menu_answers_in_view(page: Page, live_server, js_enabled, db_data, nu_checker,
                                                     viewport):
    ids = seed_menu(db_data)
    page.set_viewport_size(viewport)
    page.goto("/menu")
    bar = page.locator("#cart-bar")
    expect(bar.get_by_role("link")).to_have_count(0)  # nothing in the cart: no bar

    card = page.locator("article.product-card").filter(has=page.get_by_role("heading", name="Bake 11"))
    button = card.get_by_role("button", name="Add Bake 11 to cart")
    button.scroll_into_view_if_needed()
    assert page.evaluate("() => window.scrollY") > 300, "the menu was not scrolled"
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/cart/add")):
        button.click()
    page.wait_for_load_state("load")
    if not js_enabled:
        expect(page).to_have_url(re.compile(rf"/menu#product-{ids['Bake 11']}$"))

    note = card.get_by_role("status")
    expect(note).to_have_text("Added 1 × Bake 11 to your cart. (1 in your cart) View cart")
    expect(note).to_be_in_viewport()
    expect(button).to_be_in_viewport()
    if viewport is PHONE:
        expect(bar.get_by_role("link")).to_have_text("View cart · 1 item · £3.10")
        expect(bar).to_be_in_viewport()
        # The bar does not cover the note it sits under.
        note_box, bar_box = note.bounding_box(), bar.bounding_box()
        assert note_box["y"] + note_box["height"] <= bar_box["y"]
    else:
        expect(bar).to_be_hidden()
    check_page(page, nu_checker, f"menu after adding (at {viewport['width']} px)")

    # Again: the count moves on (so a screen reader hears it again) and the bar follows.
    with page.expect_response(lambda r: r.request.method == "POST" and r.url.endswith("/cart/add")):
        card.get_by_role("button", name="Add Bake 11 to cart").click()
    page.wait_for_load_state("load")
    expect(card.get_by_role("status")).to_contain_text("(2 in your cart)")
    if viewport is PHONE:
        expect(bar.get_by_role("link")).to_have_text("View cart · 2 items · £6.20")
    expect(card.get_by_role("status")).to_be_in_viewport()


def test_opening_hours_page(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        open_shop()
        make_closure(date(2026, 11, 23), reason="Staff training")
    page.set_viewport_size(PHONE)
    page.goto("/")
    footer = page.get_by_role("contentinfo")
    expect(footer).to_contain_text("Open until 17:00.")
    footer.get_by_role("link", name="Opening hours and closures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Opening hours")
    week = page.get_by_role("table", name="Opening hours for the next seven days")
    expect(week.get_by_role("row")).to_have_count(7)
    expect(week.get_by_role("row").first).to_have_accessible_name("Today 20 November 08:00–17:00")
    expect(week.get_by_role("row").nth(3)).to_have_accessible_name("Monday 23 November Closed: Staff training")
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_text(["Monday 23 November 2026: Staff training"])
    assert not scrolls_sideways(page)
    check_page(page, nu_checker, "opening hours page")


def test_fallback_buttons_and_live_hints_follow_javascript(page: Page, live_server, js_enabled, db_data,
                                                           nu_checker):
    seed_menu(db_data, count=2)
    page.goto("/menu")
    hint = page.get_by_text("Results update as you type.")
    expect(hint).to_be_visible() if js_enabled else expect(hint).to_be_hidden()
    # Filters wait behind a disclosure that counts what is on.
    summary = page.locator("details.filter-disclosure > summary")
    expect(summary).to_have_text("Filter and sort")
    expect(page.get_by_role("checkbox", name="Vegan", exact=True)).to_be_hidden()
    page.goto("/menu?diet=vegan&diet=vegetarian")
    expect(summary).to_have_text("Filter and sort 2 filters on")
    summary.click()
    vegan = page.get_by_role("checkbox", name="Vegan", exact=True)
    expect(vegan).to_be_visible()
    # A square with softened corners, not a circle (a radio button's shape).
    radius, width = vegan.evaluate("box => [parseFloat(getComputedStyle(box).borderTopLeftRadius), box.offsetWidth]")
    assert radius <= width / 3, f"the checkbox is drawn round ({radius}px corners on {width}px)"
    check_page(page, nu_checker, "menu with the filters open")

    add_on_product_page(page, "bake-01", 2, js=js_enabled)
    page.goto("/cart")
    update = page.get_by_role("button", name="Update Bake 01")
    expect(update).to_be_hidden() if js_enabled else expect(update).to_be_visible()
    check_page(page, nu_checker, "cart page")


def test_signed_in_header_fits_a_phone(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        open_shop()
        make_user("pat@example.com", name="Pat Baker")
    page.set_viewport_size(PHONE)
    page.goto("/account/login")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    links = page.get_by_role("navigation", name="Main").locator(".nav-links > li:visible")
    tops = {round(box["y"]) for box in (li.bounding_box() for li in links.all())}
    assert len(tops) == 1, f"the header's links wrap onto {len(tops)} rows at 390 px"
    # Signing out is on the account page on a phone.
    expect(page.get_by_role("main").get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    assert not scrolls_sideways(page)
    check_page(page, nu_checker, "account page on a phone")


def test_no_customer_page_scrolls_sideways_at_320(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_menu(db_data, count=4)
    with db_data():
        make_user("pat@example.com", name="Pat Baker")
        make_rules()
        table = make_table("T1", 1, 4)
        _, token = make_reservation(local(future_day(3), "19:00"), 2, [table])
    page.set_viewport_size({"width": 320, "height": 700})

    def walk(path: str | None, where: str) -> None:
        if path:
            page.goto(path)
        assert not scrolls_sideways(page), f"{where} scrolls sideways at 320 px"
        check_page(page, nu_checker, f"{where} at 320 px")

    for path, where in [("/", "home"), ("/menu", "menu"), ("/menu/bake-01", "product page"), ("/hours", "hours"),
                        ("/reservations", "reservations"), ("/account/login", "sign-in"),
                        ("/account/register", "register"), ("/account/reset", "password reset"),
                        (f"/reservations/{token}", "booking"), ("/no-such-page", "not found")]:
        walk(path, where)
    add_on_product_page(page, "bake-02", 3, js=js_enabled)
    walk(None, "product page after adding")
    walk("/cart", "cart")
    go_to_checkout(page, live_server.url)
    walk(None, "checkout")
    fill_details(page, name="Sam Crust-Longname-Double-Barrelled", email="sam@example.com", phone="0117 496 0001")
    place_order(page, live_server.url, js=js_enabled)
    walk(None, "order page")
