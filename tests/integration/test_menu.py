"""The menu over HTTP: categories, search, filters, sorting, paging, product pages, bad input.
The same search tests run on SQLite and on PostgreSQL (full-text search)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from storefront.core.time import utcnow
from tests.support.builders import make_category, make_product
from tests.support.html import json_ld, soup, texts

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


def names(response) -> list[str]:
    """Product names in the order the results show them."""
    return texts(response, 'h3 > a[href^="/menu/"]')


def count_line(response) -> str:
    return " ".join(texts(response, "#results-count"))


@pytest.fixture
def bakery(app_ctx):
    breads = make_category("Breads", slug="breads", position=1)
    cakes = make_category("Cakes", slug="cakes", position=2)
    drinks = make_category("Drinks", slug="drinks", position=3)
    make_product("Sourdough loaf", category=breads, price="4.80", slug="sourdough",
                 description="Slow-fermented country loaf.", diets=("vegetarian", "vegan"), allergens=("gluten",),
                 is_featured=True)
    make_product("Rye bread", category=breads, price="5.20", slug="rye", description="Dark and seeded.",
                 diets=("vegetarian", "vegan"), allergens=("gluten", "sesame"))
    make_product("Chocolate fudge cake", category=cakes, price="4.50", slug="fudge-cake",
                 description="Rich sponge with ganache.", diets=("vegetarian",), allergens=("gluten", "milk", "eggs"),
                 is_featured=True, track_stock=True, stock_quantity=2)
    make_product("Almond torte", category=cakes, price="3.90", slug="almond-torte",
                 description="Flourless cake with orange.", diets=("vegetarian", "gluten-free"),
                 allergens=("tree-nuts", "eggs"), track_stock=True, stock_quantity=0)
    make_product("Hot chocolate", category=drinks, price="3.40", slug="hot-chocolate",
                 description="Made with 70% cocoa & whole milk.", diets=("vegetarian", "gluten-free"),
                 allergens=("milk",))
    make_product("Secret special", category=drinks, slug="secret", is_available=False)
    make_product("Old scone", category=cakes, slug="old-scone", deleted_at=utcnow())
    return {"breads": breads, "cakes": cakes}


def test_menu_lists_available_products_with_prices_and_stock(client, bakery):
    response = client.get("/menu")
    html = text(response)
    assert response.status_code == 200
    assert sorted(names(response)) == ["Almond torte", "Chocolate fudge cake", "Hot chocolate", "Rye bread",
                                       "Sourdough loaf"]
    assert "£4.80" in html and "Only 2 left" in html and "Sold out" in html
    assert all((img["width"], img["height"]) == ("400", "300") for img in soup(html).select('img[loading="lazy"]'))
    assert count_line(response) == "5 items"


@pytest.mark.parametrize("slug", ["secret", "old-scone", "no-such-thing"])
def test_unavailable_deleted_and_unknown_products_are_404(client, bakery, slug):
    assert client.get(f"/menu/{slug}").status_code == 404


def test_category_filter(client, bakery):
    response = client.get("/menu?category=cakes")
    assert sorted(names(response)) == ["Almond torte", "Chocolate fudge cake"]
    assert count_line(response) == "2 items in Cakes"
    assert texts(response, 'a[aria-current="page"][href="/menu?category=cakes"]') == ["Cakes"]


@pytest.mark.parametrize("query, expected", [
    ("choc", ["Chocolate fudge cake", "Hot chocolate"]),       # prefix of a word in the name
    ("CHOCOLATE", ["Chocolate fudge cake", "Hot chocolate"]),  # any case
    ("ganache", ["Chocolate fudge cake"]),                     # a word of the description
    ("loaf sourdough", ["Sourdough loaf"]),                    # every word must match, any order
    ("seeded rye", ["Rye bread"]),
    ("croissant", []),
])
def test_search_finds_by_word_prefix_on_either_engine(client, bakery, query, expected):
    assert sorted(names(client.get("/menu", query_string={"q": query}))) == expected


def test_search_results_put_name_matches_first(client, app_ctx):
    make_product("Plain bun", description="Pairs well with chocolate spread.", is_featured=True)
    make_product("Chocolate bun", description="A soft bun.")
    assert names(client.get("/menu?q=chocolate")) == ["Chocolate bun", "Plain bun"]
    # "Recommended" (what the sort box sends by default) means best match while searching.
    assert names(client.get("/menu?q=chocolate&sort=")) == ["Chocolate bun", "Plain bun"]
    assert names(client.get("/menu?sort=")) == ["Plain bun", "Chocolate bun"]  # featured first


@pytest.mark.parametrize("query", ["'; DROP TABLE products; --", "<script>alert(1)</script>", "%", "_", "\\",
                                   "zq:* | qz", "!!!", "&"])
def test_search_metacharacters_are_literal_and_escaped(client, bakery, query):
    response = client.get("/menu", query_string={"q": query})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in text(response)
    assert names(response) == []
    assert client.get("/menu").status_code == 200 and len(names(client.get("/menu"))) == 5  # table intact


def test_search_finds_punctuation_literally(client, bakery):
    assert names(client.get("/menu", query_string={"q": "70%"})) == ["Hot chocolate"]
    assert names(client.get("/menu", query_string={"q": "&"})) == []


def test_an_overlong_query_is_cut_not_refused(client, bakery):
    response = client.get("/menu", query_string={"q": "chocolate " + "x" * 5000})
    assert response.status_code == 200
    assert "Your search was shortened to its first 100 characters." in text(response)


def test_dietary_filters_need_every_chosen_diet(client, bakery):
    vegan = client.get("/menu?diet=vegan")
    assert sorted(names(vegan)) == ["Rye bread", "Sourdough loaf"]
    both = client.get("/menu?diet=vegetarian&diet=gluten-free")
    assert sorted(names(both)) == ["Almond torte", "Hot chocolate"]


def test_leaving_out_allergens(client, bakery):
    response = client.get("/menu?free_from=gluten&free_from=tree-nuts")
    assert names(response) == ["Hot chocolate"]
    assert "(2 left out)" in text(response)


@pytest.mark.parametrize("query", ["category=nope", "diet=carnivore", "free_from=kryptonite", "sort=random",
                                   "page=-4", "page=abc", "page=99999999999999999999",
                                   "diet=vegan&diet=vegan"])
def test_unknown_filter_values_never_fail(client, bakery, query):
    response = client.get(f"/menu?{query}")
    assert response.status_code == 200
    assert names(response)


def test_unknown_values_are_explained(client, bakery):
    assert "We don’t have that category, so everything is shown." in text(client.get("/menu?category=nope"))
    assert "Some filters were not recognised" in text(client.get("/menu?diet=carnivore"))


@pytest.mark.parametrize("sort, expected", [
    ("price-asc", ["Hot chocolate", "Almond torte", "Chocolate fudge cake", "Sourdough loaf", "Rye bread"]),
    ("price-desc", ["Rye bread", "Sourdough loaf", "Chocolate fudge cake", "Almond torte", "Hot chocolate"]),
])
def test_sorting_by_price(client, bakery, sort, expected):
    assert names(client.get(f"/menu?sort={sort}")) == expected


def test_sorting_featured_first_and_newest(client, bakery, app_ctx):
    assert names(client.get("/menu"))[:2] == ["Chocolate fudge cake", "Sourdough loaf"]  # featured, then by name
    newest = make_product("Fresh bake", category=bakery["breads"])
    newest.created_at = utcnow() + timedelta(minutes=1)
    from storefront.extensions import db
    db.session.commit()
    assert names(client.get("/menu?sort=newest"))[0] == "Fresh bake"


def test_empty_results_say_so_and_offer_to_clear(client, bakery):
    response = client.get("/menu?q=pizza&diet=vegan")
    assert count_line(response) == "No items found for “pizza”"
    assert 'href="/menu">Clear all filters</a>' in text(response)


def test_long_lists_page_with_a_link_and_load_more(client, app_ctx):
    category = make_category("Buns", slug="buns")
    for i in range(30):
        make_product(f"Bun {i:02d}", category=category, position=i)
    first = client.get("/menu")
    assert len(names(first)) == 24
    assert 'href="/menu?page=2"' in text(first) and "Show more items" in text(first)
    second = client.get("/menu?page=2")
    assert names(second) == [f"Bun {i:02d}" for i in range(24, 30)]
    assert "Previous items" in text(second) and "Show more items" not in text(second)
    more = client.get("/menu?page=2", headers={**HTMX, "HX-Target": "load-more-item"})
    assert "<html" not in text(more) and text(more).lstrip().startswith("<li>")
    assert names(more) == [f"Bun {i:02d}" for i in range(24, 30)]
    assert "autofocus" in text(more)  # focus moves to the first new item
    beyond = client.get("/menu?page=7")
    assert "There is no page 7; this is the last page." in text(beyond) and len(names(beyond)) == 6


def test_htmx_search_answers_only_the_results_and_keeps_the_address_in_step(client, bakery):
    typing = client.get("/menu?q=choc&category=&sort=relevance&page=",
                        headers={**HTMX, "HX-Target": "results", "HX-Trigger": "q"})
    assert "<html" not in text(typing) and 'data-hx-swap-oob="innerHTML"' in text(typing)
    assert typing.headers["HX-Replace-Url"] == "/menu?q=choc"
    # The tabs come along out of band, so their links keep the new search.
    assert soup(typing).select_one('nav#category-tabs[data-hx-swap-oob="true"]')
    assert 'href="/menu?q=choc&amp;category=cakes"' in text(typing)
    assert "HX-Request" in typing.headers["Vary"]
    filtering = client.get("/menu?diet=vegan", headers={**HTMX, "HX-Target": "results", "HX-Trigger": "menu-filters"})
    assert filtering.headers["HX-Push-Url"] == "/menu?diet=vegan"
    tab = client.get("/menu?category=cakes", headers={**HTMX, "HX-Target": "menu-browser"})
    assert 'id="menu-filters"' in text(tab) and "<html" not in text(tab)
    assert tab.headers["HX-Push-Url"] == "/menu?category=cakes"


def test_history_restore_gets_the_whole_page(client, bakery):
    response = client.get("/menu?q=choc", headers={**HTMX, "HX-History-Restore-Request": "true",
                                                   "HX-Target": "results"})
    assert "<html" in text(response)


def test_product_page_details_and_json_ld(client, bakery):
    response = client.get("/menu/fudge-cake")
    html = text(response)
    assert response.status_code == 200
    assert "Chocolate fudge cake" in html and "£4.50" in html and "Only 2 left" in html
    assert "Contains: <strong>Cereals containing gluten</strong>, <strong>Eggs</strong>, <strong>Milk</strong>." in html
    assert "Almond torte" in html  # related, same category
    data = json_ld(html)
    assert data["@type"] == ["Product", "MenuItem"] and data["name"] == "Chocolate fudge cake"
    assert data["offers"] == {"@type": "Offer", "price": "4.50", "priceCurrency": "GBP",
                              "availability": "https://schema.org/InStock",
                              "seller": {"@type": "Bakery", "name": "Crumb & Kettle"}}
    sold_out = json_ld(client.get("/menu/almond-torte"))
    assert sold_out["offers"]["availability"] == "https://schema.org/SoldOut"


def test_json_ld_cannot_be_broken_out_of(client, app_ctx):
    make_product("Evil </script><script>alert(1)</script>", slug="evil")
    html = text(client.get("/menu/evil"))
    assert "</script><script>alert(1)" not in html
    assert json_ld(html)["name"] == "Evil </script><script>alert(1)</script>"


def test_home_page_links_to_the_menu_and_categories(client, bakery):
    html = text(client.get("/"))
    assert 'href="/menu"' in html and 'href="/menu?category=breads"' in html
    assert "Sourdough loaf" in html  # featured


# --- statement budgets ----------------------------------------------------------------------

def catalogue(size: int) -> None:
    categories = [make_category(f"Cat {i}", slug=f"cat-{i}") for i in range(6)]
    for i in range(size):
        make_product(f"Item {i} chocolate", category=categories[i % 6], diets=("vegetarian",),
                     allergens=("milk", "gluten"), is_featured=i % 5 == 0, slug=f"item-{i}",
                     image_path="img/products/butter-croissant.svg")


PAGES = ["/", "/menu", "/menu?q=chocolate&diet=vegetarian&free_from=nuts", "/menu/item-7", "/menu?page=2",
         "/menu?category=cat-2&sort=price-asc"]
# The statement budgets (issue 16): settings, hours and categories come from the shared cache;
# a list is its page (total counted alongside) and one statement for its diets and allergens.
BUDGETS = {"/": 2, "/menu": 3, "/menu?q=chocolate&diet=vegetarian&free_from=nuts": 3, "/menu/item-7": 4,
           "/menu?page=2": 3, "/menu?category=cat-2&sort=price-asc": 3}


def statements_per_page(client, count_queries) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        client.get(url)  # warm: first-request work is not what we measure
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[url] = counter.count
    return counts


def test_statement_counts_do_not_grow_with_the_catalogue(client, count_queries, app_ctx):
    catalogue(30)
    small = statements_per_page(client, count_queries)
    catalogue_more = 290
    categories = {}
    import sqlalchemy as sa

    from storefront.extensions import db
    from storefront.menu.models import Category
    for cat in db.session.scalars(sa.select(Category)):
        categories[cat.slug] = cat
    for i in range(30, 30 + catalogue_more):
        make_product(f"Item {i} chocolate", category=categories[f"cat-{i % 6}"], diets=("vegetarian",),
                     allergens=("milk", "gluten"), is_featured=i % 5 == 0, slug=f"item-{i}")
    large = statements_per_page(client, count_queries)
    assert small == large, f"statement counts grew with the catalogue: {small} -> {large}"
    assert all(large[url] <= BUDGETS[url] for url in PAGES), (large, BUDGETS)
