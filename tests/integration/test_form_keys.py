"""One-time form keys (the idempotency key a booking or checkout form carries) belong to the
browser session they were issued to: never taken from the address, and a replay by another
session is refused without revealing the first booking or order."""
from __future__ import annotations

import sqlalchemy as sa

from storefront.core import formkeys
from storefront.extensions import db
from storefront.orders.models import Order
from storefront.reservations.models import Reservation
from tests.integration.test_reservations import DAY, DETAILS, Diner, booked_link, room, text  # noqa: F401
from tests.support.builders import make_product
from tests.support.checkout import CheckoutClient, open_shop
from tests.support.html import hidden_value as hidden

checkout_hidden = hidden

PLANTED = "0123456789abcdef0123456789abcdef"
THIEF = {"name": "Mallory", "email": "mallory@example.com", "phone": "0117 496 9999"}


def test_a_key_in_the_address_is_never_used(client, room):
    request_page = text(client.get(f"/reservations/request?date={DAY.isoformat()}&party=12&time=19:00"
                                   f"&key={PLANTED}"))
    assert hidden(request_page, "key") != PLANTED
    diner = Diner(client)
    book_page = text(client.get(booked_link(diner) + f"&key={PLANTED}"))
    assert hidden(book_page, "key") != PLANTED
    open_shop()
    CheckoutClient(client).add(make_product("Sourdough loaf", price="5.00").id)
    checkout_key = checkout_hidden(text(client.get(f"/checkout?key={PLANTED}")), "key")
    assert checkout_key and checkout_key != PLANTED


def test_a_booking_key_replayed_by_another_browser_reveals_nothing(app, client, room):
    victim = Diner(client)
    page = text(client.get(booked_link(victim)))
    key = hidden(page, "key")
    booked = victim.book(booked_link(victim), key=key)
    assert booked.status_code == 303
    thief = Diner(app.test_client())
    for redis_hour_over in (False, True):
        if redis_hour_over:  # the replay token the booking form keeps in Redis has expired
            for name in app.extensions["redis"].scan_iter("reservations:token:*"):
                app.extensions["redis"].delete(name)
        replay = thief.book(booked_link(thief), details=THIEF, key=key)
        body = text(replay)
        assert replay.status_code == 422 and "This form has expired" in body
        assert "Location" not in replay.headers
        assert DETAILS["name"] not in body and DETAILS["email"] not in body
        assert db.session.scalars(sa.select(Reservation)).one().reference not in body
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 1


def test_a_request_key_replayed_by_another_browser_reveals_nothing(app, client, room):
    url = f"/reservations/request?date={DAY.isoformat()}&party=12&time=19:00"
    page = text(client.get(url))
    data = {"date": DAY.isoformat(), "time": "19:00", "party": "12", "key": hidden(page, "key")}
    first = Diner(client).post(url, {**data, **DETAILS}, action="/reservations/request")
    assert first.status_code == 303
    replay = Diner(app.test_client()).post(url, {**data, **THIEF}, action="/reservations/request")
    assert replay.status_code == 422 and "This form has expired" in text(replay)
    assert DETAILS["email"] not in text(replay) and "Location" not in replay.headers


def test_the_same_browser_replaying_after_the_redis_hour_sees_no_details(app, client, room):
    diner = Diner(client)
    key = hidden(text(client.get(booked_link(diner))), "key")
    diner.book(booked_link(diner), key=key)
    for name in app.extensions["redis"].scan_iter("reservations:token:*"):
        app.extensions["redis"].delete(name)
    again = diner.book(booked_link(diner), key=key)
    assert again.status_code == 200 and "already booked" in text(again)
    assert DETAILS["email"] not in text(again) and DETAILS["special_requests"] not in text(again)


def test_a_checkout_key_replayed_by_another_browser_places_and_reveals_nothing(app, client, app_ctx):
    open_shop()
    loaf = make_product("Sourdough loaf", price="5.00").id
    owner = CheckoutClient(client)
    owner.add(loaf)
    data = owner.form()
    data["shown_total"] = owner.quote_total(data)
    assert owner.post(data).status_code == 303
    stranger = CheckoutClient(app.test_client())
    stranger.add(loaf)
    replay = stranger.form(key=data["key"], **THIEF)
    replay["shown_total"] = stranger.quote_total(replay)
    response = stranger.post(replay)
    assert response.status_code == 422 and "This form has expired" in text(response)
    assert db.session.scalars(sa.select(Order)).one().number not in text(response)
    assert checkout_hidden(text(response), "key") != data["key"]


def test_keys_are_bound_to_the_session_that_got_them(app):
    with app.test_request_context():
        key = formkeys.issue()
        assert formkeys.is_mine(key)
    with app.test_request_context():
        assert not formkeys.is_mine(key)
        assert not formkeys.is_mine(PLANTED) and not formkeys.is_mine("") and not formkeys.is_mine(None)
