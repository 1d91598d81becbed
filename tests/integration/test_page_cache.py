"""Pages kept for signed-out visitors (core.pagecache): served without touching the database,
renewed at once by a committed change, and each visitor still gets their own token, cart badge
and messages. The statement budgets of rendered pages are in test_menu / test_reservations."""
from __future__ import annotations

import gzip
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest

from storefront.core import pagecache
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.menu.models import Product
from tests.support.builders import PASSWORD, make_category, make_product
from tests.support.html import csrf_from, soup
from tests.support.reservations import make_room


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def loaf(app_ctx):
    breads = make_category("Breads", slug="breads")
    return make_product("Sourdough loaf", category=breads, price="4.80", slug="sourdough").id


def add(client, product_id: int, quantity: int = 1):
    token = csrf_from(client.get("/menu").data)
    return client.post("/cart/add", data={"csrf_token": token, "product_id": product_id, "quantity": quantity})


def badge(response) -> str:
    return " ".join(soup(text(response)).select_one("#cart-badge").get_text().split())


def test_a_kept_page_sends_no_statement_and_each_visitor_gets_their_own_token(app, client, loaf, count_queries):
    with count_queries(keep_pages=True) as first:
        client.get("/menu")
    with count_queries(keep_pages=True) as again:
        mine = client.get("/menu")
    assert first.count > 0 and again.count == 0, again.statements
    other = app.test_client()
    theirs = other.get("/menu")
    assert csrf_from(mine.data) != csrf_from(theirs.data)
    # Each token is good for its own visitor (the add is accepted) and the page holds no hole.
    assert add(client, loaf).status_code == 303 and add(other, loaf).status_code == 303
    assert "<!--visitor:" not in text(mine) and "<!--visitor:" not in text(theirs)
    assert mine.headers["Cache-Control"] == "private, no-store"


def test_the_kept_page_itself_holds_no_visitor_part(app, client, loaf):
    client.get("/menu")
    kept = [entry[1] for entry in app.extensions["page_cache"].values()]
    assert kept and all(pagecache.CSRF_HOLE in body for body in kept)
    token = csrf_from(client.get("/menu").data)
    assert not any(token in body for body in kept)


def test_each_visitor_sees_their_own_cart_on_a_kept_page(app, client, loaf):
    add(client, loaf, 2)
    stranger = app.test_client()
    assert "2 items" in badge(client.get("/menu"))
    assert badge(stranger.get("/menu")) == "Cart"
    assert "2 items" in badge(client.get("/menu"))  # the part kept for "Cart" is not handed back
    bar = soup(text(client.get("/menu"))).select_one("#cart-bar").get_text()
    assert "2 items" in bar and "£9.60" in bar


def test_a_committed_change_shows_at_once(client, loaf):
    assert "£4.80" in text(client.get("/menu/sourdough"))
    db.session.get(Product, loaf).price = Decimal("5.25")
    db.session.commit()
    page = text(client.get("/menu/sourdough"))
    assert "£5.25" in page and "£4.80" not in page
    assert "£5.25" in text(client.get("/menu"))


def test_the_page_moves_on_with_the_clock(client, loaf, count_queries):
    now = utcnow()
    with mock.patch("storefront.store.current.utcnow", return_value=now):
        client.get("/")
    later = now + timedelta(seconds=61)
    with mock.patch("storefront.store.current.utcnow", return_value=later), count_queries(keep_pages=True) as moved:
        client.get("/")
    with mock.patch("storefront.store.current.utcnow", return_value=later), count_queries(keep_pages=True) as same:
        client.get("/")
    assert moved.count > 0 and same.count == 0, same.statements


def test_a_waiting_message_is_shown_to_its_visitor_only(app, client, loaf):
    client.get("/menu")
    add(client, loaf)  # without JavaScript: the "added" note waits for the next page
    page = text(client.get("/menu"))
    assert "Added" in soup(page).select_one(f"#added-{loaf}").get_text()
    assert soup(text(app.test_client().get("/menu"))).select_one(f"#added-{loaf}").get_text().strip() == ""


def test_signed_in_customers_get_their_own_page(app, client, auth, loaf, count_queries):
    from tests.support.builders import make_user

    client.get("/menu")
    make_user("reader@example.com")
    assert auth.login("reader@example.com", PASSWORD).status_code == 303
    with count_queries(keep_pages=True) as signed_in:
        page = text(client.get("/menu"))
    assert signed_in.count > 0 and "Sign out" in page and "Sign in" not in page


def test_a_fragment_and_the_whole_page_are_kept_apart(client, loaf):
    whole = text(client.get("/menu?q=sourdough"))
    fragment = text(client.get("/menu?q=sourdough", headers={"HX-Request": "true", "HX-Target": "results"}))
    again = text(client.get("/menu?q=sourdough"))
    assert "<html" in whole and "<html" not in fragment and "<html" in again


def test_a_fragment_the_same_for_everyone_is_compressed_once_and_served_alike(app, client, loaf):
    make_room()
    url = "/reservations?party=2&date=" + (utcnow() + timedelta(days=3)).date().isoformat()
    headers = {"HX-Request": "true", "HX-Target": "times", "Accept-Encoding": "gzip"}
    first, again = client.get(url, headers=headers), app.test_client().get(url, headers=headers)
    assert first.headers["Content-Encoding"] == again.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in again.headers["Vary"] and first.data == again.data
    body = gzip.decompress(again.data).decode()
    assert body.lstrip().startswith('<section id="availability"') and "<!--visitor:" not in body
    plain = client.get(url, headers={**headers, "Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.get_data(as_text=True) == body


def test_switched_off_every_page_is_rendered(app, client, loaf, count_queries):
    app.config["PAGE_CACHE_SECONDS"] = 0
    try:
        client.get("/menu")
        with count_queries(keep_pages=True) as again:
            client.get("/menu")
        assert again.count > 0
    finally:
        app.config["PAGE_CACHE_SECONDS"] = 60
