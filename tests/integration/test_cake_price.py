"""The cake builder's price summary as a GET (`/cakes/price?<the price fields>`): the markup the
htmx POST answers, the same for everyone, kept in the page cache, never reading or writing the
session, and a clear answer (200 with the problems listed) to whatever address is sent."""
from __future__ import annotations

from decimal import Decimal
from unittest import mock
from urllib.parse import quote, urlencode

import pytest

from storefront.cakes import views
from storefront.cakes.models import CakeOption
from storefront.core import pagecache
from storefront.core.sessions import ResilientRedisSessionInterface
from storefront.extensions import db
from tests.support.cakes import CakeClient, cake_shop, frozen_clock
from tests.support.html import hidden_value, soup, text_of

PRICE_FIELDS = ("size", "sponge", "filling", "frosting", "decorations", "diet", "message")
# What htmx sends for the summary (its id is both the trigger and the target).
HTMX = {"HX-Request": "true", "HX-Trigger": "cake-summary", "HX-Target": "cake-summary"}


@pytest.fixture(autouse=True)
def clock():
    with frozen_clock():
        yield


@pytest.fixture
def ids(app_ctx):
    return cake_shop()


@pytest.fixture
def cakes(client):
    return CakeClient(client)


def price_url(pairs) -> str:
    """The address as htmx 2 builds it: the `hx-params` fields in that order, encodeURIComponent."""
    return "/cakes/price?" + urlencode(pairs, doseq=True, quote_via=quote, safe="!~*'()")


def choices(data: dict) -> list[tuple[str, object]]:
    return [(name, data[name]) for name in PRICE_FIELDS if name in data]


def total(response) -> str | None:
    node = soup(response).select_one(".cake-total")
    return None if node is None else node.get_text(strip=True)


def problems(response) -> list[str]:
    return [text_of(li) for li in soup(response).select(".summary-problems li")]


def htmx_query(page_html: str) -> str:
    """What the browser's htmx sends from the builder page as it stands: the form's values
    (`hx-include="closest form"`), only the names in `hx-params`, in that order."""
    page = soup(page_html)
    aside = page.select_one("aside#cake-summary")
    form = page.select_one("form#cake-form")
    values = []
    for element in form.select("input[name], select[name], textarea[name]"):
        kind = element.get("type")
        if kind in ("checkbox", "radio") and not element.has_attr("checked") or kind in ("file", "submit"):
            continue
        if element.name == "select":
            chosen = element.select_one("option[selected]") or element.select_one("option")
            values.append((element["name"], chosen["value"]))
        else:
            values.append((element["name"], element.get("value", "")))
    wanted = aside["data-hx-params"].split(",")
    return aside["data-hx-get"] + "?" + urlencode(
        [(name, value) for name in wanted for n, value in values if n == name], quote_via=quote, safe="!~*'()")


def test_the_builder_asks_for_its_price_with_a_get_of_the_price_fields_only(client, ids):
    page = client.get("/cakes").get_data(as_text=True)
    aside = soup(page).select_one("aside#cake-summary")
    assert aside["data-hx-get"] == "/cakes/price" and not aside.has_attr("data-hx-post")
    assert aside["data-hx-include"] == "closest form"
    assert aside["data-hx-params"].split(",") == list(PRICE_FIELDS)   # no token, notes, day or line
    assert aside["data-hx-target"] == "this" and aside["data-hx-swap"] == "outerHTML"
    assert aside["data-hx-sync"] == "this:queue last" and "from:#message" in aside["data-hx-trigger"]
    url = htmx_query(page)
    assert "csrf_token" not in url and "notes" not in url and "due_on" not in url
    answer = client.get(url, headers=HTMX)
    assert answer.status_code == 200 and total(answer) == "£28.00"   # what the page itself shows


@pytest.mark.parametrize("overrides, priced", [
    ({}, True),
    ({"sponge": "Red velvet", "decorations": ["Fresh berries", "Gold leaf"], "message": "Happy 40th"}, True),
    ({"size": "6-inch round", "diet": "Gluten-free", "message": "Ünïcødé & <b>50</b> “years”"}, True),
    ({"size": "10-inch round", "diet": "Gluten-free"}, False),
], ids=["defaults", "extras and a message", "escaped message", "refused combination"])
def test_the_get_answers_the_same_summary_as_the_htmx_post(client, cakes, ids, overrides, priced):
    named = {k: v if k == "message" else [ids[n] for n in v] if isinstance(v, list) else ids[v]
             for k, v in overrides.items()}
    data = cakes.form(ids, **named)
    posted = client.post("/cakes", data={k: v for k, v in data.items() if k != "action"}, headers=HTMX)
    got = client.get(price_url(choices(data)), headers=HTMX)
    assert posted.status_code == got.status_code == 200
    assert got.get_data(as_text=True) == posted.get_data(as_text=True)
    assert got.get_data(as_text=True).lstrip().startswith('<aside id="cake-summary"')
    if priced:
        assert total(got) == f"£{hidden_value(got.get_data(as_text=True), 'shown_total')}"
    else:
        assert total(got) is None and any("6- and 8-inch" in p for p in problems(got))


def test_extras_and_a_message_are_priced_item_by_item(client, ids):
    url = price_url([("size", ids["8-inch round"]), ("sponge", ids["Red velvet"]),
                     ("filling", ids["Vanilla buttercream"]), ("frosting", ids["Pale pink buttercream"]),
                     ("decorations", [ids["Fresh berries"], ids["Gold leaf"]]), ("diet", ""),
                     ("message", "Happy 40th")])
    answer = client.get(url, headers=HTMX)
    assert total(answer) == "£55.90" and hidden_value(answer.get_data(as_text=True), "shown_total") == "55.90"
    assert "Message: 10 of 60 characters" in answer.get_data(as_text=True)


def test_incomplete_choices_list_what_the_price_needs(client, ids):
    answer = client.get("/cakes/price", headers=HTMX)
    assert answer.status_code == 200 and total(answer) is None
    assert problems(answer) == ["Choose a size.", "Choose a sponge.", "Choose a filling.", "Choose a frosting."]
    assert hidden_value(answer.get_data(as_text=True), "shown_total") == ""
    only_size = client.get(price_url([("size", ids["8-inch round"])]), headers=HTMX)
    assert problems(only_size) == ["Choose a sponge.", "Choose a filling.", "Choose a frosting."]


def test_it_neither_needs_nor_touches_the_session(app, client, ids):
    url = price_url([("size", ids["8-inch round"]), ("sponge", ids["Vanilla"]),
                     ("filling", ids["Vanilla buttercream"]), ("frosting", ids["Pale pink buttercream"])])
    with mock.patch.object(ResilientRedisSessionInterface, "_upsert_session") as stored:
        first_visit = app.test_client().get(url, headers=HTMX)       # no cookie, no token
        client.get("/cakes")                                          # a visitor with a session
        stored.reset_mock()
        returning = client.get(url, headers=HTMX)
        again = client.get(url, headers=HTMX)
    assert first_visit.status_code == returning.status_code == again.status_code == 200
    assert total(first_visit) == total(returning) == "£38.00"
    assert all("Set-Cookie" not in r.headers for r in (first_visit, returning, again))
    assert stored.call_count == 0
    assert "csrf" not in first_visit.get_data(as_text=True).lower()


def test_a_signed_in_customer_gets_the_same_summary_rendered_for_them(app, client, ids, logged_in,
                                                                      count_queries):
    url = price_url([("size", ids["6-inch round"]), ("sponge", ids["Vanilla"]),
                     ("filling", ids["Vanilla buttercream"]), ("frosting", ids["Pale pink buttercream"]),
                     ("message", "Hi Sam")])
    guest = app.test_client().get(url, headers=HTMX)
    with count_queries(keep_pages=True) as counted:
        mine = client.get(url, headers=HTMX)
    assert counted.count > 0                       # who is signed in is read: not the kept answer
    assert mine.status_code == 200 and mine.data == guest.data and total(mine) == "£28.50"
    assert "Set-Cookie" not in mine.headers


def test_it_is_kept_in_the_page_cache_compressed_once_and_renewed_by_a_price_change(app, client, ids,
                                                                                   count_queries):
    url = price_url([("size", ids["8-inch round"]), ("sponge", ids["Red velvet"]),
                     ("filling", ids["Vanilla buttercream"]), ("frosting", ids["Pale pink buttercream"])])
    headers = {**HTMX, "Accept-Encoding": "gzip"}
    renders = mock.Mock(wraps=views.render_block)
    with mock.patch.object(views, "render_block", renders):
        with count_queries(keep_pages=True) as first:
            mine = client.get(url, headers=headers)
        with count_queries(keep_pages=True) as again:
            theirs = app.test_client().get(url, headers=headers)      # another visitor, no cookie
    assert first.count > 0 and again.count == 0, again.statements
    assert renders.call_count == 1                                  # the second was served from memory
    assert mine.headers["Content-Encoding"] == theirs.headers["Content-Encoding"] == "gzip"
    assert mine.data == theirs.data
    red_velvet = db.session.get(CakeOption, ids["Red velvet"])
    red_velvet.size_prices = []
    red_velvet.price = Decimal("6.00")
    db.session.commit()
    assert total(client.get(url, headers=HTMX)) == "£44.00"          # was £42.00: seen at once


@pytest.mark.parametrize("query, expected", [
    ("message=" + "x" * 4000, "at most 60 characters (it has 4000)"),
    ("size=99999&sponge=abc&filling=-1&frosting=1e5", "That size is not available"),
    ("size=" + "9" * 5000, "Choose a size"),     # past int()'s digit limit: read as no choice
    ("decorations={d}&decorations={d}", "Choose each decoration at most once"),
    ("decorations={d}&" * 3000, "Choose each decoration at most once"),
    ("size={s}&size=x&size=99999", "Choose a sponge"),           # the first of a repeated choice counts
    ("message=%FF%FE%ZZ&size=%", "Choose a size"),               # not UTF-8, broken escapes
    ("message[]=a&=b&&&size", "Choose a size"),
], ids=["4000-character message", "unknown and garbage ids", "huge number", "repeated decoration",
        "thousands of params", "repeated size", "bad bytes", "odd names"])
def test_any_address_gets_a_summary_with_its_problems(app, client, ids, query, expected):
    query = query.format(d=ids["Fresh berries"], s=ids["8-inch round"])
    answer = client.get("/cakes/price?" + query, headers=HTMX)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 200 and body.lstrip().startswith('<aside id="cake-summary"')
    listed = " ".join(problems(answer))
    assert expected.lower() in listed.lower(), listed
    # An address longer than any the page makes is answered but never kept.
    kept = [key for key in app.extensions.get("page_cache", {}) if key[0] == "cakes.price"]
    assert bool(kept) == (len("/cakes/price?" + query) <= pagecache.MAX_KEPT_ADDRESS)


@pytest.mark.parametrize("message", ["\x00", "evil\x07", "\u202etxt.exe"], ids=["NUL", "bell", "bidi override"])
def test_refused_characters_get_the_sites_400_as_a_toast_and_the_summary_stays(app, client, ids, message):
    # The input layer refuses them in any query string before a view runs (core.inputs); htmx
    # shows its answer as a toast, so the summary on the page is left as it was.
    answer = client.get(price_url([("size", ids["8-inch round"]), ("message", message)]), headers=HTMX)
    assert answer.status_code == 400 and answer.headers["HX-Retarget"] == "#toasts"
    assert "We couldn" in answer.get_data(as_text=True) and "cake-summary" not in answer.get_data(as_text=True)
    assert not app.extensions.get("page_cache")


def test_many_different_addresses_never_keep_more_than_the_cap(app, client, ids):
    with mock.patch.object(pagecache, "MAX_PAGES", 5):
        for n in range(12):
            assert client.get(f"/cakes/price?message=cake{n}", headers=HTMX).status_code == 200
        assert len(app.extensions["page_cache"]) == 5


def test_the_message_box_cannot_take_an_address_past_a_servers_limit(client, ids):
    """A paste of pages is cut by the box, so the GET's address stays under gunicorn's 4 KB
    request line even in three-byte characters; every message length staff allow still fits."""
    box = soup(client.get("/cakes")).select_one("input#message")
    longest = int(box["maxlength"])
    assert longest > 200
    url = price_url([("size", ids["10-inch round"]), ("sponge", ids["Red velvet"]),
                     ("filling", ids["Vanilla buttercream"]), ("frosting", ids["Pale pink buttercream"]),
                     ("decorations", [ids["Fresh berries"], ids["Gold leaf"], ids["Sprinkles"]]),
                     ("diet", ids["Gluten-free"]), ("message", "€" * longest)])
    assert len(f"GET {url} HTTP/1.1") < 4094
    assert "at most 60 characters" in " ".join(problems(client.get(url, headers=HTMX)))
