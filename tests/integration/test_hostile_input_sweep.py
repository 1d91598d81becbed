"""The hostile-input sweep and the header check, both driven by the app's URL map, so a new
route is covered the day it is added (or the sweep fails, saying it can't build it).

The sweep visits every GET page signed out and signed in, reads the forms and links each page
offers, then sends every hostile value (tests/support/sweep.py) once into every form field,
every query parameter and every path argument, with a valid CSRF token. Values are dealt to the
two visitors in turn where both see the same form, which keeps the run short while both states
get every kind of value. It asserts no answer is a 5xx and that a refusal (4xx) wrote nothing:
the row count of every table is the same before and after it."""
from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import time, timedelta
from decimal import Decimal
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from bs4 import BeautifulSoup

from storefront.accounts import service as accounts
from storefront.checkout.models import DeliveryZone, OrderingRules
from storefront.extensions import db, limiter
from storefront.reservations.models import WaitlistEntry
from tests.support.builders import PASSWORD, make_category, make_hours, make_product, make_store, make_user
from tests.support.checkout import FIXED_NOW, make_promo
from tests.support.html import csrf_from
from tests.support.reservations import future_day, local, make_reservation, make_rules, make_table
from tests.support.reviews import write
from tests.support.sweep import (
    HOSTILE_PATH_VALUES,
    HOSTILE_VALUES,
    Builder,
    PageForm,
    Route,
    RowCounter,
    forms_in,
    hostile_form_value,
    links_in,
    radio_choices,
    routes,
    value_label,
)

CUSTOMER = "sweeper@example.com"

# Routes the sweep does not send hostile values to, each with the reason. Empty today: every
# route can be built from the valid arguments below. Add a route here only with a comment.
EXCLUDED: dict[str, str] = {}

# Answers that must stay cacheable: they never read the session and show nothing personal.
# (Every other answer reads the session, if only for the sign-in cookie, so it is `no-store`.)
PUBLIC: dict[str, str] = {
    "static": "stylesheets and images, the same for everyone",
}

_emails = itertools.count(1)

# Valid values for fields a page leaves empty, so the one hostile field is what gets judged.
VALID_FIELDS = {
    "name": lambda: "Robin Rye",
    "email": lambda: f"sweep{next(_emails)}@example.com",
    "phone": lambda: "0117 496 0000",
    "password": lambda: PASSWORD,
    "confirm": lambda: PASSWORD,
    "current_password": lambda: PASSWORD,
    "address_line": lambda: "1 Queen Square",
    "city": lambda: "Bristol",
    "postcode": lambda: "BS1 4QA",
    "date": lambda: future_day(4).isoformat(),
    "time": lambda: "19:00",
    "party": lambda: "2",
    "window_start": lambda: "18:00",
    "window_end": lambda: "21:00",
    "quantity": lambda: "1",
}


@pytest.fixture(autouse=True)
def frozen_checkout_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def world(app, app_ctx, monkeypatch):
    """A small shop with one of everything a route can point at."""
    # The sweep sends hundreds of posts from one address; the limits have their own tests.
    monkeypatch.setattr(limiter, "enabled", False)
    make_store(phone="0117 496 0123")
    for weekday in range(7):
        make_hours(weekday, "08:00", "22:00")
    db.session.add(OrderingRules(preparation_minutes=20, slot_minutes=15, orders_per_slot=50, last_order_minutes=15,
                                 days_ahead=7, cancel_minutes=60, tax_rate=Decimal("20.00")))
    db.session.add(DeliveryZone(name="Centre", postcode_prefixes="BS1 BS2", fee=Decimal("2.50"),
                                minimum_order=Decimal("12.00")))
    db.session.commit()
    promo = make_promo("WELCOME10")
    make_rules()
    tables = [make_table("T1", 1, 2), make_table("T3", 2, 4), make_table("T5", 4, 8)]
    pastries = make_category("Pastries", slug="pastries")
    croissant = make_product("Croissant", price="20.00", category=pastries, track_stock=True, stock_quantity=500)
    make_product("Sourdough loaf", price="5.00", category=pastries)
    user = make_user(CUSTOMER)
    reservation, manage_token = make_reservation(local(future_day(5), "19:00"), 2, [tables[1]], user_id=user.id,
                                                 email=CUSTOMER)
    reset_tokens = []
    accounts.request_password_reset(db.session, CUSTOMER, link_for=lambda token: reset_tokens.append(token) or "x",
                                    max_age=timedelta(hours=1), store_name="Test Bakery")
    db.session.commit()

    client = app.test_client()
    sign_in(client)
    fill_cart(client, croissant.id)
    page = client.get("/checkout").get_data(as_text=True)
    form = next(f for f in forms_in(page, "/checkout") if f.method == "POST" and "key" in f.fields)
    data = {**valid_data(form, page), "action": "place"}
    placed = client.post("/checkout", data=data)
    assert placed.status_code == 303, placed.get_data(as_text=True)
    order_url = urlsplit(placed.headers["Location"])
    order_number, order_key = order_url.path.rsplit("/", 1)[1], order_url.query.removeprefix("key=")

    # A review of the customer's own (edit, delete) is the one the sweep's review routes use;
    # the reviews' own tests cover another's (helpful, report).
    review = write(user, croissant, 4)
    waiting = WaitlistEntry(local_date=future_day(6), party_size=2, window_start=time(18, 0), window_end=time(20, 0),
                            name="Wendy Wait", email="wendy@example.com")
    db.session.add(waiting)
    db.session.commit()

    starts = (local(future_day(days), f"{hour}:00").isoformat()
              for days in range(2, 50) for hour in (12, 14, 16, 18, 20))
    return {
        "product_id": croissant.id,
        "builder": Builder(app, {
            "slug": croissant.slug, "product_id": croissant.id, "number": order_number,
            ("accounts", "token"): reset_tokens[0], ("reservations", "token"): manage_token,
            "reference": reservation.reference, "filename": "css/site.css",
            "review_id": review.id, "entry_id": waiting.id, "user_id": user.id,
            # The back office's upkeep screens (staff only: the sweep's customer gets 403 there).
            "category_id": pastries.id, "promo_id": promo.id, "option_id": 1, "rule_id": 1,
            # A cake line and a photo name of the right shape (none exists: the routes answer 404).
            ("cakes", "field"): "c:" + "0" * 64, ("cakes", "name"): "0" * 32, ("dev", "name"): "order_confirmation",
        }),
        # Pages that show their form only when the address says what it is for.
        "page_query": {
            "orders.detail": {"key": order_key}, "orders.status": {"key": order_key},
            # A new time on each visit: a sweep value that books a table takes its time.
            "reservations.book": lambda: {"start": next(starts), "party": "2"},
        },
    }


def valid_data(form: PageForm, html: str) -> dict:
    """The form as the page fills it, with valid values in the fields it leaves empty."""
    data = {}
    for name, values in form.fields.items():
        if form.kinds.get(name) == "radio" and not values:
            values = radio_choices(html, name)[:1]
        if (not values or values == [""]) and name in VALID_FIELDS:
            values = [VALID_FIELDS[name]()]
        data[name] = list(values)
    return data


def sign_in(client) -> None:
    token = csrf_from(client.get("/account/login").data)
    response = client.post("/account/login", data={"csrf_token": token, "email": CUSTOMER, "password": PASSWORD})
    assert response.status_code == 303


def fill_cart(client, product_id: int) -> None:
    token = csrf_from(client.get("/").data)
    response = client.post("/cart/add", data={"csrf_token": token, "product_id": product_id, "quantity": 2})
    assert response.status_code == 303


def page_url(world, route: Route) -> str:
    url = world["builder"].url(route)
    query = world["page_query"].get(route.endpoint)
    query = query() if callable(query) else query
    return url + ("?" + urlencode(query) if query else "")


def get_routes(app) -> Iterator[Route]:
    """The pages: every route that answers GET, less the exclusions."""
    for route in routes(app):
        if route.endpoint not in EXCLUDED and "GET" in route.methods:
            yield route


class Visitor:
    """One browser, signed in or not, with something in its cart. `arm` starts it afresh."""

    def __init__(self, app, world, signed_in: bool):
        self.app, self.world, self.signed_in = app, world, signed_in
        self.arm()

    def arm(self) -> None:
        self.generation = getattr(self, "generation", 0) + 1
        self.client = self.app.test_client()
        if self.signed_in:
            sign_in(self.client)
        fill_cart(self.client, self.world["product_id"])
        self.token = csrf_from(self.client.get("/").data)

    def __repr__(self) -> str:
        return "signed in" if self.signed_in else "signed out"


class Sweep:
    def __init__(self, app, world):
        self.app, self.world = app, world
        self.builder: Builder = world["builder"]
        self.visitors = [Visitor(app, world, False), Visitor(app, world, True)]
        self.problems: list[str] = []
        self.sent = self.turn = 0
        self.row_counts = RowCounter()
        self.counts: tuple[int, ...] | None = None

    def arm(self, visitor: Visitor) -> None:
        visitor.arm()
        self.counts = None

    # -- sending ----------------------------------------------------------------------------

    def send(self, visitor: Visitor, method: str, url: str, *, data=None, json=None, query=None, what: str):
        # The count after one request is the count before the next, unless a visitor was armed
        # (signing in may write) since.
        before = self.counts if self.counts is not None else self.row_counts()
        headers = {"X-CSRFToken": visitor.token} if json is not None else {}
        self.turn += 1
        if self.turn % 2:  # every other request as htmx sends it: the fragment answers
            headers["HX-Request"] = "true"
            what += ", htmx"
        response = visitor.client.open(url, method=method, data=data, json=json, query_string=query,
                                       headers=headers)
        after = self.counts = self.row_counts()
        self.sent += 1
        status = response.status_code
        if status >= 500:
            self.problems.append(f"{status} from {method} {url} ({what}, {visitor})")
        elif status >= 400 and before != after:
            self.problems.append(f"{status} refusal wrote rows: {method} {url} ({what}, {visitor})")
        if before != after:
            self.arm(visitor)  # it placed, booked or registered: start again from the same state
        return response

    def page_url(self, route: Route) -> str:
        return page_url(self.world, route)

    # -- what the pages offer ---------------------------------------------------------------

    def crawl(self):
        """Forms by (method, action, fields), with the pages and visitors that show them; and the
        query parameters the site's own links carry, by path."""
        forms: dict[tuple, dict[Visitor, Route]] = {}
        links: dict[tuple[str, str], list[tuple[str, str]]] = {}
        for visitor in self.visitors:
            for route in get_routes(self.app):
                url = self.page_url(route)
                response = visitor.client.get(url)
                assert response.status_code < 500, f"{response.status_code} from GET {url} ({visitor})"
                if "html" not in response.content_type:
                    continue
                html = response.get_data(as_text=True)
                for form in forms_in(html, url):
                    forms.setdefault(form.key, {}).setdefault(visitor, route)
                for path, params in links_in(html):
                    for name, _ in params:
                        links.setdefault((path, name), params)
        return forms, links

    def find_form(self, visitor: Visitor, route: Route, key: tuple) -> tuple[PageForm, str]:
        url = self.page_url(route)
        html = visitor.client.get(url).get_data(as_text=True)
        for form in forms_in(html, url):
            if form.key == key:
                return form, html
        raise AssertionError(f"the form {key} is no longer on {url} ({visitor}): "
                             + BeautifulSoup(html, "html.parser").get_text(" ", strip=True)[:600])

    # -- the three kinds of input -----------------------------------------------------------

    def sweep_forms(self, forms) -> set[tuple[str, str]]:
        covered = set()
        for key, pages in forms.items():
            method, path, names = key
            for visitor in pages:
                self.arm(visitor)
            seen: dict[Visitor, tuple[int, PageForm, dict]] = {}
            dealt = itertools.cycle(pages.items())
            for name in (name for name in names if name != "csrf_token"):
                if method == "GET":
                    covered.add((path, name))
                for n, value in enumerate(HOSTILE_VALUES):
                    visitor, route = next(dealt)
                    if visitor not in seen or seen[visitor][0] != visitor.generation:
                        form, html = self.find_form(visitor, route, key)
                        seen[visitor] = (visitor.generation, form, valid_data(form, html))
                    _, form, valid = seen[visitor]
                    data = {field: list(values) for field, values in valid.items()}
                    if form.buttons:
                        button, pressed = form.buttons[n % len(form.buttons)]
                        data[button] = pressed
                    what = f"{name}={value_label(value)}"
                    if method == "POST" and value == "JSON":
                        data = {field: values[0] if len(values) == 1 else values for field, values in data.items()}
                        data[name] = {"nested": [1, None]}
                        self.send(visitor, "POST", form.action, json=data, what=what)
                    elif method == "POST":
                        data[name] = hostile_form_value(value)
                        self.send(visitor, "POST", form.action, data=data, what=what)
                    else:
                        data[name] = value
                        self.send(visitor, "GET", urlsplit(form.action).path, query=data, what=what)
        return covered

    def sweep_links(self, links, covered) -> None:
        for (path, name), params in links.items():
            if (path, name) in covered:
                continue
            covered.add((path, name))
            for n, value in enumerate(HOSTILE_VALUES):
                if value in ("FILE", "JSON"):
                    continue
                visitor = self.visitors[n % 2]
                query = [(k, v) for k, v in params if k != name]
                query += [(name, v) for v in (value if isinstance(value, list) else [value])]
                self.send(visitor, "GET", path, query=query, what=f"link parameter {name}={value_label(value)}")

    def sweep_paths(self) -> None:
        for route in routes(self.app):
            if route.endpoint in EXCLUDED:
                continue
            for argument in sorted(route.rule.arguments):
                for n, value in enumerate(HOSTILE_PATH_VALUES):
                    visitor = self.visitors[n % 2]
                    url = self.builder.hostile_url(route, argument, value)
                    for method in route.methods:
                        data = {"csrf_token": visitor.token} if method == "POST" else None
                        self.send(visitor, method, url, data=data, what=f"<{argument}>={value_label(value)}")


def test_every_route_survives_hostile_input(app, world):
    sweep = Sweep(app, world)
    forms, links = sweep.crawl()
    # The crawl must have found the forms that matter, or the sweep proves little.
    paths = {path for _, path, _ in forms}
    for expected in ("/checkout", "/account/register", "/account/", "/reservations/book", "/reservations/request",
                     "/reservations/waitlist", "/menu", "/cart/add", f"/cart/lines/{world['product_id']}"):
        assert expected in paths, f"the crawl found no form posting to {expected}"
    try:
        covered = sweep.sweep_forms(forms)
        sweep.sweep_links(links, covered)
        sweep.sweep_paths()
    finally:
        sweep.row_counts.close()
    assert sweep.sent > 1000
    assert not sweep.problems, f"{len(sweep.problems)} of {sweep.sent} requests went wrong:\n" + "\n".join(
        sweep.problems[:60])


def test_every_route_can_be_built_by_the_sweep(app, world):
    """A new route whose arguments the sweep can't fill fails here, rather than going unswept."""
    builder: Builder = world["builder"]
    for route in routes(app):
        if route.endpoint in EXCLUDED:
            continue
        assert builder.url(route).startswith("/")


# Pages with a policy of their own, each stricter about scripts than the site's: an email preview
# (development only) is shown in a frame of /dev/emails and keeps the email's inline styles.
OWN_CSP = {"dev.email_html": "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"}


@pytest.mark.parametrize("signed_in", [False, True], ids=["signed out", "signed in"])
def test_every_page_sends_the_security_headers_and_private_ones_no_store(app, world, signed_in):
    visitor = Visitor(app, world, signed_in)
    checked = 0
    for route in get_routes(app):
        url = page_url(world, route)
        response = visitor.client.get(url)
        headers = response.headers
        where = f"GET {url} ({visitor})"
        assert response.status_code < 500, where
        if route.endpoint in OWN_CSP:
            assert headers["Content-Security-Policy"] == OWN_CSP[route.endpoint], where
        else:
            assert "frame-ancestors 'none'" in headers.get("Content-Security-Policy", ""), where
            assert "script-src 'self'" in headers["Content-Security-Policy"], where
        assert headers.get("X-Content-Type-Options") == "nosniff", where
        assert headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", where
        cache = headers.get("Cache-Control", "")
        if route.endpoint in PUBLIC:
            assert "no-store" not in cache, where
        else:
            assert "no-store" in cache and "private" in cache, where
        checked += 1
    assert checked >= 25
