"""The cart over HTTP, on the suite's Redis (a real server when TEST_REDIS_URL is set)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from storefront.extensions import db
from storefront.menu.models import Product
from tests.support.builders import PASSWORD, make_product, make_user
from tests.support.cart import cart_lines
from tests.support.html import csrf_from, soup, texts

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


class Shopper:
    """A browser's worth of cart actions through the test client."""

    def __init__(self, client):
        self.client = client
        self._token = None

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = csrf_from(self.client.get("/").data)
        return self._token

    def add(self, product_id, quantity=1, **kwargs):
        return self.client.post("/cart/add", data={"csrf_token": self.token, "product_id": product_id,
                                                   "quantity": quantity, **kwargs.pop("data", {})}, **kwargs)

    def update(self, product_id, quantity, **kwargs):
        return self.client.post(f"/cart/lines/{product_id}", data={"csrf_token": self.token, "quantity": quantity},
                                **kwargs)

    def remove(self, product_id, **kwargs):
        return self.client.post(f"/cart/lines/{product_id}/remove", data={"csrf_token": self.token}, **kwargs)

    def lines(self) -> dict[str, int]:
        return cart_lines(self.client.get("/cart"))

    def badge(self) -> str:
        return " ".join(texts(self.client.get("/menu"), "a#cart-badge"))


@pytest.fixture
def shopper(client):
    return Shopper(client)


@pytest.fixture
def products(app_ctx):
    return {
        "bun": make_product("Cinnamon bun", price="3.20").id,
        "loaf": make_product("Sourdough loaf", price="4.80").id,
        "tart": make_product("Lemon tart", price="3.90", track_stock=True, stock_quantity=3).id,
        "gone": make_product("Seasonal pie", price="4.00", track_stock=True, stock_quantity=0).id,
    }


def test_add_change_remove_and_empty(shopper, products):
    assert shopper.add(products["bun"], 2, data={"next": "/menu"}).headers["Location"] == f"/menu#product-{products['bun']}"
    shopper.add(products["loaf"])
    shopper.add(products["bun"], 1)
    assert shopper.lines() == {"Cinnamon bun": 3, "Sourdough loaf": 1}
    page = text(shopper.client.get("/cart"))
    assert "£9.60" in page and "£14.40" in page  # line total, subtotal
    assert shopper.badge() == "Cart 4 items"
    assert shopper.update(products["bun"], 5).headers["Location"] == "/cart"
    assert shopper.lines()["Cinnamon bun"] == 5
    shopper.update(products["bun"], 0)
    assert shopper.lines() == {"Sourdough loaf": 1}
    shopper.remove(products["loaf"])
    assert shopper.lines() == {}
    assert "Your cart is empty" in text(shopper.client.get("/cart"))


def test_removal_offers_undo_with_and_without_javascript(shopper, products):
    shopper.add(products["bun"], 4)
    plain = shopper.remove(products["bun"])
    assert plain.status_code == 303
    page = text(shopper.client.get("/cart"))
    assert "Removed Cinnamon bun from your cart." in page and ">Undo</button>" in page
    shopper.add(products["bun"], 4)  # what Undo posts
    assert shopper.lines() == {"Cinnamon bun": 4}
    enhanced = shopper.remove(products["bun"], headers=HTMX)
    assert enhanced.status_code == 200 and "Undo" in texts(enhanced, "button")
    assert soup(enhanced).select_one('form input[name="quantity"][value="4"]')  # what Undo will post


def test_htmx_add_updates_toast_and_badge_out_of_band(shopper, products):
    response = shopper.add(products["bun"], 2, headers=HTMX)
    body = text(response)
    assert response.status_code == 200 and "<html" not in body
    assert response.headers["HX-Trigger"] == "cart-updated" and response.headers["HX-Reswap"] == "none"
    assert 'data-hx-swap-oob="innerHTML:#toasts"' in body and "Added 2 × Cinnamon bun to your cart." in body
    assert texts(body, 'a#cart-badge[data-hx-swap-oob="true"] .cart-count') == ["2 items"]


def test_htmx_add_from_a_product_form_answers_beside_its_button(shopper, products):
    bun = products["bun"]
    response = shopper.add(bun, 2, headers={**HTMX, "HX-Target": f"added-{bun}"})
    body = text(response)
    assert response.status_code == 200 and "<html" not in body and "HX-Reswap" not in response.headers
    # The main answer is the note for the pressed button's live region; no toast competes with it.
    assert body.lstrip().startswith('<span class="added-note__ok">Added 2 × Cinnamon bun to your cart. (2 in your cart)</span>')
    assert "#toasts" not in body
    assert re.search(r'<a id="cart-badge"[^>]*data-hx-swap-oob="true"', body)
    assert re.search(r'<aside id="cart-bar"[^>]*data-hx-swap-oob="true"', body)
    assert re.sub(r"<[^>]+>|\s+", " ", body.split('id="cart-bar"')[1]).split("View cart", 1)[1].split()[:5] == \
        ["·", "2", "items", "·", "£6.40"]
    refused = shopper.add(products["gone"], 1, headers={**HTMX, "HX-Target": f"added-{products['gone']}"})
    assert refused.status_code == 422 and '<span class="added-note__error">Sorry, Seasonal pie is sold out.</span>' in text(refused)


def test_add_without_javascript_comes_back_to_the_card_with_the_answer_there(shopper, products):
    bun = products["bun"]
    response = shopper.add(bun, 1, data={"next": "/menu?category=x"})
    assert response.status_code == 303 and response.headers["Location"] == f"/menu?category=x#product-{bun}"
    page = text(shopper.client.get("/menu"))
    note = re.search(rf'<p id="added-{bun}" class="added-note" role="status">(.*?)</p>', page, re.S).group(1)
    assert "Added 1 × Cinnamon bun to your cart. (1 in your cart)" in note
    assert "Added 1 ×" not in page.split('<main', 1)[0]  # not as a toast at the top as well
    # Shown once: the next page load has an empty note.
    again = text(shopper.client.get("/menu"))
    assert re.search(rf'<p id="added-{bun}" class="added-note" role="status"></p>', again)


def test_cart_bar_sums_the_prices_last_shown(shopper, products):
    assert 'href="/cart">View cart' not in text(shopper.client.get("/menu"))
    shopper.add(products["bun"], 2)
    shopper.add(products["loaf"], 1)
    bar = re.search(r'<aside id="cart-bar"[^>]*>(.*?)</aside>', text(shopper.client.get("/menu")), re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", bar).split() == ["View", "cart", "·", "3", "items", "·", "£11.20"]
    # Not on the cart page itself, which has the full story.
    cart_bar = re.search(r'<aside id="cart-bar"[^>]*>(.*?)</aside>', text(shopper.client.get("/cart")), re.S).group(1)
    assert "View cart" not in cart_bar


def test_htmx_line_update_answers_the_cart_region(shopper, products):
    shopper.add(products["bun"])
    response = shopper.update(products["bun"], 3, headers=HTMX)
    assert response.status_code == 200 and text(response).lstrip().startswith('<div id="cart"')
    assert "£9.60" in text(response)


def test_quantity_is_capped_by_stock_with_a_message(shopper, products):
    response = shopper.add(products["tart"], 5, headers=HTMX)
    assert "Your cart now has 3 × Lemon tart: we only have 3 left." in text(response)
    assert shopper.lines() == {"Lemon tart": 3}
    refused = shopper.update(products["tart"], 4, headers=HTMX)
    assert refused.status_code == 422 and "Only 3 of Lemon tart left — your cart now says 3." in text(refused)


def test_quantity_is_capped_at_99(shopper, products):
    shopper.add(products["bun"], 98)
    response = shopper.add(products["bun"], 5, headers=HTMX)
    assert "Your cart now has 99 × Cinnamon bun: the most one order can have is 99." in text(response)


def test_sold_out_products_cannot_be_added(shopper, products):
    response = shopper.add(products["gone"], 1, headers=HTMX)
    assert response.status_code == 422 and "Sorry, Seasonal pie is sold out." in text(response)
    assert shopper.lines() == {}


def test_at_most_fifty_different_lines(shopper, app_ctx):
    ids = [make_product(f"Biscuit {i:02d}").id for i in range(51)]
    for product_id in ids[:50]:
        shopper.add(product_id)
    response = shopper.add(ids[50], headers=HTMX)
    assert response.status_code == 422 and "Your cart can hold 50 different items." in text(response)
    assert len(shopper.lines()) == 50


@pytest.mark.parametrize("quantity", ["0", "-1", "100", "1e3", "two", "", "99999999999999999999"])
def test_bad_quantities_get_a_clear_message_and_change_nothing(shopper, products, quantity):
    shopper.add(products["bun"], 2)
    response = shopper.add(products["bun"], quantity, headers=HTMX)
    assert response.status_code == 422 and "Enter a whole number from 1 to 99" in text(response)
    assert shopper.lines() == {"Cinnamon bun": 2}


@pytest.mark.parametrize("quantity", ["-1", "100", "abc"])
def test_bad_line_updates_get_a_clear_message(shopper, products, quantity):
    shopper.add(products["bun"], 2)
    response = shopper.update(products["bun"], quantity, headers=HTMX)
    assert response.status_code == 422 and "Enter a whole number from 0 to 99 for Cinnamon bun." in text(response)
    assert shopper.lines() == {"Cinnamon bun": 2}


@pytest.mark.parametrize("product_id", ["999999", "abc", "-5", ""])
def test_unknown_products_are_404(shopper, products, product_id):
    assert shopper.add(product_id).status_code == 404


def test_unavailable_products_are_404(shopper, app_ctx):
    hidden = make_product("Hidden", is_available=False).id
    assert shopper.add(hidden).status_code == 404


def test_changing_a_line_that_is_not_in_the_cart_is_404(shopper, products):
    shopper.add(products["bun"])
    assert shopper.update(products["loaf"], 2).status_code == 404
    assert shopper.remove(products["loaf"]).status_code == 404


def test_cart_actions_need_csrf(client, products):
    response = client.post("/cart/add", data={"product_id": products["bun"], "quantity": 1})
    assert response.status_code == 400
    assert "Cart" in text(client.get("/menu")) and "cart-count" not in text(client.get("/menu"))


def test_the_cart_tells_what_changed_since_items_were_added(shopper, products, app_ctx):
    from storefront.menu.models import Product

    shopper.add(products["bun"], 2)
    shopper.add(products["loaf"], 1)
    shopper.add(products["tart"], 3)
    db.session.get(Product, products["bun"]).price = Decimal("3.50")
    db.session.get(Product, products["loaf"]).is_available = False
    db.session.get(Product, products["tart"]).stock_quantity = 1
    db.session.commit()
    page = text(shopper.client.get("/cart"))
    assert "The price of Cinnamon bun changed from £3.20 to £3.50." in page
    assert "Sourdough loaf is no longer available, so we took it out of your cart." in page
    assert "Only 1 of Lemon tart left — your cart now says 1." in page
    assert shopper.lines() == {"Cinnamon bun": 2, "Lemon tart": 1}
    assert "changed from" not in text(shopper.client.get("/cart"))  # told once


def test_a_forged_guest_token_gets_an_empty_cart_not_an_error(shopper, products):
    with shopper.client.session_transaction() as session:
        session["cart_token"] = "../../etc/passwd"
    assert shopper.client.get("/cart").status_code == 200
    assert shopper.lines() == {}
    shopper.add(products["bun"])
    with shopper.client.session_transaction() as session:
        assert re.fullmatch(r"[A-Za-z0-9_-]{32}", session["cart_token"])


def test_guest_cart_merges_at_sign_in_and_stays_after_sign_out(client, shopper, auth, products, app_ctx, app):
    make_user("pat@example.com")
    auth.login("pat@example.com", PASSWORD)
    shopper._token = None
    shopper.add(products["tart"], 2)
    shopper.add(products["bun"], 1)
    auth.logout()
    shopper._token = None
    shopper.add(products["tart"], 2)   # as a guest
    shopper.add(products["loaf"], 1)
    guest_token = None
    with client.session_transaction() as session:
        guest_token = session["cart_token"]
    response = auth.login("pat@example.com", PASSWORD)
    assert response.status_code == 303
    page = text(client.get("/account/"))
    assert "Only 3 of Lemon tart left — your cart now says 3." in page
    shopper._token = None
    assert shopper.lines() == {"Lemon tart": 3, "Cinnamon bun": 1, "Sourdough loaf": 1}  # 2 + 2 capped at stock 3
    assert app.extensions["redis"].exists(f"cart:g:{guest_token}") == 0
    auth.logout()
    shopper._token = None
    assert shopper.lines() == {}  # a guest again, with a new empty cart
    auth.login("pat@example.com", PASSWORD)
    shopper._token = None
    assert shopper.lines() == {"Lemon tart": 3, "Cinnamon bun": 1, "Sourdough loaf": 1}


def test_every_cart_write_refreshes_a_24_hour_expiry(shopper, products, app):
    shopper.add(products["bun"])
    redis = app.extensions["redis"]
    (key,) = [k for k in redis.keys("cart:*")]
    redis.expire(key, 60)
    shopper.add(products["bun"])
    assert 24 * 3600 - 5 <= redis.ttl(key) <= 24 * 3600


def test_the_cart_page_reads_its_products_in_one_query_then_keeps_them(shopper, count_queries, app_ctx):
    ids = [make_product(f"Scone {i}").id for i in range(12)]
    shopper.add(ids[0])
    with count_queries() as one:
        shopper.client.get("/cart")
    for product_id in ids[1:]:
        shopper.add(product_id)
    with count_queries() as many:
        shopper.client.get("/cart")
    with count_queries() as again:
        shopper.client.get("/cart")
    product_queries = [s for s in many.statements if "FROM products" in s]
    assert len(product_queries) == 1  # the eleven not yet kept, together
    assert one.count <= 2 and many.count <= 2, many.statements  # the budget (issue 16)
    assert again.count == 0, again.statements  # kept until a product changes


def test_the_cart_page_sees_a_price_change_at_once(shopper, app_ctx):
    scone = make_product("Scone", price="2.00")
    shopper.add(scone.id)
    assert "£2.00" in shopper.client.get("/cart").get_data(as_text=True)
    scone.price = Decimal("2.40")
    db.session.commit()
    page = shopper.client.get("/cart").get_data(as_text=True)
    assert "£2.40" in page and "changed from £2.00 to £2.40" in page


# --- Redis trouble ----------------------------------------------------------------------------

@pytest.fixture
def redis_down(make_app):
    broken = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    return broken.test_client()


def test_without_redis_pages_render_and_cart_actions_say_so(redis_down, products, app_ctx):
    from sqlalchemy import func, select

    from storefront.menu.models import Product

    before = db.session.scalar(select(func.count(Product.id)))
    menu = redis_down.get("/menu")
    assert menu.status_code == 200 and ">Cart</a>" in text(menu)  # the badge degrades to a plain link
    product = redis_down.get("/menu")
    assert product.status_code == 200
    token = csrf_from(text(menu))
    page = redis_down.post("/cart/add", data={"csrf_token": token, "product_id": products["bun"], "quantity": 1})
    # Sessions live in Redis too, so the form's token can't be checked: still a 503 that says so.
    assert page.status_code == 503 and "Temporarily unavailable" in text(page)
    fragment = redis_down.post("/cart/add", data={"csrf_token": token, "product_id": products["bun"],
                                                  "quantity": 1}, headers=HTMX)
    assert fragment.status_code == 503 and "<html" not in text(fragment)
    assert fragment.headers["HX-Retarget"] == "#toasts"
    assert redis_down.get("/cart").status_code == 503 or "temporarily unavailable" in text(redis_down.get("/cart"))
    assert redis_down.get("/healthz").json["redis"] == "error"
    assert db.session.scalar(select(func.count(Product.id))) == before


def test_emptying_the_cart_asks_first_and_a_bare_post_changes_nothing(shopper, products):
    shopper.add(products["bun"], 2)
    page = soup(shopper.client.get("/cart"))
    opener = page.select_one("details#empty-cart")
    assert opener.summary.get_text(strip=True) == "Empty cart…"
    assert opener.select_one("input[name=confirm]")["value"] == "yes"
    asked = shopper.client.post("/cart/clear", data={"csrf_token": shopper.token})
    assert asked.status_code == 200
    question = soup(asked)
    assert question.h1.get_text(strip=True) == "Empty your cart?"
    assert question.select_one("form[action='/cart/clear'] button").get_text(strip=True) == "Yes, empty my cart"
    assert shopper.lines() == {"Cinnamon bun": 2}
    done = shopper.client.post("/cart/clear", data={"csrf_token": shopper.token, "confirm": "yes"})
    assert done.status_code == 303 and shopper.lines() == {}


def test_an_htmx_add_sends_no_statement_and_still_sees_stock_and_availability_changes(
        shopper, products, count_queries, app_ctx):
    # What an add needs of a product is kept under the version of `products` (core.cache): a
    # warm add reads nothing from the database, and a committed change is seen at once.
    headers = {**HTMX, "HX-Target": "product-1"}
    assert shopper.add(products["tart"], headers=headers).status_code == 200
    with count_queries() as counter:
        answer = shopper.add(products["bun"], headers=headers)
    assert answer.status_code == 200 and counter.count == 0, counter.statements
    badge = soup(answer.get_data(as_text=True)).select_one("a#cart-badge[data-hx-swap-oob]")
    assert badge.get_text(" ", strip=True) == "Cart 2 items"   # the cart just after, no second read
    tart = db.session.get(Product, products["tart"])
    tart.stock_quantity = 0
    db.session.get(Product, products["bun"]).is_available = False
    db.session.commit()
    refused = shopper.add(products["tart"], headers=headers)
    assert refused.status_code == 422 and "Sorry, Lemon tart is sold out." in text(refused)
    assert shopper.add(products["bun"], headers=headers).status_code == 404
    assert shopper.add(products["loaf"], headers=headers).status_code == 200


def test_a_cart_hash_holding_non_ascii_digits_is_read_without_an_error(shopper, products, app):
    shopper.add(products["bun"])
    redis = app.extensions["redis"]
    (key,) = [k for k in redis.keys("cart:*")]
    redis.hset(key, mapping={"p:²": "1", f"p:{products['loaf']}": "①"})  # isdigit() says yes, int() says no
    response = shopper.client.get("/cart")
    assert response.status_code == 200
    assert shopper.lines() == {"Cinnamon bun": 1}
