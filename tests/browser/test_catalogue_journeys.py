"""Keeping the shop up to date, in a real browser with JavaScript on and off: staff add a product
with a photo and see it on the menu; staff create a promo code and a customer uses it at
checkout; staff set a cake option's price for one size and the builder follows. A refused price
shows its message beside the field. Every page is checked by axe-core
and the Nu HTML checker."""
from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from unittest import mock

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import Page, expect

from storefront.accounts.models import Role
from storefront.checkout.models import PromoCode
from storefront.menu.models import Product
from tests.support.builders import make_category, make_product, make_user
from tests.support.cakes import cake_shop
from tests.support.checkout import FIXED_NOW, open_shop

from .harness import check_page
from .pages import (
    add_on_product_page,
    error_summary,
    field_error,
    fill_details,
    go_to_checkout,
    main_nav,
    posting,
    press,
    sign_in,
    sign_out,
)
from .test_cake_journeys import choose

STAFF = "staff@example.com"


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def uploads(app):
    """Photos the journey uploads into the static folder are removed afterwards."""
    folder = Path(app.static_folder) / "uploads" / "products"
    before = set(folder.glob("*")) if folder.exists() else set()
    yield
    for path in (set(folder.glob("*")) if folder.exists() else set()) - before:
        path.unlink()


def photo() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (1200, 900), (214, 150, 80)).save(buffer, "PNG")
    return buffer.getvalue()


def back_office(page: Page, link: str) -> None:
    main_nav(page).get_by_role("link", name="Staff").click()
    page.get_by_role("navigation", name="Back office").get_by_role("link", name=link, exact=True).click()


def submit(page: Page, button: str, path, *, js: bool) -> None:
    with posting(page, path, htmx=js):
        page.get_by_role("button", name=button, exact=True).click()


def test_add_a_product_with_a_photo_and_see_it_on_the_menu(page: Page, live_server, js_enabled, db_data, nu_checker,
                                                           uploads):
    with db_data():
        open_shop()
        make_category("Breads", slug="breads", position=1)
        make_category("Pastries", slug="pastries", position=2)
        make_user(STAFF, role=Role.STAFF)
    sign_in(page, STAFF, js=js_enabled)
    back_office(page, "Products")
    expect(page.get_by_role("heading", level=1)).to_have_text("Products")
    check_page(page, nu_checker, "staff product list, empty")

    page.get_by_role("button", name="Add a product").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New product")
    page.get_by_label("Name", exact=True).fill("Cardamom knot")
    page.get_by_label("Address name (slug)").fill("cardamom-knot")
    page.get_by_label("Description (optional)").fill("Soft, spiced and twisted by hand.")
    page.get_by_label("Price (£, tax included)").fill("-3.40")
    page.get_by_label("Category", exact=True).select_option(label="Pastries")
    page.get_by_label("Photo description for screen readers").fill("A glazed cardamom knot on a plate")
    page.get_by_role("checkbox", name="Vegetarian").check()
    page.get_by_role("checkbox", name="Cereals containing gluten").check()
    page.get_by_role("checkbox", name="Milk").check()
    page.get_by_label(re.compile("^Photo \\(optional")).set_input_files(
        files=[{"name": "knot.png", "mimeType": "image/png", "buffer": photo()}])
    submit(page, "Add product", "/staff/products/new", js=js_enabled)
    expect(field_error(page, "price")).to_have_text("Error: Enter an amount of 0 or more")
    expect(error_summary(page).get_by_role("link", name="Enter an amount of 0 or more")).to_have_attribute(
        "href", "#price")
    check_page(page, nu_checker, "new product with a refused price")
    with db_data() as session:
        assert session.scalar(sa.select(sa.func.count(Product.id))) == 0

    page.get_by_label("Price (£, tax included)").fill("3.40")
    # A refused form keeps what was typed, but a browser never keeps a chosen file: choose again.
    page.get_by_label(re.compile("^Photo \\(optional")).set_input_files(
        files=[{"name": "knot.png", "mimeType": "image/png", "buffer": photo()}])
    submit(page, "Add product", "/staff/products/new", js=js_enabled)
    expect(page.get_by_role("heading", level=1)).to_have_text("Cardamom knot")
    expect(page.get_by_text("Saved Cardamom knot.")).to_be_visible()
    expect(page.get_by_role("img", name="A glazed cardamom knot on a plate")).to_be_visible()
    check_page(page, nu_checker, "staff product edit page")

    page.goto("/menu?category=pastries")
    card = page.locator("article.product-card").filter(has_text="Cardamom knot")
    expect(card).to_contain_text("£3.40")
    image = card.get_by_role("img", name="A glazed cardamom knot on a plate")
    expect(image).to_have_attribute("src", re.compile(r"^/static/uploads/products/[A-Za-z0-9_-]+-400\.jpg\?v=[0-9a-f]+$"))
    assert page.request.get(image.get_attribute("src")).headers["content-type"] == "image/jpeg"
    if js_enabled:
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete && img.naturalWidth === 400", arg=image.element_handle())
    check_page(page, nu_checker, "menu with the new product")


def test_create_a_promo_code_and_use_it_at_checkout(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        open_shop()
        make_product("Sourdough loaf", category=make_category("Breads", slug="breads"), price="5.00",
                     slug="sourdough-loaf")
        make_user(STAFF, role=Role.STAFF)
    base = live_server.url
    sign_in(page, STAFF, js=js_enabled)
    back_office(page, "Promo codes")
    page.get_by_role("button", name="Add a promo").click()
    page.get_by_label("Code", exact=True).fill("autumn20")
    page.get_by_label("Description (staff only)").fill("Autumn leaflet")
    page.get_by_label("Kind").select_option(label="Percentage off")
    page.get_by_label("Value (percent, or £ off)").fill("20")
    page.get_by_label("Minimum spend (£, optional)").fill("10")
    page.get_by_label("Orders", exact=True).select_option(label="Pickup only")
    check_page(page, nu_checker, "new promo code form")
    submit(page, "Add promo", "/staff/promos/new", js=js_enabled)
    expect(page.get_by_role("heading", level=1)).to_have_text("AUTUMN20")
    expect(page.locator("dl.figures")).to_contain_text("Uses0")
    check_page(page, nu_checker, "promo code page")
    page.get_by_role("link", name="← All promo codes").click()
    expect(page.get_by_role("row", name=re.compile("^AUTUMN20"))).to_contain_text("20%")
    check_page(page, nu_checker, "promo code list")
    sign_out(page, base)

    add_on_product_page(page, "sourdough-loaf", 3, js=js_enabled)
    go_to_checkout(page, base)
    page.get_by_label("Promo code").fill("autumn20")
    press(page, "Apply", "/checkout", js=js_enabled)
    expect(page.locator(".promo-applied")).to_contain_text("Code AUTUMN20 applied")
    # Leaving the box refreshes the totals and "Apply" then swaps the whole form: let both land
    # before typing on, as a whole-form swap puts back the fields as they were when it was sent.
    page.wait_for_load_state("networkidle")
    discount = page.locator("dl.totals > div").filter(has=page.locator("dt", has_text=re.compile("^Discount")))
    expect(discount.locator("dd")).to_have_text("−£3.00")
    fill_details(page, name="Robin Rye", email="robin@example.com", phone="0117 496 0000")
    submit(page, "Place order", "/checkout", js=js_enabled)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Order CK-"))
    expect(page.locator("dl.totals")).to_contain_text("Discount (AUTUMN20)")
    expect(page.locator("dl.totals")).to_contain_text("£12.00")
    with db_data() as session:
        assert session.scalars(sa.select(PromoCode.min_subtotal)).one() == Decimal("10.00")


def test_a_cake_options_price_for_one_size_and_the_builder_follows(page: Page, live_server, js_enabled, db_data,
                                                                   nu_checker):
    with db_data():
        ids = cake_shop()
        make_user(STAFF, role=Role.STAFF)
    sign_in(page, STAFF, js=js_enabled)
    back_office(page, "Cake options")
    page.get_by_role("link", name="Red velvet", exact=True).click()
    eight = page.get_by_label("With the 8-inch round size (£)", exact=True)
    expect(eight).to_have_value("4.00")
    eight.fill("4.005")
    submit(page, "Save changes", f"/staff/cake-options/{ids['Red velvet']}", js=js_enabled)
    expect(field_error(page, f"size_price_{ids['8-inch round']}")).to_contain_text("two decimal places")
    check_page(page, nu_checker, "cake option: a refused price per size")
    page.get_by_label("With the 8-inch round size (£)", exact=True).fill("6.50")
    submit(page, "Save changes", f"/staff/cake-options/{ids['Red velvet']}", js=js_enabled)
    expect(page.get_by_text("Saved Red velvet.")).to_be_visible()
    expect(page.get_by_label("With the 8-inch round size (£)", exact=True)).to_have_value("6.50")

    page.goto("/cakes")
    choose(page, lambda: page.get_by_label(re.compile(r"8-inch round")).check(), js=js_enabled, expected="£38.00")
    choose(page, lambda: page.get_by_label(re.compile(r"Red velvet")).check(), js=js_enabled, expected="£44.50")
