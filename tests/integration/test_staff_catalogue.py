"""Products, categories and photos in the back office: what is saved shows on the menu at once,
bad input gets a message beside its field and writes nothing, and every change is audited."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.menu.models import Category, Product
from storefront.orders.models import Order, OrderLine
from tests.support.builders import make_category, make_product
from tests.support.catalogue import image_bytes, post_form, product_data, staff_client
from tests.support.checkout import CheckoutClient, frozen_clock, open_shop  # noqa: F401  (fixture)
from tests.support.html import csrf_from, field_errors, soup, text_of
from tests.support.html import form as page_form


@pytest.fixture
def staff(app, app_ctx):
    return staff_client(app)


@pytest.fixture
def pastries(app_ctx):
    return make_category("Pastries", slug="pastries").id


def counts():
    return (db.session.scalar(sa.select(sa.func.count(Product.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id))))


@pytest.fixture
def uploaded(app):
    """Remove the photos a test uploaded into the static folder."""
    folder = Path(app.static_folder) / "uploads" / "products"
    before = set(folder.glob("*")) if folder.exists() else set()
    yield folder
    for path in set(folder.glob("*")) - before:
        path.unlink()


def test_add_a_product_with_a_photo_shows_it_on_the_menu(app, client, staff, pastries, uploaded):
    staff_http, staff_id = staff
    answer = post_form(staff_http, "/staff/products/new",
                       product_data(pastries, image=(image_bytes((1600, 900)), "knot.png")),
                       content_type="multipart/form-data")
    assert answer.status_code == 303, field_errors(answer.data)
    product = db.session.scalars(sa.select(Product).where(Product.slug == "cardamom-knot")).one()
    assert product.price == Decimal("3.40") and product.diets == ["vegetarian"] and product.allergens == ["gluten", "milk"]
    large = uploaded / Path(product.image_path).name
    card = uploaded / Path(product.card_image_path).name
    from PIL import Image
    assert Image.open(large).size == (800, 600) and Image.open(card).size == (400, 300)
    assert Image.open(large).format == "JPEG" and not Image.open(large).info.get("exif")
    menu = soup(client.get("/menu").data)
    card_img = menu.select_one(f"#product-{product.id} img")
    assert card_img["src"].split("?")[0].endswith(product.card_image_path) and card_img["alt"] == "A glazed cardamom knot"
    assert client.get(card_img["src"]).status_code == 200
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "product.create")).one()
    assert entry.actor_id == staff_id and entry.details["after"]["price"] == "3.40"


def test_edit_price_changes_the_menu_and_new_carts_but_never_placed_orders(app, client, staff, frozen_clock):
    staff_http, _ = staff
    open_shop()
    product = make_product("Rye loaf", price="4.00")
    shopper = CheckoutClient(client)
    shopper.add(product.id, 2)
    placed = shopper.place()
    assert placed.status_code == 303
    order = db.session.scalars(sa.select(Order)).one()
    before_total = order.total

    url = f"/staff/products/{product.id}"
    data = page_form(staff_http.get(url).data, "#upkeep-form") | {"price": "5.25"}
    answer = staff_http.post(url, data=data)
    assert answer.status_code == 303, field_errors(answer.data)

    db.session.expire_all()
    line = db.session.scalars(sa.select(OrderLine)).one()
    assert line.unit_price == Decimal("4.00") and line.line_total == Decimal("8.00")
    assert db.session.get(Order, order.id).total == before_total
    assert "£5.25" in text_of(soup(client.get("/menu").data).select_one(f"#product-{product.id}"))
    fresh = app.test_client()
    CheckoutClient(fresh).add(product.id, 2)
    assert "£10.50" in text_of(soup(fresh.get("/cart").data).select_one("#cart"))
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "product.update")).one()
    assert entry.details == {"before": {"price": "4.00"}, "after": {"price": "5.25"}}


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"price": "-1.00"}, "price", "0 or more"),
    ({"price": "abc"}, "price", "like 3.50"),
    ({"price": "1.999"}, "price", "two decimal places"),
    ({"price": "NaN"}, "price", "like 3.50"),
    ({"price": ""}, "price", "like 3.50"),
    ({"track_stock": "y", "stock_quantity": "-3"}, "stock_quantity", "whole number"),
    ({"stock_quantity": "1e3"}, "stock_quantity", "whole number"),
    ({"slug": "Not A Slug!"}, "slug", "lower-case"),
    ({"slug": "croissant"}, "slug", "already uses"),
    ({"slug": "CROISSANT"}, "slug", "lower-case"),
    ({"name": ""}, "name", "Enter the product"),
    ({"name": "x" * 500}, "name", "at most 120"),
    ({"name": "evil\u202e"}, "name", "control or text-direction"),
    ({"category_id": "999999"}, "category_id", "Choose a category"),
    ({"category_id": "abc"}, "category_id", "Choose a category"),
    ({"diets": ["carnivore"]}, "diets", ""),
])
def test_bad_product_input_gets_a_message_beside_the_field_and_writes_nothing(staff, pastries, change, field,
                                                                              message):
    staff_http, _ = staff
    make_product("Croissant", slug="croissant")
    before = counts()
    answer = post_form(staff_http, "/staff/products/new", product_data(pastries, **change))
    assert answer.status_code == 422
    errors = field_errors(answer.data)
    assert field in errors and message in errors[field], errors
    assert counts() == before


@pytest.mark.parametrize(("upload", "message"), [
    ((image_bytes(fmt="GIF"), "cat.gif"), "not a JPEG, PNG or WebP"),
    (("not an image at all".encode(), "fake.jpg"), "not a photo we can read"),
    ((b"", "empty.jpg"), "empty"),
    ((b"\xff" * (5 * 1024 * 1024 + 10), "huge.jpg"), "larger than 5 MB"),
])
def test_bad_uploads_are_refused_beside_the_photo_field(staff, pastries, uploaded, upload, message):
    staff_http, _ = staff
    content, name = upload
    if isinstance(content, bytes):
        from io import BytesIO
        content = BytesIO(content)
    before, files = counts(), set(uploaded.glob("*")) if uploaded.exists() else set()
    answer = post_form(staff_http, "/staff/products/new", product_data(pastries, image=(content, name)),
                       content_type="multipart/form-data")
    assert answer.status_code == 422
    assert message in field_errors(answer.data)["image"]
    assert counts() == before
    assert (set(uploaded.glob("*")) if uploaded.exists() else set()) == files


def test_a_photo_needs_its_description(staff, pastries, uploaded):
    staff_http, _ = staff
    before, files = counts(), set(uploaded.glob("*"))
    answer = post_form(staff_http, "/staff/products/new",
                       product_data(pastries, image_alt="", image=(image_bytes(), "bun.jpg")),
                       content_type="multipart/form-data")
    assert answer.status_code == 422 and "Describe the photo" in field_errors(answer.data)["image_alt"]
    assert counts() == before and set(uploaded.glob("*")) == files


def test_a_request_larger_than_the_limit_gets_the_friendly_413(staff, pastries):
    staff_http, _ = staff
    from io import BytesIO
    answer = post_form(staff_http, "/staff/products/new",
                       product_data(pastries, image=(BytesIO(b"\0" * (7 * 1024 * 1024)), "big.jpg")),
                       content_type="multipart/form-data")
    assert answer.status_code == 413 and counts()[0] == 0


def test_missing_csrf_and_forged_ids_change_nothing(staff, pastries):
    staff_http, _ = staff
    product = make_product("Croissant", slug="croissant")
    before = counts()
    answer = staff_http.post("/staff/products/new", data=product_data(pastries))
    assert answer.status_code in (400, 422)
    answer = staff_http.post(f"/staff/products/{product.id}/delete", data={})
    assert answer.status_code == 400
    assert staff_http.get("/staff/products/99999").status_code == 404
    token = csrf_from(staff_http.get(f"/staff/products/{product.id}").data)
    assert staff_http.post("/staff/products/99999/delete", data={"csrf_token": token}).status_code == 404
    assert staff_http.get("/staff/products/abc").status_code == 404
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(Product, product.id).deleted_at is None


def test_soft_delete_hides_from_the_menu_and_restore_brings_it_back(client, staff):
    staff_http, staff_id = staff
    product = make_product("Croissant", slug="croissant")
    token = csrf_from(staff_http.get(f"/staff/products/{product.id}").data)
    assert staff_http.post(f"/staff/products/{product.id}/delete", data={"csrf_token": token}).status_code == 303
    assert client.get("/menu/croissant").status_code == 404
    assert "Croissant" not in text_of(soup(client.get("/menu").data).select_one("main"))
    assert "deleted" in text_of(soup(staff_http.get("/staff/products").data).select_one("table"))
    assert staff_http.post(f"/staff/products/{product.id}/restore", data={"csrf_token": token}).status_code == 303
    assert client.get("/menu/croissant").status_code == 200
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["product.delete", "product.restore"]


def test_categories_keep_their_order_and_refuse_duplicate_slugs(client, staff):
    staff_http, _ = staff
    for name, slug, position in (("Savouries", "savouries", "2"), ("Breads", "breads", "1")):
        answer = post_form(staff_http, "/staff/categories/new",
                           {"name": name, "slug": slug, "description": "", "position": position})
        assert answer.status_code == 303
    make_product("Sourdough", category=db.session.scalars(sa.select(Category).where(Category.slug == "breads")).one())
    make_product("Pasty", category=db.session.scalars(sa.select(Category).where(Category.slug == "savouries")).one())
    listed = [text_of(th) for th in soup(staff_http.get("/staff/categories").data).select("tbody th")]
    assert listed == ["Breads", "Savouries"]
    answer = post_form(staff_http, "/staff/categories/new",
                       {"name": "More bread", "slug": "breads", "description": "", "position": "3"})
    assert answer.status_code == 422 and "already uses" in field_errors(answer.data)["slug"]
    assert db.session.scalar(sa.select(sa.func.count(Category.id))) == 2


def test_htmx_edit_answers_the_form_with_errors_or_a_redirect(staff, pastries, htmx_headers):
    staff_http, _ = staff
    bad = post_form(staff_http, "/staff/products/new", product_data(pastries, price="-2"), headers=htmx_headers)
    assert bad.status_code == 422 and b"<html" not in bad.data and b'id="upkeep-form"' in bad.data
    good = post_form(staff_http, "/staff/products/new", product_data(pastries), headers=htmx_headers)
    assert good.status_code == 200 and good.headers["HX-Redirect"].startswith("/staff/products/")


def test_customers_and_guests_cannot_reach_the_catalogue(app, client, logged_in, pastries):
    assert client.get("/staff/products").status_code == 403
    assert app.test_client().get("/staff/products").status_code in (302, 303)


def test_product_list_statements_do_not_grow_with_the_catalogue(staff, count_queries):
    staff_http, _ = staff

    def statements() -> int:
        with count_queries() as counter:
            assert staff_http.get("/staff/products").status_code == 200
        return counter.count

    category = make_category()
    make_product(category=category)
    few = statements()
    for n in range(12):
        make_product(category=make_category() if n % 3 else category, diets=("vegan",), allergens=("milk",))
    assert statements() == few
