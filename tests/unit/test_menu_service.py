"""Menu rules without HTTP: only available, not-deleted products are visible; filters, sorts and
pages; related products; the stock badge; and a statement count that does not grow with the menu."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storefront.extensions import db
from storefront.menu import service
from storefront.menu.models import Product
from storefront.menu.service import MenuFilters
from tests.support.builders import make_category, make_product

DELETED = datetime(2026, 1, 1, tzinfo=UTC)


def names(products) -> list[str]:
    return [product.name for product in products]


def browse(**filters) -> service.MenuPage:
    category = filters.pop("category_row", None)
    return service.browse(db.session, MenuFilters(**filters), category)


@pytest.fixture
def menu(app_ctx):
    breads = make_category("Breads", slug="breads", position=2)
    cakes = make_category("Cakes", slug="cakes", position=1)
    made = {
        "rye": make_product("Rye loaf", category=breads, price="4.20", diets=("vegan",), allergens=("gluten",)),
        "bap": make_product("Bap", category=breads, price="0.90", is_featured=True, allergens=("gluten", "milk")),
        "torte": make_product("Almond torte", category=cakes, price="3.80", diets=("vegetarian",),
                              allergens=("nuts", "eggs")),
        "fudge": make_product("Fudge cake", category=cakes, price="4.50", is_featured=True, position=1,
                              allergens=("milk", "eggs")),
    }
    hidden = make_product("Hidden roll", category=breads, is_available=False)
    old = make_product("Old bun", category=breads, deleted_at=DELETED, is_featured=True)
    return {"breads": breads, "cakes": cakes, "hidden": hidden, "old": old, **made}


def test_customers_never_see_hidden_or_deleted_products(menu):
    shown = browse()
    assert sorted(names(shown.products)) == ["Almond torte", "Bap", "Fudge cake", "Rye loaf"] and shown.total == 4
    assert service.product_by_slug(db.session, menu["rye"].slug).name == "Rye loaf"
    assert service.product_by_slug(db.session, menu["hidden"].slug) is None
    assert service.product_by_slug(db.session, menu["old"].slug) is None
    assert "Old bun" not in names(service.featured(db.session))


def test_categories_come_in_their_set_order(menu):
    assert names(service.categories(db.session)) == ["Cakes", "Breads"]


def test_featured_products_come_first_then_position_then_name(menu):
    assert names(browse().products) == ["Bap", "Fudge cake", "Almond torte", "Rye loaf"]
    assert names(service.featured(db.session)) == ["Bap", "Fudge cake"]
    assert names(service.featured(db.session, limit=1)) == ["Bap"]


@pytest.mark.parametrize("sort, expected", [
    ("price-asc", ["Bap", "Almond torte", "Rye loaf", "Fudge cake"]),
    ("price-desc", ["Fudge cake", "Rye loaf", "Almond torte", "Bap"]),
    ("rating", ["Almond torte", "Bap", "Fudge cake", "Rye loaf"]),  # no reviews yet: all unrated, by name
])
def test_sorts(menu, sort, expected):
    assert names(browse(sort=sort).products) == expected


def test_newest_first(menu):
    for age, key in enumerate(("torte", "rye", "fudge", "bap")):
        menu[key].created_at = DELETED - timedelta(days=age)
    db.session.commit()
    assert names(browse(sort="newest").products) == ["Almond torte", "Rye loaf", "Fudge cake", "Bap"]


def test_filters_by_category_diet_and_allergen_combine(menu):
    cakes = browse(category="cakes", category_row=menu["cakes"])
    assert sorted(names(cakes.products)) == ["Almond torte", "Fudge cake"] and cakes.category.name == "Cakes"
    assert names(browse(diets=("vegan",)).products) == ["Rye loaf"]
    assert sorted(names(browse(free_from=("milk",)).products)) == ["Almond torte", "Rye loaf"]
    assert names(browse(free_from=("milk", "nuts")).products) == ["Rye loaf"]
    assert names(browse(category="cakes", category_row=menu["cakes"], free_from=("nuts",)).products) == ["Fudge cake"]
    assert browse(diets=("vegan", "vegetarian")).products == []  # every diet asked for
    assert browse(diets=("vegan",)).is_filtered and not browse(sort="price-asc").is_filtered


def test_search_finds_words_in_the_name(menu):
    assert names(browse(query="torte").products) == ["Almond torte"]
    assert names(browse(query="loaf", sort="relevance").products) == ["Rye loaf"]


def test_pages_and_a_page_past_the_end(app_ctx):
    category = make_category("Pastries")
    for n in range(service.PAGE_SIZE + 3):
        make_product(f"Pastry {n:02d}", category=category)
    first = browse()
    assert (len(first.products), first.total, first.pages, first.has_next, first.has_previous) == (
        service.PAGE_SIZE, service.PAGE_SIZE + 3, 2, True, False)
    beyond = browse(page=9)
    assert beyond.page == 2 and len(beyond.products) == 3 and not beyond.has_next and beyond.has_previous
    assert beyond.notices == ["There is no page 9; this is the last page."]
    assert browse(page=-4).page == 1


def test_an_empty_menu_is_one_empty_page(app_ctx):
    shown = browse()
    assert (shown.products, shown.total, shown.page, shown.pages, shown.notices) == ([], 0, 1, 1, [])


def test_related_products_share_the_category_and_leave_out_the_product(menu):
    assert names(service.related(db.session, menu["torte"])) == ["Fudge cake"]
    assert names(service.related(db.session, menu["rye"])) == ["Bap"]  # not the hidden or deleted ones
    make_product("Seeded loaf", category=menu["breads"])
    assert names(service.related(db.session, menu["rye"], limit=1)) == ["Bap"]


@pytest.mark.parametrize("fields, expected", [
    ({"track_stock": False}, ("in-stock", "In stock")),
    ({"track_stock": True, "stock_quantity": 0}, ("sold-out", "Sold out")),
    ({"track_stock": True, "stock_quantity": service.LOW_STOCK}, ("low", f"Only {service.LOW_STOCK} left")),
    ({"track_stock": True, "stock_quantity": 1}, ("low", "Only 1 left")),
    ({"track_stock": True, "stock_quantity": service.LOW_STOCK + 1}, ("in-stock", "In stock")),
])
def test_the_stock_badge(fields, expected):
    assert service.stock_state(Product(name="Bun", **fields)) == expected


def test_browsing_costs_the_same_statements_however_big_the_menu(menu, count_queries):
    with count_queries() as small:
        browse(free_from=("nuts",), diets=("vegan",))
    for n in range(12):
        make_product(f"Extra {n}", category=menu["breads"], diets=("vegan",))
    with count_queries() as big:
        shown = browse(free_from=("nuts",), diets=("vegan",))
    assert len(shown.products) == 13 and big.count == small.count
