"""Issue points not covered by a journey of their own, at phone and desktop sizes, JavaScript on
and off: the menu puts food first on a phone; product pictures are sized and described; emptying
the cart asks first; the same diner booking a second table close to the first is asked; the
booking date picker names closed days; a cake in the cart has a quantity stepper; and the cake
builder keeps its price in view on a phone. Every state passes the Nu checker and axe-core."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.reservations.models import Reservation
from tests.support.builders import PASSWORD, make_closure, make_user
from tests.support.cakes import cake_shop, frozen_clock
from tests.support.reservations import TABLES, future_day, local, make_reservation, make_room

from .harness import check_page
from .pages import add_on_product_page, press, toasts
from .test_cake_journeys import add_to_cart, total
from .test_layout_journeys import DESKTOP, PHONE, scrolls_sideways, seed_menu

DAY = future_day(5)
DAY_LABEL = f"{DAY:%A}, {DAY.day} {DAY:%B %Y}"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_the_menu_shows_food_first(page: Page, live_server, js_enabled, db_data, nu_checker, viewport):
    seed_menu(db_data, count=14)
    page.set_viewport_size(viewport)
    page.goto("/menu")
    first = page.locator("article.product-card").first
    box = first.bounding_box()
    assert box["y"] < viewport["height"] * 0.75, f"the first product starts {box['y']:.0f}px down"
    if viewport is PHONE:
        # Compact photo rows, the categories one row that stays at the top, the filters folded away.
        assert box["height"] < 220, f"a product row is {box['height']:.0f}px tall on a phone"
        tabs = page.locator(".category-tabs li")
        assert len({round(t.bounding_box()["y"]) for t in tabs.all()}) == 1
        expect(page.locator("details.filter-disclosure")).not_to_have_attribute("open", "")
        page.mouse.wheel(0, 1500)
        expect(page.locator("article.product-card").nth(8)).to_be_in_viewport()
        bar = page.locator(".category-tabs").first.bounding_box()
        assert -1 <= bar["y"] <= 80, f"the category bar scrolled away ({bar['y']:.0f}px)"
    assert not scrolls_sideways(page)
    check_page(page, nu_checker, f"menu at {viewport['width']} px")


def test_product_pictures_are_sized_and_described(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_menu(db_data, count=2)
    with db_data() as session:
        from storefront.menu.models import Product

        bun = session.scalars(sa.select(Product).where(Product.slug == "bake-01")).one()
        bun.name, bun.image_path, bun.image_alt = "Cinnamon bun", "img/products/cinnamon-bun.svg", \
            "A spiralled cinnamon bun with a sticky glaze"
        session.commit()
    page.set_viewport_size(PHONE)
    page.goto("/menu")
    picture = page.locator("article.product-card").filter(has_text="Cinnamon bun").locator("img")
    expect(picture).to_have_attribute("alt", "A spiralled cinnamon bun with a sticky glaze")
    expect(picture).to_have_attribute("width", re.compile(r"^\d+$"))
    expect(picture).to_have_attribute("height", re.compile(r"^\d+$"))
    expect(picture).to_have_attribute("loading", "lazy")
    check_page(page, nu_checker, "menu with artwork")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_emptying_the_cart_asks_first(page: Page, live_server, js_enabled, db_data, nu_checker, viewport):
    seed_menu(db_data, count=2)
    page.set_viewport_size(viewport)
    add_on_product_page(page, "bake-01", 2, js=js_enabled)
    page.goto("/cart")
    yes = page.get_by_role("button", name="Yes, empty my cart")
    expect(yes).to_be_hidden()
    opener = page.locator("#empty-cart > summary")
    expect(opener).to_have_text("Empty cart…")
    # Quiet: the opener is smaller than the primary action.
    checkout = page.get_by_role("button", name="Go to checkout").bounding_box()
    assert opener.bounding_box()["height"] <= checkout["height"] + 1
    opener.click()
    expect(yes).to_be_visible()
    check_page(page, nu_checker, "cart with the empty question open")
    press(page, "Yes, empty my cart", "/cart/clear", js=js_enabled)
    expect(page.get_by_role("heading", name="Your cart is empty")).to_be_visible()
    expect(toasts(page)).to_contain_text("Your cart is empty.")
    # A bare post (an old page, another tab) empties nothing: it asks on a page of its own.
    add_on_product_page(page, "bake-02", 1, js=js_enabled)
    page.goto("/cart")
    page.evaluate("""() => { const f = document.querySelector('#empty-cart form');
                             f.querySelector('[name=confirm]').remove(); f.removeAttribute('data-hx-post');
                             f.submit(); }""")
    expect(page.get_by_role("heading", level=1)).to_have_text("Empty your cart?")
    check_page(page, nu_checker, "empty-cart confirmation page")
    page.get_by_role("link", name="Keep my cart").click()
    expect(page.locator("#cart tbody tr")).to_have_count(1)


def test_a_second_table_close_to_the_first_is_booked_only_when_asked(page: Page, live_server, js_enabled, db_data,
                                                                      nu_checker):
    with db_data():
        make_room(TABLES[:3], (), store={"name": "Loaf & Ladle", "phone": "0117 496 0123"})
        make_reservation(local(DAY, "19:00"), 2, [], email="robin@example.com", name="Robin Rye")
        make_closure(future_day(8), reason="Staff training")
    page.goto("/reservations")
    closed = future_day(8)
    expect(page.locator("#date-hint")).to_contain_text(f"Closed on {closed:%A} {closed.day} {closed:%B} (Staff training).")
    page.get_by_label("Date").fill(DAY.isoformat())
    page.get_by_label("Number of guests").fill("2")
    press(page, "Find a table", "/reservations", js=js_enabled, method="GET")
    page.get_by_role("list", name=f"Free times on {DAY_LABEL}").get_by_role("button", name="19:30", exact=True).click()
    page.get_by_label("Full name").fill("Robin Rye")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_label("Phone number").fill("0117 496 0000")
    answer = press(page, "Book table", "/reservations/book", js=js_enabled)
    assert answer.status == 422
    expect(page.locator("#also_book-error")).to_contain_text(f"You already have a table for 2 guests at {DAY_LABEL} "
                                                             "at 19:00")
    expect(page.get_by_role("alert")).to_be_focused()
    check_page(page, nu_checker, "booking form asking about a second table")
    page.get_by_label("Yes, book this table as well").check()
    press(page, "Book table", "/reservations/book", js=js_enabled)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    with db_data() as session:
        assert sorted(r.starts_at for r in session.scalars(sa.select(Reservation))) == [local(DAY, "19:00"),
                                                                                       local(DAY, "19:30")]


@pytest.fixture
def cake_clock():
    with frozen_clock():
        yield


def test_a_cake_in_the_cart_has_a_stepper(page: Page, live_server, js_enabled, db_data, nu_checker, cake_clock):
    with db_data():
        cake_shop()
    page.goto("/cakes")
    add_to_cart(page)
    line = page.locator("tr.cake-line")
    expect(line.get_by_role("spinbutton")).to_have_value("1")
    press(page, "One more Custom cake, 6-inch round", re.compile(r"^/cakes/lines/c:"), js=js_enabled)
    line = page.locator("tr.cake-line")
    expect(line.get_by_role("spinbutton")).to_have_value("2")
    expect(line.locator('td[data-label="Total"]')).to_have_text("£56.00")
    check_page(page, nu_checker, "cart with two of one cake")
    line.get_by_role("spinbutton").fill("9")
    if js_enabled:
        line.get_by_role("spinbutton").press("Enter")
    else:
        line.get_by_role("button", name=re.compile("^Update")).click()
    expect(toasts(page)).to_contain_text("We make at most 6 cakes a day: choose 6 or fewer.")
    expect(page.locator("tr.cake-line").get_by_role("spinbutton")).to_have_value("2")


def test_the_cake_price_stays_in_view_on_a_phone(page: Page, live_server, js_enabled, db_data, nu_checker,
                                                 cake_clock):
    with db_data():
        cake_shop()
    page.set_viewport_size(PHONE)
    page.goto("/cakes")
    bar = page.get_by_role("link", name=re.compile(r"^Your cake £28\.00"))
    expect(bar).to_be_in_viewport()
    page.get_by_label("Notes for the baker").scroll_into_view_if_needed()
    expect(bar).to_be_in_viewport()
    assert not scrolls_sideways(page)
    check_page(page, nu_checker, "cake builder on a phone")
    bar.click()
    expect(page.get_by_role("complementary", name="Your cake").get_by_role("heading")).to_be_in_viewport()
    expect(total(page)).to_have_text("£28.00")
    page.set_viewport_size(DESKTOP)
    expect(bar).to_be_hidden()


def _rgb(locator, prop: str) -> str:
    return locator.evaluate(f"el => getComputedStyle(el).{prop}")


def test_buttons_wear_the_brand_and_the_account_page_puts_bookings_first(page: Page, live_server, js_enabled,
                                                                          db_data, nu_checker, cake_clock):
    with db_data():
        cake_shop()
        user = make_user("pat@example.com", name="Pat Baker")
        make_room(TABLES[:3], (), store={"name": "Loaf & Ladle"})
        make_reservation(local(DAY, "19:00"), 2, [], email="pat@example.com", name="Pat Baker", user_id=user.id)
    page.set_viewport_size(PHONE)
    page.goto("/cakes")
    # Primary and secondary both in the brown palette, not Pico's slate blue.
    primary = page.get_by_role("button", name="Add cake to cart")
    secondary = page.get_by_role("button", name="Update price")
    assert _rgb(primary, "backgroundColor") == "rgb(122, 62, 18)"
    assert _rgb(secondary, "color") == "rgb(92, 45, 11)"
    assert _rgb(secondary, "backgroundColor") == "rgb(246, 234, 219)"   # --sf-tint
    check_page(page, nu_checker, "cake builder buttons")

    page.goto("/account/login")
    page.get_by_label("Email address").fill("pat@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name="Sign in", exact=True).click()
    headings = page.get_by_role("main").get_by_role("heading", level=2).all_inner_texts()
    assert headings.index("Your reservations") < headings.index("Your details"), headings
    expect(page.get_by_role("main")).to_contain_text(f"{DAY_LABEL} at 19:00")
    check_page(page, nu_checker, "account page with a booking")
