"""The shared input layer: hostile characters, out-of-range dates, unicode digits and huge ids
get a clear message beside the field or a friendly page, nothing is written, never a 500 (the
500s were on PostgreSQL, which refuses NUL in text and integers past 2³¹−1); and every page
with personal data says `Cache-Control: no-store`."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from storefront.accounts.models import User
from storefront.checkout.models import PromoRedemption
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.reservations.models import Reservation, WaitlistEntry
from tests.support.builders import PASSWORD, make_product, make_store, make_user
from tests.support.checkout import CheckoutClient, open_shop
from tests.support.html import csrf_from
from tests.support.reservations import future_day, local, make_reservation, make_rules, make_table, open_every_day

NUL = "Ro\x00bin"
BIDI = "Robin \u202enhoJ"  # RIGHT-TO-LEFT OVERRIDE: shows as "Robin John" reversed
CONTROL_MESSAGE = "can't accept"


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def field_error(response, field_id: str) -> str:
    element = soup(response).find(id=f"{field_id}-error")
    assert element is not None, f"no error beside {field_id}"
    return element.get_text(" ", strip=True)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- NUL, control and bidi characters -------------------------------------------------------

@pytest.mark.parametrize("url, status", [
    ("/menu?q=%00", 400),
    ("/menu?q=caf%C3%A9%1B", 400),
    ("/menu?category=%00", 400),
    ("/menu?diet=vegan&diet=%E2%80%AE", 400),
    ("/menu/a%00b", 404),
    ("/orders/a%00b", 404),
    ("/orders/a%00b/status", 404),
    ("/reservations/AB%00CD", 404),
    ("/account/reset/a%00b", 404),
])
def test_control_characters_in_the_address_get_a_friendly_page(client, app_ctx, url, status):
    make_store()
    response = client.get(url)
    assert response.status_code == status
    assert "Sorry, something went wrong" not in response.get_data(as_text=True)
    assert soup(response).find("h1") is not None


def test_control_characters_in_a_signed_in_reference_are_not_found(client, auth, app_ctx):
    make_store()
    make_user("owner@example.com")
    auth.login("owner@example.com", PASSWORD)
    assert client.get("/reservations/mine/AB%00CD").status_code == 404


@pytest.mark.parametrize("value", [NUL, "Robin\x1b[31m", "Robin\x85", BIDI, "Robin\u2066x"])
def test_register_refuses_control_and_bidi_characters_beside_the_name(client, forms, app_ctx, value):
    response = forms.post("/account/register", {"name": value, "email": "robin@example.com", "phone": "",
                                                "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 422
    assert CONTROL_MESSAGE in field_error(response, "name")
    assert count(User) == 0


@pytest.mark.parametrize("value", ["\u200b\u200b", "\u200e \u200f", " \u2060\ufeff ", "\u3164"])
def test_a_name_of_only_invisible_characters_is_no_name(client, forms, app_ctx, value):
    response = forms.post("/account/register", {"name": value, "email": "robin@example.com", "phone": "",
                                                "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 422
    assert field_error(response, "name") == "Error: Enter your name"
    assert count(User) == 0


def test_a_name_with_a_bidi_mark_inside_real_letters_is_fine(client, forms, app_ctx):
    response = forms.post("/account/register", {"name": "\u05e9\u05e8\u05d4 \u200fCohen", "email": "s@example.com",
                                                "phone": "", "password": PASSWORD, "confirm": PASSWORD})
    assert response.status_code == 303
    assert count(User) == 1


def test_profile_refuses_nul_in_the_name(client, forms, auth, app_ctx):
    make_user("owner@example.com", name="Owner")
    auth.login("owner@example.com", PASSWORD)
    response = forms.post("/account/", {"name": NUL, "email": "owner@example.com", "phone": ""})
    assert response.status_code == 422
    assert CONTROL_MESSAGE in field_error(response, "name")
    assert db.session.scalar(sa.select(User.name)) == "Owner"


@pytest.fixture
def checkout(client, app_ctx):
    open_shop()
    product = make_product("Croissant", price="20.00")
    buyer = CheckoutClient(client)
    buyer.add(product.id, 1)
    return buyer


@pytest.mark.parametrize("field", ["name", "email", "phone", "note", "promo_code", "address_line", "city",
                                   "postcode"])
def test_checkout_refuses_nul_in_every_text_field(checkout, field):
    data = checkout.form(fulfilment="delivery", address_line="1 Queen Square", city="Bristol", postcode="BS1 4QA")
    data[field] = "a\x00b"
    for action in ("place", "update"):
        response = checkout.post({**data, "action": action})
        assert response.status_code == 422, action
        assert CONTROL_MESSAGE in field_error(response, field), action
    # Applying a code shows only the code's messages; the rest wait for "Place order".
    assert checkout.post({**data, "action": "apply_promo"}).status_code in (200, 422)
    assert count(Order) == 0 and count(PromoRedemption) == 0 and count(OutboxMessage) == 0


def test_a_kitchen_note_may_have_lines_and_tabs(checkout):
    response = checkout.place(note="No nuts\r\n\tplease")
    assert response.status_code == 303
    assert db.session.scalar(sa.select(Order.kitchen_note)) == "No nuts\r\n\tplease"


def test_a_tab_in_a_one_line_field_is_refused(checkout):
    response = checkout.post(checkout.form(name="Robin\tRye"))
    assert response.status_code == 422
    assert CONTROL_MESSAGE in field_error(response, "name")


@pytest.fixture
def room(app_ctx):
    make_store(phone="0117 496 0123")
    make_rules()
    open_every_day("12:00", "22:00")
    return make_table("T3", 2, 4)


def book_form(client, day=None, at="19:00", party="2") -> dict:
    page = client.get("/reservations/book", query_string={"start": local(day or future_day(3), at).isoformat(),
                                                          "party": party})
    html = soup(page)
    values = {i["name"]: i.get("value", "") for i in html.select("form input[type=hidden]")}
    return {**values, "name": "Robin Rye", "email": "robin@example.com", "phone": "0117 496 0000",
            "occasion": "", "special_requests": ""}


@pytest.mark.parametrize("field", ["name", "special_requests", "email", "phone"])
def test_booking_refuses_nul_in_the_guest_details(client, room, field):
    data = {**book_form(client), field: "a\x00b"}
    response = client.post("/reservations/book", data=data)
    assert response.status_code == 422
    assert CONTROL_MESSAGE in field_error(response, field)
    assert count(Reservation) == 0 and count(OutboxMessage) == 0


def test_a_hidden_field_with_nul_is_a_message_at_the_top(client, room):
    data = {**book_form(client), "key": "k" * 20 + "\x00"}
    response = client.post("/reservations/book", data=data)
    assert response.status_code == 422
    assert "reload the page" in soup(response).select_one(".error-summary").get_text()
    assert count(Reservation) == 0


# --- dates out of any sane range ------------------------------------------------------------

@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2999-01-01"])
def test_searching_a_date_far_out_of_range_is_a_message(client, room, day):
    response = client.get("/reservations", query_string={"date": day, "party": "2"})
    assert response.status_code == 422
    assert "too far" in field_error(response, "date")


@pytest.mark.parametrize("start", ["9999-12-31T23:59Z", "9999-12-31T23:59+00:00", "0001-01-01T00:00+01:00"])
def test_booking_a_start_far_out_of_range_asks_for_a_time(client, room, start):
    response = client.get("/reservations/book", query_string={"start": start, "party": "2"})
    assert response.status_code == 422
    assert "Choose a time from the list" in response.get_data(as_text=True)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_waitlist_and_request_refuse_dates_far_out_of_range(client, forms, room, day):
    details = {"name": "Robin Rye", "email": "robin@example.com", "phone": "0117 496 0000"}
    waitlist = forms.post("/reservations/waitlist", {"date": day, "party": "2", "window_start": "18:00",
                                                     "window_end": "21:00", **details})
    assert waitlist.status_code == 422 and "too far" in field_error(waitlist, "date")
    page = client.get("/reservations/request").get_data(as_text=True)
    key = soup_value(page, "key")
    request = forms.post("/reservations/request", {"date": day, "time": "23:30", "party": "12", "key": key,
                                                   "occasion": "", "special_requests": "", **details})
    assert request.status_code == 422 and "too far" in field_error(request, "date")
    assert count(WaitlistEntry) == 0 and count(Reservation) == 0


def soup_value(html: str, name: str) -> str:
    element = BeautifulSoup(html, "html.parser").find(attrs={"name": name})
    return element.get("value", "") if element else ""


@pytest.fixture
def booking(room):
    reservation, token = make_reservation(local(future_day(5), "19:00"), 2, [room])
    return token


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_changing_to_a_date_far_out_of_range_is_a_message(client, booking, day):
    response = client.get(f"/reservations/{booking}/change", query_string={"date": day, "party": "2"})
    assert response.status_code == 422
    assert "too far" in field_error(response, "date")


def test_changing_to_a_start_far_out_of_range_changes_nothing(client, forms, booking):
    response = forms.post(f"/reservations/{booking}/change", {"start": "9999-12-31T23:59+00:00", "party": "2"})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(Reservation.local_date)) == future_day(5)


# --- unicode digits -------------------------------------------------------------------------

@pytest.mark.parametrize("party", ["²", "①", "٣", "３"])
def test_unicode_digits_are_not_a_party_size(client, forms, booking, party):
    start = local(future_day(4), "19:00").isoformat()
    page = client.get("/reservations/book", query_string={"start": start, "party": party})
    assert page.status_code == 422
    search = client.get("/reservations", query_string={"date": future_day(4).isoformat(), "party": party})
    assert search.status_code == 422 and "whole number" in field_error(search, "party")
    change = forms.post(f"/reservations/{booking}/change", {"start": start, "party": party})
    assert change.status_code == 422
    assert db.session.scalar(sa.select(Reservation.party_size)) == 2


@pytest.mark.parametrize("quantity", ["²", "①", "３"])
def test_unicode_digits_are_not_a_quantity(client, app_ctx, quantity):
    make_store()
    product = make_product("Croissant")
    token = csrf_from(client.get("/").data)
    response = client.post("/cart/add", data={"csrf_token": token, "product_id": product.id, "quantity": quantity},
                           headers={"HX-Request": "true"})
    assert response.status_code == 422
    assert "Enter a whole number from 1 to 99" in response.get_data(as_text=True)


# --- ids outside the column's range ---------------------------------------------------------

@pytest.mark.parametrize("product_id", ["2147483648", "99999999999999999999", "٣"])
def test_ids_past_the_column_range_are_not_found(client, app_ctx, product_id):
    make_store()
    product = make_product("Croissant")
    token = csrf_from(client.get("/").data)
    client.post("/cart/add", data={"csrf_token": token, "product_id": product.id, "quantity": 1})
    for url in (f"/cart/lines/{product_id}", f"/cart/lines/{product_id}/remove"):
        for quantity in ("1", "many"):
            response = client.post(url, data={"csrf_token": token, "quantity": quantity})
            assert response.status_code == 404, (url, quantity)


# --- no-store on private pages --------------------------------------------------------------

def test_private_pages_are_never_stored(client, checkout, auth):
    placed = checkout.place()
    order_url = placed.headers["Location"]
    assert "?key=" in order_url
    guest_pages = [order_url, "/checkout", "/cart"]
    for url in guest_pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    make_user("owner@example.com")
    auth.login("owner@example.com", PASSWORD)
    for url in ("/orders", "/account/", "/account/password", "/checkout", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url


def test_an_order_link_opened_in_a_fresh_browser_is_never_stored(app, checkout):
    order_url = checkout.place().headers["Location"]
    response = app.test_client().get(order_url)
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]


def test_static_files_stay_cacheable(client):
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
