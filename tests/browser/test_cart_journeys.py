"""Cart journeys in a real browser, each with JavaScript on and off: add from a menu card and from
a product page, change a quantity on the cart page (number box + Update, and the + / − buttons),
remove a line and undo it, a guest cart merged at sign-in, and a quantity out of range. Every page
and every state the user sees is checked with the Nu HTML checker and axe-core."""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from tests.support.builders import make_category, make_product, make_store, make_user

from .harness import check_page
from .pages import add_on_product_page, added_note, badge, fill_sign_in, main_nav, open_cart, posting, toasts


def seed_shop(db_data) -> dict[str, int]:
    """A small bakery; returns product ids by short name."""
    with db_data():
        make_store(name="Loaf & Ladle")
        breads = make_category("Breads", slug="breads", position=1)
        cakes = make_category("Cakes", slug="cakes", position=2)
        return {
            "loaf": make_product("Sourdough loaf", category=breads, price="4.80", slug="sourdough-loaf",
                                 is_featured=True).id,
            "bun": make_product("Cinnamon bun", category=cakes, price="3.20", slug="cinnamon-bun").id,
            "tart": make_product("Lemon tart", category=cakes, price="3.90", slug="lemon-tart",
                                 track_stock=True, stock_quantity=3).id,
        }


# --------------------------------------------------------------------------------------------
# What the user sees
# --------------------------------------------------------------------------------------------

def cart_region(page: Page) -> Locator:
    return page.locator("#cart")


def line(page: Page, name: str) -> Locator:
    """The cart table's row for one product."""
    return cart_region(page).get_by_role("row").filter(has=page.get_by_role("rowheader", name=name))


def quantity_box(page: Page, name: str) -> Locator:
    return page.get_by_role("spinbutton", name=f"Quantity of {name}")


def line_names(page: Page) -> Locator:
    """The names of the cart's lines, in the order shown."""
    return cart_region(page).locator("tbody").get_by_role("rowheader")


def subtotal(page: Page) -> Locator:
    return cart_region(page).locator("tfoot tr")


# --------------------------------------------------------------------------------------------
# Journeys
# --------------------------------------------------------------------------------------------

def test_add_from_a_menu_card(page: Page, live_server, js_enabled, db_data, nu_checker):
    ids = seed_shop(db_data)
    base = live_server.url

    page.goto("/menu")
    expect(badge(page)).to_have_text("Cart")  # nothing in it yet: no count
    check_page(page, nu_checker, "menu page")

    card_button = page.get_by_role("button", name="Add Sourdough loaf to cart", exact=True)
    expect(card_button.locator(".visually-hidden")).to_have_text(" Sourdough loaf")  # read, not shown
    with posting(page, "/cart/add", htmx=js_enabled, see_other=True):
        card_button.click()
    # With JavaScript the customer stays where they were; without it the 303 brings them back to
    # the product's card. Either way the answer is beside the button that was pressed.
    expect(page).to_have_url(base + ("/menu" if js_enabled else f"/menu#product-{ids['loaf']}"))
    expect(added_note(page, "Sourdough loaf")).to_have_text(
        "Added 1 × Sourdough loaf to your cart. (1 in your cart) View cart")
    expect(toasts(page)).to_have_text("")
    expect(badge(page)).to_have_text("Cart 1 item")
    expect(badge(page).locator(".cart-count")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Our menu")
    check_page(page, nu_checker, "menu with a toast")

    # A second product, by keyboard: the count follows and (with JavaScript) focus stays put.
    bun_button = page.get_by_role("button", name="Add Cinnamon bun to cart", exact=True)
    bun_button.focus()
    with posting(page, "/cart/add", htmx=js_enabled, see_other=True):
        page.keyboard.press("Enter")
    expect(added_note(page, "Cinnamon bun")).to_contain_text("Added 1 × Cinnamon bun to your cart.")
    expect(badge(page)).to_have_text("Cart 2 items")
    expect(page).to_have_url(base + ("/menu" if js_enabled else f"/menu#product-{ids['bun']}"))
    if js_enabled:
        expect(bun_button).to_be_enabled()
        expect(bun_button).to_be_focused()
    check_page(page, nu_checker, "menu with a second toast")

    open_cart(page, base)
    expect(quantity_box(page, "Sourdough loaf")).to_have_value("1")
    expect(quantity_box(page, "Cinnamon bun")).to_have_value("1")
    expect(subtotal(page)).to_contain_text("Subtotal (2 items)")
    expect(subtotal(page)).to_contain_text("£8.00")
    check_page(page, nu_checker, "cart page")


def test_add_from_a_product_page_with_a_quantity(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url

    page.goto("/menu/sourdough-loaf")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sourdough loaf")
    quantity = page.get_by_role("spinbutton", name="Quantity")
    expect(quantity).to_have_value("1")
    check_page(page, nu_checker, "product page")

    quantity.fill("3")
    with posting(page, "/cart/add", htmx=js_enabled, see_other=True):
        page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(base + "/menu/sourdough-loaf") + r"(#product-\d+)?$"))
    expect(added_note(page)).to_contain_text("Added 3 × Sourdough loaf to your cart. (3 in your cart)")
    expect(badge(page)).to_have_text("Cart 3 items")
    check_page(page, nu_checker, "product page with a toast")

    open_cart(page, base)
    loaf = line(page, "Sourdough loaf")
    expect(quantity_box(page, "Sourdough loaf")).to_have_value("3")
    expect(loaf.get_by_role("cell").first).to_have_text("£4.80")
    expect(loaf).to_contain_text("£14.40")
    expect(subtotal(page)).to_contain_text("Subtotal (3 items)")
    expect(subtotal(page)).to_contain_text("£14.40")
    expect(badge(page)).to_have_attribute("aria-current", "page")
    check_page(page, nu_checker, "cart page")


def test_change_quantities_on_the_cart_page(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url
    add_on_product_page(page, "cinnamon-bun", 2, js=js_enabled)
    add_on_product_page(page, "sourdough-loaf", 1, js=js_enabled)
    open_cart(page, base)
    bun, box = line(page, "Cinnamon bun"), quantity_box(page, "Cinnamon bun")
    expect(box).to_have_value("2")
    expect(subtotal(page)).to_contain_text("Subtotal (3 items)")
    check_page(page, nu_checker, "cart page")

    # Type a new quantity and press Update (without JavaScript), or Enter (with it, the fallback
    # button is hidden: the box sends itself).
    box.fill("5")
    update = page.get_by_role("button", name="Update Cinnamon bun", exact=True)
    with posting(page, f"/cart/lines/{_id(page, 'Cinnamon bun')}", htmx=js_enabled, see_other=True):
        if js_enabled:
            expect(update).to_be_hidden()
            box.press("Enter")
        else:
            update.click()
    expect(page).to_have_url(base + "/cart")
    expect(toasts(page)).to_have_text("Cinnamon bun: quantity is now 5.")
    expect(box).to_have_value("5")
    expect(bun).to_contain_text("£16.00")
    expect(subtotal(page)).to_contain_text("Subtotal (6 items)")
    expect(subtotal(page)).to_contain_text("£20.80")
    expect(badge(page)).to_have_text("Cart 6 items")
    expect(quantity_box(page, "Sourdough loaf")).to_have_value("1")
    check_page(page, nu_checker, "cart after update")

    # One more, by mouse.
    with posting(page, f"/cart/lines/{_id(page, 'Cinnamon bun')}", htmx=js_enabled, see_other=True):
        page.get_by_role("button", name="One more Cinnamon bun", exact=True).click()
    expect(toasts(page)).to_have_text("Cinnamon bun: quantity is now 6.")
    expect(box).to_have_value("6")
    expect(bun).to_contain_text("£19.20")
    expect(badge(page)).to_have_text("Cart 7 items")
    check_page(page, nu_checker, "cart after one more")

    # One fewer, by keyboard: with JavaScript the focus stays on the button just pressed.
    fewer = page.get_by_role("button", name="One fewer Cinnamon bun", exact=True)
    expect(fewer).to_have_text("−")
    fewer.focus()
    with posting(page, f"/cart/lines/{_id(page, 'Cinnamon bun')}", htmx=js_enabled, see_other=True):
        page.keyboard.press("Enter")
    expect(toasts(page)).to_have_text("Cinnamon bun: quantity is now 5.")
    expect(box).to_have_value("5")
    expect(subtotal(page)).to_contain_text("Subtotal (6 items)")
    expect(badge(page)).to_have_text("Cart 6 items")
    if js_enabled:
        expect(fewer).to_be_focused()
    check_page(page, nu_checker, "cart after one fewer")


def _id(page: Page, name: str) -> str:
    """The product id behind a cart line, read from its quantity box (id="qty-<product id>")."""
    box_id = quantity_box(page, name).get_attribute("id")
    assert box_id and box_id.startswith("qty-"), box_id
    return box_id.removeprefix("qty-")


def test_remove_a_line_and_undo(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_shop(db_data)
    base = live_server.url
    add_on_product_page(page, "cinnamon-bun", 4, js=js_enabled)
    add_on_product_page(page, "sourdough-loaf", 1, js=js_enabled)
    open_cart(page, base)
    expect(line_names(page)).to_have_text(["Cinnamon bun", "Sourdough loaf"])
    bun_id = _id(page, "Cinnamon bun")

    # By keyboard: with JavaScript, focus moves from the vanished row's button to Undo.
    page.get_by_role("button", name="Remove Cinnamon bun", exact=True).focus()
    with posting(page, f"/cart/lines/{bun_id}/remove", htmx=js_enabled, see_other=True):
        page.keyboard.press("Enter")
    expect(page).to_have_url(base + "/cart")
    expect(line_names(page)).to_have_text(["Sourdough loaf"])
    undo_note = page.locator(".toast").filter(has_text="Removed Cinnamon bun from your cart.")
    expect(undo_note).to_have_count(1)
    undo = undo_note.get_by_role("button", name="Undo", exact=True)
    expect(undo).to_be_visible()
    if js_enabled:
        expect(undo).to_be_focused()
    expect(subtotal(page)).to_contain_text("Subtotal (1 item)")
    expect(subtotal(page)).to_contain_text("£4.80")
    expect(badge(page)).to_have_text("Cart 1 item")
    check_page(page, nu_checker, "cart after remove, with undo")

    with posting(page, "/cart/add", htmx=js_enabled, see_other=True):
        undo.click()
    expect(page).to_have_url(base + "/cart")
    expect(line_names(page)).to_have_text(["Cinnamon bun", "Sourdough loaf"])
    expect(quantity_box(page, "Cinnamon bun")).to_have_value("4")  # the whole line is back
    expect(toasts(page)).to_have_text("Put 4 × Cinnamon bun back in your cart.")
    expect(page.get_by_role("button", name="Undo")).to_have_count(0)
    expect(subtotal(page)).to_contain_text("Subtotal (5 items)")
    expect(subtotal(page)).to_contain_text("£17.60")
    expect(badge(page)).to_have_text("Cart 5 items")
    check_page(page, nu_checker, "cart after undo")


def test_guest_cart_merges_at_sign_in(page: Page, app, live_server, js_enabled, db_data, nu_checker):
    ids = seed_shop(db_data)
    base = live_server.url
    # Imported here: importing storefront.cart before storefront.menu hits an import cycle
    # (cart.views -> templating -> menu.views -> templating).
    from storefront.cart.store import CartStore, product_field

    with db_data():
        user = make_user("pat@example.com", name="Pat Baker")
        # Pat already has 2 Lemon tarts in the cart from an earlier visit (3 are in stock).
        CartStore(app.extensions["redis"], f"u:{user.id}").add(product_field(ids["tart"]), 2, 3, "3.90")

    # As a guest: 2 Lemon tarts and a Cinnamon bun.
    add_on_product_page(page, "lemon-tart", 2, js=js_enabled)
    expect(added_note(page)).to_contain_text("Added 2 × Lemon tart to your cart.")
    page.goto("/menu")
    with posting(page, "/cart/add", htmx=js_enabled, see_other=True):
        page.get_by_role("button", name="Add Cinnamon bun to cart", exact=True).click()
    expect(badge(page)).to_have_text("Cart 3 items")

    main_nav(page).get_by_role("link", name="Sign in").click()
    fill_sign_in(page, "pat@example.com")
    with posting(page, "/account/login", htmx=js_enabled, see_other=True):
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page).to_have_url(base + "/menu")  # back where the customer was when they chose "Sign in"
    # 2 + 2 tarts, but only 3 are left: the customer is told, and the bun came along.
    expect(toasts(page)).to_contain_text("Only 3 of Lemon tart left — your cart now says 3.")
    expect(toasts(page)).to_contain_text("Welcome back, Pat Baker.")
    expect(badge(page)).to_have_text("Cart 4 items")
    check_page(page, nu_checker, "menu after the sign-in merge")

    open_cart(page, base)
    expect(line_names(page)).to_have_text(["Cinnamon bun", "Lemon tart"])
    expect(quantity_box(page, "Lemon tart")).to_have_value("3")
    expect(quantity_box(page, "Cinnamon bun")).to_have_value("1")
    expect(subtotal(page)).to_contain_text("Subtotal (4 items)")
    expect(subtotal(page)).to_contain_text("£14.90")
    check_page(page, nu_checker, "cart after the sign-in merge")


def test_a_quantity_out_of_range_is_refused_with_a_clear_message(page: Page, live_server, js_enabled, db_data,
                                                                  nu_checker):
    seed_shop(db_data)
    base = live_server.url
    add_on_product_page(page, "cinnamon-bun", 2, js=js_enabled)
    open_cart(page, base)
    box = quantity_box(page, "Cinnamon bun")
    expect(box).to_have_value("2")

    # The box says max=99, but its form is `novalidate`: the browser sends the number and the
    # server's message answers (no browser bubble, and no silent no-op when htmx would have
    # refused to send an invalid form). With JavaScript the answer is a 422 that htmx swaps in.
    box.fill("150")
    update = page.get_by_role("button", name="Update Cinnamon bun", exact=True)
    with posting(page, f"/cart/lines/{_id(page, 'Cinnamon bun')}", htmx=js_enabled, see_other=True) as answer:
        if js_enabled:  # the fallback "Update" button is hidden when htmx sends the box itself
            expect(update).to_be_hidden()
            box.press("Enter")
        else:
            update.click()
    if js_enabled:
        assert answer.value.status == 422
    expect(page).to_have_url(base + "/cart")
    expect(toasts(page)).to_have_text("Enter a whole number from 0 to 99 for Cinnamon bun.")
    expect(toasts(page).locator(".toast--error")).to_be_visible()
    expect(box).to_have_value("2")  # the cart still says what it holds
    expect(subtotal(page)).to_contain_text("Subtotal (2 items)")
    expect(badge(page)).to_have_text("Cart 2 items")
    check_page(page, nu_checker, "cart with a quantity out of range")

    if js_enabled:
        # The box also sends itself on change: typing 150 and leaving it answers the same way.
        box.fill("150")
        with posting(page, f"/cart/lines/{_id(page, 'Cinnamon bun')}", htmx=True, see_other=True) as answer:
            box.press("Tab")
        assert answer.value.status == 422
        expect(toasts(page)).to_have_text("Enter a whole number from 0 to 99 for Cinnamon bun.")
        expect(box).to_have_value("2")
        expect(badge(page)).to_have_text("Cart 2 items")

    page.reload()
    expect(quantity_box(page, "Cinnamon bun")).to_have_value("2")
    expect(subtotal(page)).to_contain_text("£6.40")
