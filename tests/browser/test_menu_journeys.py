"""Menu journeys in a real browser, each with JavaScript on and off: search as you type, filter by
diet and sort, open a product and go Back to the same results, the category tabs, "Show more
items", and the filters by keyboard. Every page and every state the user sees is checked with
the Nu HTML checker and axe-core."""
from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, expect

from tests.support.builders import make_category, make_product, make_store

from .harness import check_page

# The whole menu in its default ("Featured") order: featured first, then by name.
ALL_ITEMS = ["Chocolate fudge cake", "Sourdough loaf", "Almond torte", "Chocolate oat cookie",
             "Dark chocolate brownie", "Hot chocolate", "Oat latte", "Rye bread"]
CHOC_ITEMS = ["Chocolate fudge cake", "Chocolate oat cookie", "Dark chocolate brownie", "Hot chocolate"]
VEGAN_FEATURED = ["Sourdough loaf", "Chocolate oat cookie", "Dark chocolate brownie", "Oat latte", "Rye bread"]
VEGAN_CHEAPEST_FIRST = ["Chocolate oat cookie", "Oat latte", "Dark chocolate brownie", "Sourdough loaf",
                        "Rye bread"]
CAKES_FEATURED = ["Chocolate fudge cake", "Almond torte", "Chocolate oat cookie", "Dark chocolate brownie"]


def seed_menu(db_data) -> None:
    """A small bakery: three categories, eight products with fixed names, prices and diets."""
    with db_data():
        make_store(name="Loaf & Ladle")
        breads = make_category("Breads", slug="breads", position=1)
        cakes = make_category("Cakes", slug="cakes", position=2)
        drinks = make_category("Drinks", slug="drinks", position=3)
        make_product("Sourdough loaf", category=breads, price="4.80", slug="sourdough-loaf",
                     description="Slow-fermented country loaf from our own starter.",
                     diets=("vegetarian", "vegan"), allergens=("gluten",), is_featured=True)
        make_product("Rye bread", category=breads, price="5.20", slug="rye-bread",
                     description="Dark, dense and seeded.", diets=("vegetarian", "vegan"),
                     allergens=("gluten", "sesame"))
        make_product("Chocolate fudge cake", category=cakes, price="4.50", slug="chocolate-fudge-cake",
                     description="Rich sponge with ganache.", diets=("vegetarian",),
                     allergens=("gluten", "milk", "eggs"), is_featured=True)
        make_product("Dark chocolate brownie", category=cakes, price="3.20", slug="dark-chocolate-brownie",
                     description="Fudgy, made without eggs or butter.", diets=("vegetarian", "vegan"),
                     allergens=("gluten", "soya"))
        make_product("Chocolate oat cookie", category=cakes, price="2.60", slug="chocolate-oat-cookie",
                     description="Chewy, with dark chips.", diets=("vegetarian", "vegan"), allergens=("gluten",))
        make_product("Almond torte", category=cakes, price="3.90", slug="almond-torte",
                     description="Flourless cake with orange.", diets=("vegetarian", "gluten-free"),
                     allergens=("tree-nuts", "eggs"))
        make_product("Hot chocolate", category=drinks, price="3.40", slug="hot-chocolate",
                     description="Made with 70% cocoa and whole milk.", diets=("vegetarian", "gluten-free"),
                     allergens=("milk",))
        make_product("Oat latte", category=drinks, price="3.10", slug="oat-latte",
                     description="Espresso with steamed oat drink.", diets=("vegetarian", "vegan", "dairy-free"),
                     allergens=("gluten",))


# --------------------------------------------------------------------------------------------
# What the user sees
# --------------------------------------------------------------------------------------------

def result_names(page: Page) -> Locator:
    """The product names in the results, in the order shown."""
    return page.locator("#product-list").get_by_role("heading", level=3)


def results_count(page: Page) -> Locator:
    return page.locator("#results-count")


def search_box(page: Page) -> Locator:
    return page.get_by_role("searchbox", name="Search the menu")


def filters_opened(page: Page) -> Page:
    """The filters wait behind the "Filter and sort" disclosure (closed on every page load, so
    the food comes first); open it as a user would before reaching for a filter."""
    disclosure = page.locator("details.filter-disclosure")
    if not disclosure.evaluate("details => details.open"):
        disclosure.locator(":scope > summary").click()
    return page


def sort_select(page: Page) -> Locator:
    return filters_opened(page).get_by_role("combobox", name="Sort by")


def diet(page: Page, label: str) -> Locator:
    return filters_opened(page).get_by_role("group", name="Dietary needs").get_by_role("checkbox", name=label, exact=True)


def show_results(page: Page) -> Locator:
    return page.get_by_role("button", name="Show results")


def category_tabs(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Categories")


def menu_url(base: str, **params: str) -> re.Pattern:
    """The menu's address carrying these parameters, in any order and maybe among others (a plain
    GET form also sends its empty and default fields)."""
    wanted = "".join(rf"(?=(?:.*&)?{re.escape(k)}={re.escape(v)}(?:&|#|$))" for k, v in params.items())
    return re.compile(rf"^{re.escape(base)}/menu\?{wanted}")


def expect_names_in_any_order(page: Page, expected: list[str]) -> None:
    names = result_names(page)
    expect(names).to_have_count(len(expected))
    assert sorted(names.all_inner_texts()) == sorted(expected)


@contextmanager
def menu_update(page: Page, *, js: bool):
    """Whatever the block does must bring the menu's answer, and the way it travels is checked:
    an htmx request and no page load with JavaScript, a page load without."""
    with page.expect_response(lambda r: urlsplit(r.url).path == "/menu" and r.request.method == "GET") as answer:
        yield
    request = answer.value.request
    if js:
        assert request.headers.get("hx-request") == "true", "the menu was not updated by htmx"
        assert not request.is_navigation_request(), "the menu reloaded the whole page"
    else:
        assert request.is_navigation_request(), "the menu did not update as a page load"
    assert answer.value.status == 200


def check(page: Page, nu_checker, where: str) -> None:
    """`check_page` once the page has come to rest: no htmx request, swap or settle under way, and
    the "Updating…" indicator hidden again."""
    expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
    loading = page.locator("#menu-loading")
    if loading.count():
        expect(loading).to_have_css("visibility", "hidden")
    check_page(page, nu_checker, where)


def expect_visible_focus(control: Locator) -> None:
    expect(control).to_be_focused()
    expect(control).not_to_have_css("outline-style", "none")


# --------------------------------------------------------------------------------------------
# Journeys
# --------------------------------------------------------------------------------------------

def test_search_as_you_type(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_menu(db_data)
    base = live_server.url

    page.goto("/menu")
    expect(page.get_by_role("heading", level=1)).to_have_text("Our menu")
    expect(result_names(page)).to_have_text(ALL_ITEMS)
    expect(results_count(page)).to_have_text("8 items")
    check(page, nu_checker, "menu page")

    # With JavaScript the results follow the typing; without it Enter sends the form.
    search = search_box(page)
    with menu_update(page, js=js_enabled):
        search.press_sequentially("choc", delay=50)
        if not js_enabled:
            search.press("Enter")
    expect(results_count(page)).to_have_text("4 items for “choc”")
    expect_names_in_any_order(page, CHOC_ITEMS)
    expect(search).to_have_value("choc")
    if js_enabled:
        expect(page).to_have_url(base + "/menu?q=choc")
    else:
        expect(page).to_have_url(menu_url(base, q="choc"))
    check(page, nu_checker, "menu searched for “choc”")

    if js_enabled:
        # Enter out of habit changes nothing: the same results, still no page load, nothing logged.
        with menu_update(page, js=True):
            search.press("Enter")
        expect(results_count(page)).to_have_text("4 items for “choc”")
        expect_names_in_any_order(page, CHOC_ITEMS)
        expect(page).to_have_url(base + "/menu?q=choc")

    # Nothing matches: say so, and offer the way back to everything.
    with menu_update(page, js=js_enabled):
        search.fill("zzzz")
        if not js_enabled:
            search.press("Enter")
    expect(results_count(page)).to_have_text("No items found for “zzzz”")
    expect(result_names(page)).to_have_count(0)
    expect(page.get_by_role("heading", name="Nothing matches that")).to_be_visible()
    if js_enabled:
        expect(page).to_have_url(base + "/menu?q=zzzz")
    else:
        expect(page).to_have_url(menu_url(base, q="zzzz"))
    check(page, nu_checker, "menu with no results")

    page.get_by_role("link", name="Clear all filters").click()
    expect(page).to_have_url(base + "/menu")
    expect(results_count(page)).to_have_text("8 items")
    expect(result_names(page)).to_have_text(ALL_ITEMS)
    expect(search_box(page)).to_have_value("")
    expect(page.get_by_role("link", name="Clear all filters")).to_have_count(0)
    check(page, nu_checker, "menu after clearing the filters")


def test_filter_by_diet_and_sort(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_menu(db_data)
    base = live_server.url

    page.goto("/menu")
    check(page, nu_checker, "menu page")

    # With JavaScript a filter applies as soon as it changes; without it "Show results" sends it.
    vegan = diet(page, "Vegan")
    with menu_update(page, js=js_enabled):
        vegan.check()
        if not js_enabled:
            show_results(page).click()
    expect(results_count(page)).to_have_text("5 items")
    expect(result_names(page)).to_have_text(VEGAN_FEATURED)
    expect(page).to_have_url(menu_url(base, diet="vegan"))
    if js_enabled:
        expect(page).to_have_url(base + "/menu?diet=vegan")
    expect(diet(page, "Vegan")).to_be_checked()
    check(page, nu_checker, "menu filtered to vegan")

    with menu_update(page, js=js_enabled):
        sort_select(page).select_option(label="Price: low to high")
        if not js_enabled:
            show_results(page).click()
    expect(result_names(page)).to_have_text(VEGAN_CHEAPEST_FIRST)
    expect(results_count(page)).to_have_text("5 items")
    expect(page).to_have_url(menu_url(base, diet="vegan", sort="price-asc"))
    if js_enabled:
        expect(page).to_have_url(base + "/menu?diet=vegan&sort=price-asc")
    expect(diet(page, "Vegan")).to_be_checked()
    expect(sort_select(page)).to_have_value("price-asc")
    prices = page.locator("#product-list .price")
    expect(prices).to_have_text(["£2.60", "£3.10", "£3.20", "£4.80", "£5.20"])
    check(page, nu_checker, "vegan menu, cheapest first")

    # Each change was a step in the history: Back shows the vegan menu in the featured order.
    page.go_back()
    expect(page).to_have_url(menu_url(base, diet="vegan"))
    expect(page).not_to_have_url(re.compile(r"sort=price-asc"))
    expect(result_names(page)).to_have_text(VEGAN_FEATURED)
    expect(diet(page, "Vegan")).to_be_checked()
    expect(sort_select(page)).to_have_value("")  # "Recommended": the featured order when not searching
    check(page, nu_checker, "vegan menu again after Back")


def test_open_a_product_and_go_back_to_the_same_results(page: Page, live_server, js_enabled, db_data,
                                                        nu_checker):
    seed_menu(db_data)
    base = live_server.url

    page.goto("/menu")
    check(page, nu_checker, "menu page")

    # Search, filter and sort, each step settling before the next.
    search = search_box(page)
    if js_enabled:
        with menu_update(page, js=True):
            search.press_sequentially("choc", delay=50)
        expect(results_count(page)).to_have_text("4 items for “choc”")
        with menu_update(page, js=True):
            diet(page, "Vegan").check()
        expect(results_count(page)).to_have_text("2 items for “choc”")
        with menu_update(page, js=True):
            sort_select(page).select_option(label="Price: high to low")
    else:
        search.fill("choc")
        diet(page, "Vegan").check()
        sort_select(page).select_option(label="Price: high to low")
        with menu_update(page, js=False):
            show_results(page).click()
    expected = ["Dark chocolate brownie", "Chocolate oat cookie"]
    expect(result_names(page)).to_have_text(expected)
    expect(results_count(page)).to_have_text("2 items for “choc”")
    results_url = menu_url(base, q="choc", diet="vegan", sort="price-desc")
    expect(page).to_have_url(results_url)
    if js_enabled:
        expect(page).to_have_url(base + "/menu?q=choc&diet=vegan&sort=price-desc")
    check(page, nu_checker, "vegan “choc” results, dearest first")
    url_of_results = page.url

    # The product page: name, price, diets and allergens.
    page.locator("#product-list").get_by_role("link", name="Dark chocolate brownie").click()
    expect(page).to_have_url(base + "/menu/dark-chocolate-brownie")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dark chocolate brownie")
    expect(page.locator(".product-info .price")).to_have_text("£3.20")
    expect(page.get_by_role("heading", name="Allergens")).to_be_visible()
    expect(page.get_by_text("Contains: Cereals containing gluten, Soya.")).to_be_visible()
    expect(page.get_by_role("heading", name="Suitable for")).to_be_visible()
    expect(page.locator(".product-info .badges")).to_have_text(re.compile(r"Vegetarian\s*Vegan"))
    check(page, nu_checker, "product page")

    # Back: the same results, in the same order, with the form as the user left it.
    page.go_back()
    expect(page).to_have_url(url_of_results)
    expect(result_names(page)).to_have_text(expected)
    expect(results_count(page)).to_have_text("2 items for “choc”")
    expect(search_box(page)).to_have_value("choc")
    expect(diet(page, "Vegan")).to_be_checked()
    expect(diet(page, "Vegetarian")).not_to_be_checked()
    expect(sort_select(page)).to_have_value("price-desc")
    check(page, nu_checker, "the same results after Back")


def test_category_tabs(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_menu(db_data)
    base = live_server.url

    page.goto("/menu")
    tabs = category_tabs(page)
    expect(tabs.get_by_role("link", name="All")).to_have_attribute("aria-current", "page")
    check(page, nu_checker, "menu page")

    with menu_update(page, js=js_enabled):
        tabs.get_by_role("link", name="Cakes").click()
    expect(page).to_have_url(base + "/menu?category=cakes")
    expect(results_count(page)).to_have_text("4 items in Cakes")
    expect(result_names(page)).to_have_text(CAKES_FEATURED)
    expect(tabs.get_by_role("link", name="Cakes")).to_have_attribute("aria-current", "page")
    for other in ("All", "Breads", "Drinks"):
        expect(tabs.get_by_role("link", name=other)).not_to_have_attribute("aria-current", re.compile(".*"))
    check(page, nu_checker, "menu on the Cakes tab")

    with menu_update(page, js=js_enabled):
        tabs.get_by_role("link", name="Drinks").click()
    expect(page).to_have_url(base + "/menu?category=drinks")
    expect(results_count(page)).to_have_text("2 items in Drinks")
    expect(result_names(page)).to_have_text(["Hot chocolate", "Oat latte"])
    expect(tabs.get_by_role("link", name="Drinks")).to_have_attribute("aria-current", "page")
    expect(tabs.get_by_role("link", name="Cakes")).not_to_have_attribute("aria-current", re.compile(".*"))
    check(page, nu_checker, "menu on the Drinks tab")

    # A filter on a tab applies within it (with JavaScript, from the form the tab brought in).
    with menu_update(page, js=js_enabled):
        diet(page, "Dairy-free").check()
        if not js_enabled:
            show_results(page).click()
    expect(results_count(page)).to_have_text("1 item in Drinks")
    expect(result_names(page)).to_have_text(["Oat latte"])
    expect(page).to_have_url(menu_url(base, category="drinks", diet="dairy-free"))
    expect(tabs.get_by_role("link", name="Drinks")).to_have_attribute("aria-current", "page")
    check(page, nu_checker, "dairy-free drinks")


def test_show_more_items(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")
        buns = make_category("Buns", slug="buns")
        for n in range(1, 31):
            make_product(f"Bun {n:02d}", category=buns, price=f"{2 + n / 100:.2f}", slug=f"bun-{n:02d}",
                         diets=("vegetarian",), allergens=("gluten",))
    base = live_server.url
    first_page = [f"Bun {n:02d}" for n in range(1, 25)]
    second_page = [f"Bun {n:02d}" for n in range(25, 31)]

    page.goto("/menu")
    expect(results_count(page)).to_have_text("30 items")
    expect(result_names(page)).to_have_text(first_page)
    more = page.get_by_role("button", name="Show more items")
    expect(more).to_be_visible()
    check(page, nu_checker, "first page of the menu")

    with menu_update(page, js=js_enabled):
        more.click()
    if js_enabled:
        # Appended to the same list, focus on the first new item (not lost to <body>).
        expect(result_names(page)).to_have_text(first_page + second_page)
        expect(page.get_by_role("link", name="Bun 25", exact=True)).to_be_focused()
        expect(page).to_have_url(base + "/menu")
    else:
        expect(page).to_have_url(base + "/menu?page=2")
        expect(result_names(page)).to_have_text(second_page)
        expect(page.get_by_role("link", name="Previous items")).to_be_visible()
    expect(results_count(page)).to_have_text("30 items")
    expect(page.get_by_role("button", name="Show more items")).to_have_count(0)
    check(page, nu_checker, "menu with items 25–30")

    if not js_enabled:
        page.get_by_role("link", name="Previous items").click()
        expect(page).to_have_url(base + "/menu")
        expect(result_names(page)).to_have_text(first_page)
        check(page, nu_checker, "first page of the menu again")


def test_filters_by_keyboard(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed_menu(db_data)
    base = live_server.url

    page.goto("/menu")
    check(page, nu_checker, "menu page")

    # The search box has a label the user can see.
    label = page.locator("label[for=q]")
    expect(label).to_be_visible()
    expect(label).to_have_text("Search the menu")
    search = search_box(page)
    expect(search).to_be_visible()

    search.focus()
    expect_visible_focus(search)
    page.keyboard.press("Tab")
    expect_visible_focus(page.get_by_role("button", name="Search", exact=True))
    # The filters open from their disclosure with the keyboard.
    page.keyboard.press("Tab")
    summary = page.locator("details.filter-disclosure > summary")
    expect_visible_focus(summary)
    expect(page.get_by_role("combobox", name="Sort by")).to_be_hidden()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect_visible_focus(sort_select(page))
    for name in ("Vegetarian", "Vegan"):
        page.keyboard.press("Tab")
        expect_visible_focus(diet(page, name))

    # Space ticks the focused box; without JavaScript the keyboard goes on to "Show results".
    with menu_update(page, js=js_enabled):
        page.keyboard.press("Space")
        if not js_enabled:
            for _ in range(10):
                page.keyboard.press("Tab")
                if page.evaluate("() => document.activeElement && document.activeElement.type") == "submit":
                    break
            expect_visible_focus(show_results(page))
            page.keyboard.press("Enter")
    expect(results_count(page)).to_have_text("5 items")
    expect(result_names(page)).to_have_text(VEGAN_FEATURED)
    expect(page).to_have_url(menu_url(base, diet="vegan"))
    expect(diet(page, "Vegan")).to_be_checked()
    if js_enabled:
        # The form was not replaced: the keyboard user is still on the box they ticked.
        expect(diet(page, "Vegan")).to_be_focused()
    check(page, nu_checker, "vegan menu reached by keyboard")

