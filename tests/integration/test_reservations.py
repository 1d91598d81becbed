"""Reservations over HTTP: find a time, book, the confirmation email with its manage link and
calendar file, change, cancel, the waitlist, large-party requests, the account page, htmx
answers, statement counts and the rate limit."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from storefront.core.outbox import OutboxMessage
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.reservations.models import Reservation, ReservationStatus, TableClaim, WaitlistEntry, WaitlistStatus
from tests.support.builders import PASSWORD, make_user
from tests.support.html import csrf_from, form, get_form_addresses, hidden_value, links, soup, text_of, texts
from tests.support.reservations import future_day, local, make_reservation, make_room

HTMX = {"HX-Request": "true"}
DETAILS = {"name": "Robin Rye", "email": "robin@example.com", "phone": "0117 496 0000", "occasion": "birthday",
           "special_requests": "A high chair, please."}


def text(response) -> str:
    return response.get_data(as_text=True)


def book_links(page) -> list[str]:
    """Where each free time leads: links, and the buttons of a day's list of times."""
    return links(page, starting="/reservations/book?") + get_form_addresses(page, starting="/reservations/book?")


def buttons(page, name: str) -> dict[str, str]:
    """The submit buttons called `name`: what each says → the value it sends."""
    return {text_of(button): button["value"] for button in soup(page).select(f'button[name="{name}"]')}


def manage_token(email: str) -> str:
    bodies = db.session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)
                                .order_by(OutboxMessage.id)).all()
    match = re.search(r"http://127\.0\.0\.1/reservations/([A-Za-z0-9_-]{20,})\n", bodies[0])
    assert match, bodies[0]
    return match.group(1)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


class Diner:
    """A browser's worth of reservation actions through the test client."""

    def __init__(self, client):
        self.client = client

    def search(self, day, party=2, at=None, **kwargs):
        query = {"date": day.isoformat(), "party": party, **({"time": at} if at else {})}
        return self.client.get("/reservations", query_string=query, **kwargs)

    def book(self, link: str, details=None, headers=None, key=None):
        shown = form(self.client.get(link), "#book-form")
        data = {**shown, "key": key or shown["key"], **(DETAILS if details is None else details)}
        return self.client.post("/reservations/book", data=data, headers=headers or {})

    def post(self, page_url: str, data: dict, action: str | None = None, headers=None):
        token = csrf_from(self.client.get(page_url).data)
        return self.client.post(action or page_url, data={"csrf_token": token, **data}, headers=headers or {})


@pytest.fixture
def diner(client):
    return Diner(client)


@pytest.fixture
def room(app_ctx):
    return make_room(store={"phone": "0117 496 0123"})


DAY = future_day(3)


def booked_link(diner, at="19:00", party=2, day=DAY) -> str:
    return next(link for link in book_links(text(diner.search(day, party))) if f"T{at}" in link)


# --- finding a time ----------------------------------------------------------------------------

def test_the_reservations_page_is_a_plain_get_form(client, room):
    # 23:30 UTC on 15 July is already the 16th in the shop (BST): the form starts on the shop's today.
    with mock.patch("storefront.reservations.service.utcnow", return_value=datetime(2026, 7, 15, 23, 30, tzinfo=UTC)):
        page = soup(client.get("/reservations"))
    assert page.select_one('form#reservation-search[method="get"][action="/reservations"]')
    assert {"Date", "Number of guests", "Preferred time (optional)"} <= set(texts(page, "#reservation-search label"))
    assert texts(page, 'a[href="/reservations"][aria-current="page"]') == ["Reservations"]  # the header link
    assert page.select_one('input[name="date"][type="date"][required]')
    assert page.select_one('input[name="party"][type="number"][required]')
    shown = form(page, "#reservation-search")
    assert (shown["date"], shown["party"]) == ("2026-07-16", "2")  # today and two guests to start


def test_free_times_open_the_booking_page_and_htmx_swaps_only_the_finder(diner, room):
    response = diner.search(DAY, 2)
    page = text(response)
    assert response.status_code == 200
    links = book_links(page)
    assert len(links) == 36  # 12:00 … 20:45 every 15 minutes
    assert links[0].startswith(f"/reservations/book?start={DAY.isoformat()}T12:00")
    assert "36 free times" in page
    page_form = soup(page).select_one("#reservation-search")
    assert (page_form["data-hx-target"], page_form["data-hx-swap"]) == ("#times", "innerHTML")
    assert soup(page).select_one('#finder > #times[aria-live="polite"] > section#availability')
    fragment = diner.search(DAY, 2, headers={**HTMX, "HX-Target": "times"})  # as the form sends it
    body = text(fragment)
    assert fragment.status_code == 200 and body.lstrip().startswith('<section id="availability"')
    assert 'id="reservation-search"' not in body and 'id="times"' not in body  # only what goes inside the live region
    assert "HX-Request" in fragment.headers["Vary"] and "HX-Retarget" not in fragment.headers
    assert fragment.headers["HX-Push-Url"] == f"/reservations?date={DAY.isoformat()}&party=2"
    assert book_links(body) == links
    assert body.strip() in page  # the very markup of the full page: one source


def test_an_htmx_search_with_errors_puts_the_whole_finder_back(diner, room):
    fragment = diner.client.get("/reservations?date=&party=2", headers={**HTMX, "HX-Target": "times"})
    body = text(fragment)
    assert fragment.status_code == 422 and body.lstrip().startswith('<div id="finder">')
    assert (fragment.headers["HX-Retarget"], fragment.headers["HX-Reswap"]) == ("#finder", "outerHTML")
    assert "HX-Push-Url" not in fragment.headers
    errored = soup(body).select_one("#reservation-search")
    assert errored.select_one(".error-summary") and errored["data-hx-target"] == "#finder"
    # The next search from that form clears the errors: the whole finder again, with the times.
    fixed = diner.search(DAY, 2, headers={**HTMX, "HX-Target": "finder"})
    assert fixed.status_code == 200 and text(fixed).lstrip().startswith('<div id="finder">')
    assert soup(text(fixed)).select_one("#reservation-search")["data-hx-target"] == "#times"
    assert len(book_links(text(fixed))) == 36


def test_a_full_time_offers_the_nearest_times_the_next_days_and_the_waitlist(diner, room):
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "18:30"), 2, [room[name]], minutes=180)
    page = text(diner.search(DAY, 2, at="19:00"))
    assert "19:00 is not available for 2 guests." in page
    assert "Nearest free times" in page and "Next days with space" in page
    nearest = [t.split(" on ")[0] for t in texts(page, 'h3:-soup-contains("Nearest free times") + ul a')]
    assert nearest == ["16:15", "16:30", "16:45", "17:00"]
    assert f'href="/reservations/waitlist?date={DAY.isoformat()}&amp;party=2&amp;time=19:00"' in page


def test_larger_parties_are_offered_the_request_form(diner, room):
    page = text(diner.search(DAY, 10))
    assert "Online bookings are for up to 8 guests" in page
    assert f'href="/reservations/request?date={DAY.isoformat()}&amp;party=10"' in page
    assert book_links(page) == []


# --- booking --------------------------------------------------------------------------------

def test_book_a_table_end_to_end(client, diner, room):
    link = booked_link(diner, "19:00", 2)
    form_page = text(client.get(link))
    assert "Cancellation policy" in form_page
    assert "You can change or cancel your booking online, free of charge, until 2 hours before it starts." in form_page
    assert "0117 496 0123" in form_page
    assert ">Book table</button>" in form_page

    response = diner.book(link)
    assert response.status_code == 303
    token = manage_token("robin@example.com")
    assert response.headers["Location"] == f"/reservations/{token}"

    reservation = db.session.scalars(sa.select(Reservation)).one()
    assert reservation.status == ReservationStatus.CONFIRMED and reservation.party_size == 2
    assert reservation.starts_at == local(DAY, "19:00") and reservation.occasion.value == "birthday"
    assert [c.table.name for c in reservation.active_claims] == ["T1"]
    assert token not in (reservation.manage_token_hash, reservation.idempotency_key)

    confirmation = text(client.get(response.headers["Location"]))
    assert "Your table is booked. We have emailed the details to robin@example.com." in confirmation
    assert "Confirmed: a table inside." in confirmation and ": T1" not in confirmation and reservation.reference in confirmation
    assert "A high chair, please." in confirmation
    assert f'href="/reservations/{token}/change"' in confirmation
    assert f'href="/reservations/{token}/cancel"' in confirmation
    calendar = client.get(f"/reservations/{token}/calendar.ics")
    assert calendar.status_code == 200 and calendar.mimetype == "text/calendar"
    assert b"BEGIN:VEVENT" in calendar.data and b"SUMMARY:Table for 2 at Test Bakery" in calendar.data
    assert calendar.headers["Cache-Control"] == "private, no-store"
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert f"http://127.0.0.1/reservations/{token}/calendar.ics" in mail.body_text
    # The same event is attached to the email: a calendar app keeps one entry, whichever is opened.
    assert mail.body_html and "Your table is booked" in mail.body_html
    [attachment] = mail.attachments
    emailed, downloaded = (Calendar.from_ical(data).walk("VEVENT")[0] for data in (attachment.content, calendar.data))
    assert attachment.filename == f"booking-{reservation.reference}.ics"
    assert emailed["UID"] == downloaded["UID"] and emailed.decoded("DTSTART") == reservation.starts_at


def test_booking_through_htmx_redirects_the_page(diner, room):
    response = diner.book(booked_link(diner), headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Redirect"].startswith("/reservations/")


def test_a_double_submit_books_once_and_lands_on_the_same_booking(client, diner, room):
    link = booked_link(diner)
    page = text(client.get(link))
    form = {"csrf_token": csrf_from(page), "key": hidden_value(page, "key"), "start": hidden_value(page, "start"),
            "party": "2", **DETAILS}
    first = client.post("/reservations/book", data=form)
    second = client.post("/reservations/book", data=form)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    assert count(Reservation) == 1 and count(TableClaim) == 1 and count(OutboxMessage) == 1


def test_a_time_taken_meanwhile_is_refused_with_alternatives(client, diner, room):
    link = booked_link(diner, "19:00", 2)
    page = text(client.get(link))
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "18:30"), 2, [room[name]], minutes=120)
    form = {"csrf_token": csrf_from(page), "key": hidden_value(page, "key"), "start": hidden_value(page, "start"),
            "party": "2", **DETAILS}
    response = client.post("/reservations/book", data=form)
    body = text(response)
    assert response.status_code == 422
    assert "Sorry, 19:00 is no longer free for 2 guests. Please choose another time." in body
    assert count(Reservation) == 3 and count(OutboxMessage) == 0
    # The details are kept, and the nearest free times book with them in one press.
    assert 'value="Robin Rye"' in body
    alternatives = buttons(body, "alternative")
    assert list(alternatives) == ["Book 16:30", "Book 16:45", "Book 17:00", "Book 20:45"]
    booked = client.post("/reservations/book", data={**form, "alternative": alternatives["Book 20:45"]})
    assert booked.status_code == 303
    assert db.session.scalars(sa.select(Reservation).where(Reservation.email == "robin@example.com")).one() \
        .starts_at == local(DAY, "20:45")
    # Opened afresh, the booking page says the time is gone before any details are typed.
    again = client.get(link)
    assert again.status_code == 422 and "is no longer free for 2 guests" in text(again)
    assert "Book table" not in texts(again, "button") and book_links(again)


def test_a_second_table_close_to_the_first_is_booked_only_when_the_diner_says_so(client, diner, room):
    first = diner.book(booked_link(diner, "19:00", 2))
    assert first.status_code == 303
    reference = db.session.scalars(sa.select(Reservation)).one().reference
    link = booked_link(diner, "19:30", 2)
    warned = diner.book(link, details={**DETAILS, "email": "Robin@Example.com"})
    assert warned.status_code == 422
    warning = soup(warned)
    message = text_of(warning.select_one("#also_book-error"))
    assert message == (f"Error: You already have a table for 2 guests at {DAY.strftime('%A')}, "
                       f"{DAY.day} {DAY.strftime('%B %Y')} at 19:00 (reference {reference}). "
                       "Tick the box to book this one as well, or keep the one you have.")
    assert warning.select_one('input[type=checkbox][name="also_book"]')["aria-describedby"] == "also_book-error"
    assert warning.select_one('.error-summary a[href="#also_book"]') is not None
    assert not warning.select('button[name="alternative"]')   # the time is free: no other times offered
    assert count(Reservation) == 1 and count(OutboxMessage) == 1
    # Ticked, the same form books the second table.
    again = {**form(warned, "#book-form"), "also_book": "y"}
    booked = client.post("/reservations/book", data=again)
    assert booked.status_code == 303
    assert sorted(r.starts_at for r in db.session.scalars(sa.select(Reservation))) == [local(DAY, "19:00"),
                                                                                       local(DAY, "19:30")]


def test_the_date_picker_names_the_closed_days(client, room):
    from tests.support.builders import make_closure

    make_closure(DAY, reason="Staff training")
    hint = text_of(soup(client.get("/reservations")).select_one("#date-hint"))
    assert hint == (f"Up to 60 days ahead. Closed on {DAY.strftime('%A')} {DAY.day} {DAY.strftime('%B')} "
                    "(Staff training).")
    closed = client.get("/reservations", query_string={"date": DAY.isoformat(), "party": 2})
    assert "We are closed that day: Staff training." in text(closed)
    assert not [link for link in book_links(closed) if f"start={DAY.isoformat()}" in link]   # later days only


def test_a_table_hours_away_or_for_someone_else_is_booked_without_a_question(client, diner, room):
    diner.book(booked_link(diner, "12:00", 2))
    assert diner.book(booked_link(diner, "19:00", 2)).status_code == 303                 # 7 hours later
    assert diner.book(booked_link(diner, "19:15", 2),
                      details={**DETAILS, "email": "sam@example.com"}).status_code == 303   # another diner
    assert count(Reservation) == 3


# --- the manage link -------------------------------------------------------------------------

@pytest.fixture
def booking(diner, room):
    diner.book(booked_link(diner, "19:00", 2))
    return manage_token("robin@example.com")


def test_change_the_time_from_the_manage_link(client, diner, booking):
    page = text(client.get(f"/reservations/{booking}/change"))
    assert "Move to a free time on" in page and 'name="start"' in page
    times = buttons(page, "start")
    assert times["19:00"].startswith(f"{DAY.isoformat()}T19:00")  # its own time shows as free
    start = local(DAY, "20:00").astimezone(local(DAY, "12:00").tzinfo)
    value = times["20:00"]
    response = diner.post(f"/reservations/{booking}/change", {"start": value, "party": "2"})
    assert response.status_code == 303 and response.headers["Location"] == f"/reservations/{booking}"
    reservation = db.session.scalars(sa.select(Reservation)).one()
    assert reservation.starts_at == local(DAY, "20:00") == start
    assert len(reservation.claims) == 2 and len(reservation.active_claims) == 1
    manage = text(client.get(response.headers["Location"]))
    assert "Your booking is changed to" in manage and "at 20:00 for 2 guests" in manage
    changed = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert changed.subject.startswith("Your booking is changed to") and booking in changed.body_text


def test_change_the_party_size_over_htmx_and_see_errors_in_place(client, diner, booking):
    times = client.get(f"/reservations/{booking}/change", query_string={"date": DAY.isoformat(), "party": 4},
                       headers=HTMX)
    assert times.status_code == 200 and text(times).lstrip().startswith('<div id="change-finder">')
    off_grid = diner.post(f"/reservations/{booking}/change", {"start": local(DAY, "19:05").isoformat(),
                                                               "party": "4"}, headers=HTMX)
    assert off_grid.status_code == 422 and "Choose one of the times we show" in text(off_grid)
    assert text(off_grid).lstrip().startswith('<div id="change-finder">')
    value = buttons(times, "start")["18:00"]
    ok = diner.post(f"/reservations/{booking}/change", {"start": value, "party": "4"}, headers=HTMX)
    assert ok.status_code == 200 and ok.headers["HX-Redirect"] == f"/reservations/{booking}"
    reservation = db.session.scalars(sa.select(Reservation)).one()
    assert reservation.party_size == 4 and [c.table.name for c in reservation.active_claims] == ["T3"]


def test_cancel_from_the_manage_link(client, diner, booking):
    page = text(client.get(f"/reservations/{booking}/cancel"))
    assert ">Yes, cancel it</button>" in page
    response = diner.post(f"/reservations/{booking}/cancel", {})
    assert response.status_code == 303
    manage = text(client.get(f"/reservations/{booking}"))
    assert "Your booking is cancelled." in manage and "Cancelled." in manage
    assert count(TableClaim) == 1 and db.session.scalars(sa.select(TableClaim)).one().released_at is not None
    assert "Change booking" not in manage and "Book another table" in manage


def test_after_the_cutoff_the_page_says_to_call(client, diner, room):
    soon = (utcnow() + timedelta(minutes=90)).replace(second=0, microsecond=0)
    _, token = make_reservation(soon, 2, [room["T1"]])
    manage = text(client.get(f"/reservations/{token}"))
    assert "It is too late to change or cancel online. Please call us on" in manage and "0117 496 0123" in manage
    assert "Change booking" not in manage
    refused = diner.post(f"/reservations/{token}/cancel", {})
    assert refused.status_code == 422
    assert "It is too late to cancel online: that closes 2 hours before the booking." in text(refused)
    assert db.session.scalars(sa.select(Reservation)).one().status == ReservationStatus.CONFIRMED
    change = client.get(f"/reservations/{token}/change")
    assert "can no longer be changed online" in text(change)


# --- waitlist and requests -----------------------------------------------------------------------

def test_join_the_waitlist_and_hear_when_a_table_frees(client, diner, room):
    taken = [make_reservation(local(DAY, "18:00"), 2, [room[n]], minutes=240)[1] for n in ("T1", "T2", "T3")]
    page = text(client.get("/reservations/waitlist", query_string={"date": DAY.isoformat(), "party": 2,
                                                                     "time": "19:00"}))
    assert 'value="18:00"' in page and 'value="20:00"' in page  # the window around the wanted time
    response = diner.post("/reservations/waitlist", {
        "date": DAY.isoformat(), "party": "2", "window_start": "18:30", "window_end": "19:30",
        "name": "Wren Waiting", "email": "wren@example.com", "phone": "0117 000 1111"})
    assert response.status_code == 303 and response.headers["Location"] == "/reservations/waitlist/joined"
    assert "You are on the waitlist for" in text(client.get("/reservations/waitlist/joined"))
    entry = db.session.scalars(sa.select(WaitlistEntry)).one()
    assert entry.status == WaitlistStatus.WAITING

    diner.post(f"/reservations/{taken[0]}/cancel", {})
    offer = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == "wren@example.com")).one()
    assert offer.subject.startswith("A table for 2 is free on")
    assert f"http://127.0.0.1/reservations?date={DAY.isoformat()}&party=2&time=18:30" in offer.body_text
    db.session.expire_all()
    assert db.session.scalars(sa.select(WaitlistEntry)).one().status == WaitlistStatus.NOTIFIED


def test_a_large_party_sends_a_request(client, diner, room):
    page_url = f"/reservations/request?date={DAY.isoformat()}&party=12&time=19:00"
    page = text(client.get(page_url))
    assert "Request a table for a larger party" in page and 'value="12"' in page
    response = diner.post(page_url, {"date": DAY.isoformat(), "time": "19:00", "party": "12",
                                     "key": hidden_value(page, "key"), **DETAILS}, action="/reservations/request")
    assert response.status_code == 303
    manage = text(client.get(response.headers["Location"]))
    assert "Request received: we will email you when we have checked we can seat you." in manage
    assert "Cancel request" in manage and "Change booking" not in manage
    reservation = db.session.scalars(sa.select(Reservation)).one()
    assert reservation.status == ReservationStatus.REQUESTED and reservation.claims == []


# --- the account page --------------------------------------------------------------------------

def test_signed_in_customers_see_and_manage_their_reservations(client, auth, diner, room):
    make_user("casey@example.com", name="Casey Customer", phone="0117 496 1111")
    auth.login("casey@example.com", PASSWORD)
    link = booked_link(diner, "19:00", 2)
    page = text(client.get(link))
    assert 'value="Casey Customer"' in page and 'value="casey@example.com"' in page  # filled in
    diner.book(link, details={**DETAILS, "name": "Casey Customer", "email": "casey@example.com"})
    reservation = db.session.scalars(sa.select(Reservation)).one()
    assert reservation.user_id is not None
    make_reservation(local(DAY - timedelta(days=30), "12:00"), 3, [], user_id=reservation.user_id,
                     status=ReservationStatus.COMPLETED)
    account = text(client.get("/account/"))
    section = account.split('id="your-reservations"')[1]
    upcoming, past = section.split("Past and cancelled")
    assert f'href="/reservations/mine/{reservation.reference}"' in upcoming and "2 guests" in upcoming
    assert "3 guests" in past and "Completed" in past
    mine = client.get(f"/reservations/mine/{reservation.reference}")
    assert mine.status_code == 200 and f'href="/reservations/mine/{reservation.reference}/change"' in text(mine)

    # Someone else's reference is not found; signed out, the owner page asks to sign in.
    auth.logout()
    assert client.get(f"/reservations/mine/{reservation.reference}").status_code == 302
    make_user("other@example.com")
    auth.login("other@example.com", PASSWORD)
    assert client.get(f"/reservations/mine/{reservation.reference}").status_code == 404


# --- statement counts and rate limits ---------------------------------------------------------------

def test_the_availability_page_does_not_send_more_statements_for_more_bookings(client, count_queries, room):
    url = f"/reservations?date={DAY.isoformat()}&party=2&time=19:00"
    client.get(url)
    with count_queries() as few:
        client.get(url)
    for day in (DAY, DAY + timedelta(days=1), DAY + timedelta(days=2)):
        for hour in range(12, 21):
            make_reservation(local(day, f"{hour}:00"), 2, [room["T1"]], minutes=45)
            make_reservation(local(day, f"{hour}:00"), 4, [room["T4"]], minutes=45)
    with count_queries() as many:
        page = text(client.get(url))
    assert "19:00 is free" in page
    assert many.count == few.count, (few.statements, many.statements)
    assert many.count <= 4, many.statements  # the budget (issue 16): claims and pacing, nothing else


def test_the_htmx_times_of_a_busy_day_stay_small_and_cheap(client, count_queries, app_ctx):
    """Issue 16's budgets for the availability fragment: ≤ 8 KB raw and ≤ 4 statements, on a long
    day with three areas, the wanted time taken (nearest times, all times, next days)."""
    tables = [(f"{area[0].upper()}{n}", 1, 2 if n % 2 else 4) for area in ("inside", "terrace", "window")
              for n in range(1, 5)]
    made = make_room(tables=tables, combinations=(), opens="08:00", closes="22:00")
    for name, table in made.items():
        table.area = {"I": "inside", "T": "terrace", "W": "window"}[name[0]]
    db.session.commit()
    for name in made:  # 19:00 is taken everywhere, so the nearest times are shown too
        make_reservation(local(DAY, "18:30"), 2, [made[name]], minutes=120)
    url = f"/reservations?date={DAY.isoformat()}&party=2&time=19:00"
    htmx = {**HTMX, "HX-Target": "times", "HX-Current-URL": "http://localhost/reservations"}
    client.get(url, headers=htmx)
    with count_queries() as counted:
        fragment = client.get(url, headers=htmx)
    body = text(fragment)
    assert fragment.status_code == 200 and "19:00 is not available" in body
    assert "Nearest free times" in body and "Next days with space" in body
    assert len(book_links(body)) >= 50  # a long day: 08:00 … 20:45 less the taken evening, and more
    assert len(fragment.data) <= 8 * 1024, len(fragment.data)
    assert counted.count <= 4, counted.statements
    page = client.get(url)  # the full page still carries the whole finder around the same times
    assert len(book_links(text(page))) == len(book_links(body)) and 'id="reservation-search"' in text(page)


def test_booking_posts_are_rate_limited_with_a_friendly_page(client, room):
    token = csrf_from(client.get("/reservations/book").data)
    statuses = [client.post("/reservations/book", data={"csrf_token": token}).status_code for _ in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    assert "Too many attempts" in text(client.post("/reservations/book", data={"csrf_token": token}))
