"""Bad input at every reservation form and link: a clear message beside the field (or a clear
page), the right status, nothing written, never a 500."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from storefront.core.outbox import OutboxMessage
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.reservations.models import Reservation, ReservationStatus, TableClaim, WaitlistEntry
from tests.support.html import csrf_from, field_errors, form, hidden_value, page_text, texts
from tests.support.reservations import future_day, local, make_reservation, make_room

from .test_reservations import DETAILS, HTMX, text

DAY = future_day(3)


@pytest.fixture
def room(app_ctx):
    return make_room((("T1", 1, 2), ("T3", 2, 4)), (), store={"phone": "0117 496 0123"})


def nothing_written() -> None:
    for model in (Reservation, TableClaim, WaitlistEntry, OutboxMessage):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0, model.__name__


def field_error(page, field: str) -> str:
    return field_errors(page)[field]


TODAY = future_day(0)  # the shop's today, as the horizon counts from it


# --- the search form ------------------------------------------------------------------------

@pytest.mark.parametrize("query, field, message", [
    ({"date": (DAY - timedelta(days=30)).isoformat(), "party": "2"}, "date", "That date has passed"),
    ({"date": (TODAY + timedelta(days=90)).isoformat(), "party": "2"}, "date", "We take bookings up to 60 days ahead"),
    ({"date": "2026-13-45", "party": "2"}, "date", "Enter a real date, like 2026-06-12"),
    ({"date": "tomorrow", "party": "2"}, "date", "Enter a real date"),
    ({"date": "9" * 5000, "party": "2"}, "date", "Enter a real date"),
    ({"date": "", "party": "2"}, "date", "Choose a date"),
    ({"date": DAY.isoformat(), "party": "0"}, "party", "Enter a party size from 1 to 30"),
    ({"date": DAY.isoformat(), "party": "-3"}, "party", "Enter a party size from 1 to 30"),
    ({"date": DAY.isoformat(), "party": "1000000"}, "party", "Enter a party size from 1 to 30"),
    ({"date": DAY.isoformat(), "party": "99999999999999999999"}, "party", "Enter the number of guests as a whole number"),
    ({"date": DAY.isoformat(), "party": "two"}, "party", "Enter the number of guests as a whole number"),
    ({"date": DAY.isoformat(), "party": "2.5"}, "party", "Enter the number of guests as a whole number"),
    ({"date": DAY.isoformat(), "party": ""}, "party", "Enter the number of guests"),
    ({"date": DAY.isoformat(), "party": "2", "time": "25:99"}, "time", "Enter a time like 19:30"),
])
def test_bad_searches_say_what_is_wrong_beside_the_field(client, room, query, field, message):
    for headers in ({}, HTMX):
        response = client.get("/reservations", query_string=query, headers=headers)
        page = text(response)
        assert response.status_code == 422
        assert message in field_error(page, field)
        assert f'<a href="#{field}">' in page and "/reservations/book?" not in page


# --- the booking form ------------------------------------------------------------------------

def book_page(client, start: str, party="2"):
    return client.get("/reservations/book", query_string={"start": start, "party": party})


def valid_form(client, at="19:00", party="2"):
    return {**form(book_page(client, local(DAY, at).isoformat(), party), "#book-form"), **DETAILS}


@pytest.mark.parametrize("start, party, message", [
    ("not-a-time", "2", "Choose a time from the list of free times first."),
    ("", "2", "Choose a time from the list of free times first."),
    ("2026-06-12T19:30", "2", "Choose a time from the list of free times first."),  # no offset
    (local(DAY, "19:07").isoformat(), "2", "Choose one of the times we show"),
    (local(DAY, "03:00").isoformat(), "2", "Choose one of the times we show"),
    (local(DAY, "21:30").isoformat(), "2", "Choose one of the times we show"),  # the turn would end after closing
    (local(DAY - timedelta(days=10), "19:00").isoformat(), "2", "That time has passed"),
    (local(TODAY + timedelta(days=70), "19:00").isoformat(), "2", "We take bookings up to 60 days ahead"),
    (local(DAY, "19:00").isoformat(), "0", "Enter a party size from 1 to 30"),
    (local(DAY, "19:00").isoformat(), "-1", "Enter a party size from 1 to 30"),
    (local(DAY, "19:00").isoformat(), "500", "Enter a party size from 1 to 30"),
    (local(DAY, "19:00").isoformat(), "12", "Online bookings are for up to 8 guests"),
    (local(DAY, "19:00").isoformat(), "two", "Choose a time from the list of free times first."),
])
def test_a_bad_chosen_time_or_party_is_explained_on_the_booking_page(client, room, start, party, message):
    response = book_page(client, start, party)
    assert response.status_code == 422 and message in page_text(response)
    assert "Book table" not in texts(response, "button")
    # Posted anyway (a tampered form): the same message, nothing booked.
    form = valid_form(client)
    posted = client.post("/reservations/book", data={**form, "start": start, "party": party})
    assert posted.status_code == 422 and message in page_text(posted)
    nothing_written()


@pytest.mark.parametrize("overrides, field, message", [
    ({"name": ""}, "name", "Enter your name"),
    ({"name": "x" * 121}, "name", "Use at most 120 characters"),
    ({"email": "not-an-email"}, "email", "Enter an email address like name@example.com"),
    ({"phone": ""}, "phone", "Enter a phone number, so we can reach you if plans change"),
    ({"phone": "call me maybe"}, "phone", "Enter a phone number, like 020 7946 0000"),
    ({"occasion": "wedding-of-the-century"}, "occasion", "Not a valid choice"),
    ({"special_requests": "x" * 501}, "special_requests", "Use at most 500 characters"),
])
def test_bad_details_come_back_beside_their_fields(client, room, overrides, field, message):
    response = client.post("/reservations/book", data={**valid_form(client), **overrides})
    page = text(response)
    assert response.status_code == 422 and message in field_error(page, field)
    assert 'aria-invalid="true"' in page and f'<a href="#{field}">' in page
    nothing_written()


def test_special_requests_of_exactly_500_characters_are_fine(client, room):
    response = client.post("/reservations/book", data={**valid_form(client), "special_requests": "y" * 500})
    assert response.status_code == 303


def test_a_booking_form_without_its_key_is_refused(client, room):
    response = client.post("/reservations/book", data={**valid_form(client), "key": ""})
    assert response.status_code == 422 and "This form has expired" in text(response)
    nothing_written()


def test_a_replayed_form_books_once(client, room):
    form = valid_form(client)
    answers = [client.post("/reservations/book", data=form) for _ in range(3)]
    assert [a.status_code for a in answers] == [303, 303, 303]
    assert len({a.headers["Location"] for a in answers}) == 1
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 1


def test_a_replay_without_the_stored_token_shows_the_booking_not_a_second_one(client, room, app):
    form = valid_form(client)
    assert client.post("/reservations/book", data=form).status_code == 303
    for name in app.extensions["redis"].scan_iter("reservations:token:*"):
        app.extensions["redis"].delete(name)  # the short-lived replay memory is gone
    again = client.post("/reservations/book", data=form)
    assert again.status_code == 200 and "You have already booked this table" in text(again)
    enhanced = client.post("/reservations/book", data=form, headers=HTMX)
    assert enhanced.status_code == 200 and "<html" not in text(enhanced)
    assert "You have already booked this table" in text(enhanced)
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 1


@pytest.mark.parametrize("url", ["/reservations/book", "/reservations/request", "/reservations/waitlist"])
def test_forms_without_csrf_are_refused(client, room, url):
    form = valid_form(client)
    del form["csrf_token"]
    response = client.post(url, data={**form, "date": DAY.isoformat(), "time": "19:00", "window_start": "18:00",
                                      "window_end": "20:00"})
    assert response.status_code == 400 and "This form has expired" in text(response)
    nothing_written()


# --- the manage link ------------------------------------------------------------------------

@pytest.fixture
def booking(room):
    reservation, token = make_reservation(local(DAY, "19:00"), 2, [room["T1"]])
    return reservation.id, token


@pytest.mark.parametrize("suffix", ["", "/change", "/cancel", "/calendar.ics"])
def test_forged_tokens_find_nothing(client, booking, suffix):
    _, token = booking
    for forged in (token[:-1] + ("A" if token[-1] != "A" else "B"), "x", "a" * 129, token.upper()):
        response = client.get(f"/reservations/{forged}{suffix}")
        assert response.status_code == 404
        assert "This link does not work" in text(response)
        assert response.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/reservations/..%2F..%2Fetc%2Fpasswd{suffix}").status_code == 404


def test_forged_tokens_cannot_change_or_cancel(client, booking):
    reservation_id, token = booking
    csrf = csrf_from(client.get("/reservations").data)
    forged = token[:-2] + "zz"
    for action in ("change", "cancel"):
        response = client.post(f"/reservations/{forged}/{action}",
                               data={"csrf_token": csrf, "start": local(DAY, "20:00").isoformat(), "party": "2"})
        assert response.status_code == 404
    reservation = db.session.get(Reservation, reservation_id)
    assert reservation.status == ReservationStatus.CONFIRMED and reservation.starts_at == local(DAY, "19:00")


def test_a_link_expires_when_its_booking_is_over(client, room):
    _, token = make_reservation(utcnow() - timedelta(hours=3), 2, [room["T1"]], minutes=75)
    response = client.get(f"/reservations/{token}")
    assert response.status_code == 404 and "This link does not work" in text(response)
    assert "Links to a booking work until the booking’s time has passed." in text(response)


@pytest.mark.parametrize("start, party, message", [
    (local(DAY, "19:05").isoformat(), "2", "Choose one of the times we show"),
    ("garbage", "2", "Choose one of the free times."),
    (local(DAY, "20:00").isoformat(), "0", "Enter a party size from 1 to 30"),
    (local(DAY, "20:00").isoformat(), "9", "Online bookings are for up to 8 guests"),
    (local(DAY, "20:00").isoformat(), "lots", "Choose one of the free times."),
    (local(DAY - timedelta(days=20), "20:00").isoformat(), "2", "That time has passed"),
    (local(DAY, "19:00").isoformat(), "2", "That is your booking as it stands"),
])
def test_bad_changes_are_refused_and_the_booking_stands(client, booking, start, party, message):
    reservation_id, token = booking
    csrf = csrf_from(client.get(f"/reservations/{token}/change").data)
    response = client.post(f"/reservations/{token}/change", data={"csrf_token": csrf, "start": start, "party": party})
    assert response.status_code == 422 and message in page_text(response)
    db.session.expire_all()
    reservation = db.session.get(Reservation, reservation_id)
    assert (reservation.starts_at, reservation.party_size, len(reservation.claims)) == (local(DAY, "19:00"), 2, 1)
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


@pytest.mark.parametrize("query, field, message", [
    ({"date": "nope", "party": "2"}, "date", "Enter a real date"),
    ({"date": DAY.isoformat(), "party": "-4"}, "party", "Enter a party size from 1 to 30"),
    ({"date": DAY.isoformat(), "party": "10"}, "party", "Online bookings are for up to 8 guests"),
])
def test_bad_change_searches_are_explained(client, booking, query, field, message):
    _, token = booking
    response = client.get(f"/reservations/{token}/change", query_string=query)
    assert response.status_code == 422 and message in field_error(text(response), field)


# --- waitlist and requests ------------------------------------------------------------------------

def waitlist_form(client, **overrides):
    page = text(client.get("/reservations/waitlist"))
    return {"csrf_token": csrf_from(page), "date": DAY.isoformat(), "party": "2", "window_start": "18:00",
            "window_end": "20:00", "name": "Wren", "email": "wren@example.com", "phone": "0117 000 1111", **overrides}


@pytest.mark.parametrize("overrides, field, message", [
    ({"window_start": "20:00", "window_end": "19:00"}, "window_end", "The latest time must be after the earliest time."),
    ({"window_start": "soon"}, "window_start", "Enter a time like 18:00"),
    ({"party": "x"}, "party", "Enter the number of guests as a whole number"),
    ({"party": "0"}, "party", "Enter a party size from 1 to 30"),
    ({"date": (DAY - timedelta(days=10)).isoformat()}, "date", "That date has passed"),
    ({"window_start": "02:00", "window_end": "03:00"}, "window_start", "Choose times when we are open"),
    ({}, "window_start", "A table is free at 18:00 in those times: book it rather than wait."),
])
def test_bad_waitlist_requests_are_explained(client, room, overrides, field, message):
    response = client.post("/reservations/waitlist", data=waitlist_form(client, **overrides))
    assert response.status_code == 422 and message in field_error(text(response), field)
    nothing_written()


@pytest.mark.parametrize("overrides, field, message", [
    ({"party": "5"}, "party", "Parties of up to 8 can book a table online straight away."),
    ({"party": "31"}, "party", "Enter a party size from 1 to 30"),
    ({"time": "19:10"}, "time", "Choose one of the times we show"),
    ({"time": ""}, "time", "Choose a time"),
    ({"date": "2020-01-01"}, "time", "That time has passed"),
])
def test_bad_requests_are_explained(client, room, overrides, field, message):
    page = text(client.get("/reservations/request"))
    form = {"csrf_token": csrf_from(page), "key": hidden_value(page, "key"), "date": DAY.isoformat(), "time": "19:00",
            "party": "12", **DETAILS, **overrides}
    response = client.post("/reservations/request", data=form)
    assert response.status_code == 422 and message in field_error(text(response), field)
    nothing_written()
