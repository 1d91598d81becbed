"""Checkout's postcode, day-then-time picker and live refreshes, over HTTP (issue 11, points 2–4).

The shop is open 08:00–17:00 every day; the clock is Friday 20 November 2026, 10:00 in London."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.checkout.models import SlotBooking
from storefront.extensions import db
from storefront.orders.models import Order
from tests.support.builders import make_closure, make_product
from tests.support.checkout import FIXED_NOW, CheckoutClient, open_shop
from tests.support.html import field_errors, hidden_value, soup

HTMX = {"HX-Request": "true"}
DELIVERY = dict(fulfilment="delivery", address_line="12 Mill Lane", city="Bristol")


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def checkout(client, app_ctx):
    open_shop()
    shopper = CheckoutClient(client)
    shopper.add(make_product("Sourdough loaf", price="5.00").id, 3)   # £15.00: over the zone's £12 minimum
    return shopper


def orders() -> list[Order]:
    return list(db.session.scalars(sa.select(Order)))


def words(response) -> str:
    return " ".join(soup(response.get_data(as_text=True)).get_text().split())


def status_text(response, region: str) -> str:
    node = soup(response.get_data(as_text=True)).select_one(f"#{region}")
    return " ".join(node.get_text(" ").split()) if node else ""


# --- postcode --------------------------------------------------------------------------------

@pytest.mark.parametrize("postcode, stored", [("BS1", "BS1"), ("bs1", "BS1"), ("bs2 0aa", "BS2 0AA"),
                                              ("BS14QA", "BS1 4QA")])
def test_a_full_postcode_or_its_outward_part_is_delivered_to(checkout, postcode, stored):
    response = checkout.place(**DELIVERY, postcode=postcode)
    assert response.status_code == 303, field_errors(response)
    (order,) = orders()
    assert order.postcode == stored and order.delivery_fee == Decimal("2.50") and order.total == Decimal("17.50")


def test_the_postcode_hint_says_what_is_needed_and_where_we_deliver(checkout):
    page = checkout.post({**checkout.form(fulfilment="delivery"), "action": "update"})
    hint = soup(page.get_data(as_text=True)).select_one("#postcode-hint").get_text(" ", strip=True)
    assert hint == "Your full postcode (like BS1 4QA) or just its first part (like BS1). We deliver to BS1, BS2."


@pytest.mark.parametrize("postcode, message", [
    ("BS1 4", "Enter a UK postcode, like BS1 4QA, or just its first part, like BS1"),
    ("12345", "Enter a UK postcode, like BS1 4QA, or just its first part, like BS1"),
    ("QQ1 1AA", "Enter a UK postcode, like BS1 4QA, or just its first part, like BS1"),
    ("BS1 4QA\u202e", "We can't accept control or text-direction characters here, so we have taken them out. "
                      "Please check it and try again."),
    ("SW1A", "Sorry, we don’t deliver to that postcode yet. Choose pickup, or try another address."),
    ("SW1A 1AA", "Sorry, we don’t deliver to that postcode yet. Choose pickup, or try another address."),
])
def test_a_bad_postcode_gets_exactly_one_message_and_nothing_is_written(checkout, postcode, message):
    for headers in ({}, HTMX):
        response = checkout.post({**checkout.form(**DELIVERY, postcode=postcode)}, headers=headers)
        assert response.status_code == 422
        assert field_errors(response).get("postcode") == message
        links = soup(response.get_data(as_text=True)).select(".error-summary a[href='#postcode']")
        assert [link.get_text(strip=True) for link in links] == [message]
    assert orders() == []


def test_a_huge_postcode_is_refused_beside_the_field(checkout):
    response = checkout.post(checkout.form(**DELIVERY, postcode="B" * 5000))
    assert response.status_code == 422 and "postcode" in field_errors(response) and orders() == []


def test_the_message_is_always_about_the_value_now_in_the_field(checkout):
    wrong = checkout.post({**checkout.form(**DELIVERY, postcode="SW1A"), "action": "refresh"}, headers=HTMX)
    assert "we don’t deliver" in status_text(wrong, "postcode-status")
    fixed = checkout.post({**checkout.form(**DELIVERY, postcode="BS1"), "action": "refresh"}, headers=HTMX)
    assert status_text(fixed, "postcode-status") == "Delivering to Centre: £2.50 (minimum order £12.00)."
    assert "postcode" not in field_errors(fixed)
    assert status_text(fixed, "bar-total") == "Total £17.50"


# --- live refresh ----------------------------------------------------------------------------

def test_a_refresh_answers_the_regions_it_swaps_and_follows_every_choice(checkout):
    form = checkout.form()
    pickup = checkout.post({**form, "action": "refresh"}, headers=HTMX)
    assert "<html" not in pickup.get_data(as_text=True)
    assert hidden_value(pickup, "shown_total") == "15.00"
    delivery = checkout.post({**form, **DELIVERY, "postcode": "BS2", "action": "refresh"}, headers=HTMX)
    assert hidden_value(delivery, "shown_total") == "17.50"
    assert "Delivery £2.50" in status_text(delivery, "checkout-totals")
    # A refresh is not an attempt: nothing is placed, the one-time key is kept, no field but the
    # ones it swaps gets a message (the name and phone are still empty here).
    blank = checkout.post({**form, "name": "", "phone": "", "action": "refresh"}, headers=HTMX)
    assert blank.status_code == 200 and field_errors(blank) == {} and orders() == []
    assert hidden_value(blank, "key") == form["key"]


def test_the_total_shown_after_a_refresh_is_the_total_charged(checkout):
    data = checkout.form(**DELIVERY, postcode="BS1")
    refreshed = checkout.post({**data, "action": "refresh"}, headers=HTMX)
    data.update(shown_total=hidden_value(refreshed, "shown_total"), promo_seen=hidden_value(refreshed, "promo_seen"))
    placed = checkout.post(data, headers=HTMX)
    assert placed.status_code == 200 and "HX-Redirect" in placed.headers
    (order,) = orders()
    assert str(order.total) == data["shown_total"] == "17.50"


def test_a_stale_total_is_still_refused(checkout):
    data = checkout.form(**DELIVERY, postcode="BS1")   # shown_total is the pickup page's £15.00
    response = checkout.post(data)
    assert response.status_code == 422 and orders() == []
    assert "Your total has changed to £17.50" in words(response)


# --- day, then time ----------------------------------------------------------------------------

def day_options(response) -> dict[str, tuple[str, bool]]:
    page = soup(response.get_data(as_text=True))
    return {o["value"]: (" ".join(o.get_text().split()), o.has_attr("disabled")) for o in page.select("select#day option")}


def test_the_day_and_the_time_are_both_visible_and_closed_days_say_why(checkout):
    make_closure(date(2026, 11, 22), reason="Staff training")
    page = checkout.client.get("/checkout")
    days = day_options(page)
    assert days["2026-11-20"] == ("Today, Friday 20 November", False)
    assert days["2026-11-22"] == ("Sunday 22 November – Closed: Staff training", True)
    assert len(days) == 8
    times = [o.get_text(strip=True) for o in soup(page.get_data(as_text=True)).select("select#when option")]
    assert times[0] == "As soon as possible (about 30 min)" and times[1] == "10:30" and times[-1] == "16:45"


def test_choosing_another_day_shows_its_times(checkout):
    response = checkout.post({**checkout.form(), "day": "2026-11-21", "action": "refresh"}, headers=HTMX)
    times = [o["value"] for o in soup(response.get_data(as_text=True)).select("select#when option")]
    assert times[0] == "2026-11-21T08:00+00:00" and "asap" not in times
    assert all(value.startswith("2026-11-21") for value in times)


def test_when_today_has_no_times_the_page_says_why(checkout):
    with mock.patch("storefront.store.current.utcnow", return_value=datetime(2026, 11, 20, 16, 50, tzinfo=UTC)):
        page = checkout.client.get("/checkout")
    assert "Not today: Past last orders for today." in words(page)
    assert day_options(page)["2026-11-20"] == ("Today, Friday 20 November – Past last orders for today", True)
    selected = soup(page.get_data(as_text=True)).select_one("select#day option[selected]")
    assert selected["value"] == "2026-11-21"


def test_a_fully_booked_day_says_so(checkout):
    for hour in range(8, 17):
        for minute in (0, 15, 30, 45):
            db.session.add(SlotBooking(slot_start=datetime(2026, 11, 21, hour, minute, tzinfo=UTC), orders_count=3))
    db.session.commit()
    assert day_options(checkout.client.get("/checkout"))["2026-11-21"] == ("Saturday 21 November – Fully booked", True)


def test_a_time_from_another_day_than_the_one_chosen_is_not_ordered(checkout):
    # Without JavaScript: Saturday chosen in the day list, then "Place order" with Friday's time.
    data = checkout.form(when="2026-11-20T12:00Z", day="2026-11-21")
    data["shown_total"] = checkout.quote_total({**data, "day": "2026-11-20"})
    response = checkout.post(data)
    assert response.status_code == 422 and orders() == []
    assert field_errors(response)["when"] == "Choose a time on Saturday 21 November, then place the order."
    # The page now shows Saturday's times, the first selected: placing again orders that one.
    retry = {**data, "key": hidden_value(response, "key"), "when": soup(response.get_data(as_text=True)).select_one(
        "select#when option[selected]")["value"]}
    assert checkout.post(retry).status_code == 303
    assert orders()[0].slot_start == datetime(2026, 11, 21, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("day, when, field, message", [
    ("x" * 5000, "asap", "day", "Choose a day from the list"),
    ("2026-11-20", "2026-11-21T12:07Z", "when", "That time is not available. Choose one of the times shown."),
    ("2026-11-21", "2026-11-21T07:00Z", "when", "That time is not available. Choose one of the times shown."),
    ("2026-11-20", "2026-11-20T10:30", "when", "That time is not available. Choose one of the times shown."),
    ("2026-11-20", "", "when", "That time is not available. Choose one of the times shown."),
])
def test_forged_days_and_times_get_a_message_and_write_nothing(checkout, day, when, field, message):
    response = checkout.post({**checkout.form(), "day": day, "when": when, "shown_total": "15.00"})
    assert response.status_code == 422 and orders() == []
    assert field_errors(response).get(field) == message


def test_an_unknown_day_with_as_soon_as_possible_orders_for_now(checkout):
    # The day list only chooses which times are shown; "as soon as possible" is today's.
    response = checkout.post({**checkout.form(), "day": "1999-01-01", "when": "asap", "shown_total": "15.00"})
    assert response.status_code == 303
    assert orders()[0].slot_start == datetime(2026, 11, 20, 10, 30, tzinfo=UTC)


def test_refreshes_carrying_a_code_already_checked_are_not_new_promo_attempts(checkout):
    data = {**checkout.form(), "promo_code": "NOSUCH", "action": "refresh"}
    statuses = {checkout.post(data, headers=HTMX).status_code for _ in range(15)}
    assert statuses == {422}   # "We don’t recognise that code." each time, never "Too many attempts"
    # New codes still count: NOSUCH was one attempt, nine more reach the limit of ten a minute.
    guesses = [checkout.post({**data, "promo_code": f"GUESS{i}"}).status_code for i in range(10)]
    assert guesses[:9] == [422] * 9 and guesses[9] == 429


def test_a_live_refresh_reads_a_fixed_number_of_statements(checkout, count_queries):
    data = {**checkout.form(**DELIVERY, postcode="BS1"), "promo_code": "NOSUCH", "action": "refresh"}
    checkout.post(data, headers=HTMX)
    with count_queries() as few:
        checkout.post(data, headers=HTMX)
    for i in range(8):
        checkout.add(make_product(f"Scone {i}", price="1.00").id)
    with count_queries() as many:
        checkout.post(data, headers=HTMX)
    assert few.count == many.count
