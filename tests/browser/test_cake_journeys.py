"""The cake journey in a real browser, JavaScript on and off: build a cake and watch the price
change (htmx on every change, or "Update price"), pick a day (too-soon days say why), upload a
reference photo, add it to the cart, check out, and see every choice and the photo on the order
page. Every state is checked with the Nu HTML checker and axe-core. The clock is Friday 20
November 2026, 10:00 in the shop (see tests/support/checkout.py)."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from tests.support.cakes import cake_shop, frozen_clock

from .harness import check_page
from .test_checkout_journeys import fill_details, go_to_checkout, place_order, posting


@pytest.fixture(autouse=True)
def clock():
    with frozen_clock():
        yield


def total(page: Page):
    return page.get_by_role("complementary", name="Your cake").locator(".cake-total")


def change(page: Page, act, *, js: bool) -> None:
    """Change a choice: with JavaScript the price summary asks the server by itself (htmx's GET
    of the price fields alone: the same address for everyone, no token)."""
    if js:
        # htmx attaches the new summary's triggers when the swap settles: the next choice must wait
        # for that, or its event would reach only the summary just replaced (a person's next
        # keystroke would send it anyway; a test's single `fill` would be lost).
        page.evaluate("() => { window.cakeSettled = false; document.body.addEventListener("
                      "'htmx:afterSettle', () => { window.cakeSettled = true; }, {once: true}); }")
        with posting(page, "/cakes/price", htmx=True, method="GET") as answer:
            act()
        page.wait_for_function("() => window.cakeSettled === true")
        sent = {name for name, _ in parse_qsl(urlsplit(answer.value.url).query, keep_blank_values=True)}
        assert sent <= {"size", "sponge", "filling", "frosting", "decorations", "diet", "message"}, sent
        assert {"size", "sponge", "filling", "frosting", "message"} <= sent, sent
    else:
        act()


def choose(page: Page, act, *, js: bool, expected: str) -> None:
    """Change a choice; the price summary then shows `expected` (by itself, or after "Update
    price" without JavaScript)."""
    change(page, act, js=js)
    if not js:
        with posting(page, "/cakes", htmx=False):
            page.get_by_role("button", name="Update price").click()
    expect(total(page)).to_have_text(expected)


def add_to_cart(page: Page) -> None:
    """"Add cake to cart" posts the form as a page load, with JavaScript on too (a price refresh
    that the click's blur may set off travels beside it through htmx, and is not this post)."""
    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == "/cakes"
                              and r.request.is_navigation_request()) as answer:
        page.get_by_role("button", name="Add cake to cart").click()
    assert answer.value.request.headers.get("hx-request") is None
    page.wait_for_load_state("load")


def test_build_a_cake_and_order_it(page: Page, live_server, js_enabled, db_data, nu_checker, tmp_path):
    with db_data():
        cake_shop()
    photo = tmp_path / "idea.jpg"
    Image.new("RGB", (320, 240), (240, 190, 200)).save(photo, "JPEG")

    page.goto("/cakes")
    expect(page.get_by_role("heading", level=1)).to_have_text("Design your cake")
    expect(total(page)).to_have_text("£28.00")
    too_soon = page.locator('#due_on option[value="2026-11-21"]')
    expect(too_soon).to_be_disabled()
    expect(too_soon).to_contain_text("Too soon")
    expect(page.locator("#due_on-hint")).to_contain_text("Sunday 22 November")
    check_page(page, nu_checker, "cake builder")

    choose(page, lambda: page.get_by_label(re.compile(r"8-inch round")).check(), js=js_enabled, expected="£38.00")
    choose(page, lambda: page.get_by_label(re.compile(r"Gold leaf")).check(), js=js_enabled, expected="£46.00")
    choose(page, lambda: page.get_by_label("Message on the cake").fill("Happy birthday"), js=js_enabled,
           expected="£47.30")
    expect(page.locator("#message-count")).to_have_text("Message: 14 of 60 characters.")
    page.get_by_label("Day you need it").select_option("2026-11-30")
    page.get_by_label("Reference photo (optional)").set_input_files(str(photo))
    check_page(page, nu_checker, "cake builder with choices")

    add_to_cart(page)
    expect(page).to_have_url(live_server.url + "/cart")
    line = page.locator("tr.cake-line")
    expect(line).to_contain_text("Gold leaf")
    expect(line).to_contain_text("“Happy birthday”")
    expect(line).to_contain_text("Monday 30 November")
    check_page(page, nu_checker, "cart with a cake")

    go_to_checkout(page, live_server.url)
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    place_order(page, live_server.url, js=js_enabled)
    items = page.get_by_role("table", name=re.compile(r"^Items in order"))
    expect(items).to_contain_text("Custom cake, 8-inch round")
    expect(items).to_contain_text("Gold leaf")
    expect(items).to_contain_text("“Happy birthday”")
    thumbnail = items.get_by_role("img", name="Your reference photo")
    expect(thumbnail).to_be_visible()
    check_page(page, nu_checker, "order page with a cake")


def test_a_forbidden_combination_is_told_beside_its_field(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        cake_shop()
    page.goto("/cakes")
    change(page, lambda: page.get_by_label(re.compile(r"10-inch round")).check(), js=js_enabled)
    change(page, lambda: page.get_by_label(re.compile(r"Gluten-free")).check(), js=js_enabled)
    if js_enabled:   # the summary says so at once; without JavaScript, when the form is sent
        expect(page.get_by_role("complementary", name="Your cake")).to_contain_text("6- and 8-inch sizes only")
    add_to_cart(page)
    expect(page.locator("#diet-error")).to_contain_text("6- and 8-inch sizes only")
    expect(page.get_by_role("alert")).to_contain_text("6- and 8-inch sizes only")
    check_page(page, nu_checker, "cake builder refusing gluten-free 10-inch")
