"""Reservation journeys in a real browser, each with JavaScript on and off: find a time, book,
open the manage link from the email, change the time, cancel; and join the waitlist when the day
is full. Every page and state the diner sees passes the Nu HTML checker and axe-core."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.core.outbox import OutboxMessage
from storefront.reservations.models import Reservation, WaitlistEntry
from tests.support.reservations import TABLES, future_day, local, make_reservation, make_room

from .harness import check_page
from .pages import press

DAY = future_day(5)
DAY_LABEL = f"{DAY:%A}, {DAY.day} {DAY:%B %Y}"


def seed(db_data, *, full_evening: bool = False) -> None:
    with db_data():
        tables = list(make_room(TABLES[:3], (), store={"name": "Loaf & Ladle", "phone": "0117 496 0123"}).values())
        if full_evening:
            for table in tables:
                make_reservation(local(DAY, "12:00"), 2, [table], minutes=600)


def emailed_manage_path(db_data, email: str) -> str:
    with db_data() as session:
        bodies = session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.to_address == email)
                                 .order_by(OutboxMessage.id)).all()
    match = re.search(r"http://127\.0\.0\.1(/reservations/[A-Za-z0-9_-]{40,})\n", bodies[0])
    assert match, bodies[0]
    return match.group(1)


def test_find_book_change_and_cancel(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed(db_data)
    page.goto("/reservations")
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a table")
    check_page(page, nu_checker, "reservations page")

    # Find a time: a GET form, swapped in place by htmx.
    page.get_by_label("Date").fill(DAY.isoformat())
    page.get_by_label("Number of guests").fill("2")
    page.get_by_label("Preferred time (optional)").fill("19:00")
    answer = press(page, "Find a table", "/reservations", js=js_enabled, method="GET")
    assert answer.status == 200
    results = page.get_by_role("region", name=f"{DAY_LABEL}, 2 guests")
    expect(results.get_by_role("status").first).to_have_text(re.compile("19:00 is free"))
    if js_enabled:  # the address follows the search, so Back and sharing work
        expect(page).to_have_url(re.compile(rf"/reservations\?date={DAY.isoformat()}&party=2&time=19:00$"))
        # Only the times travel (issue 16: a fragment ≤ 8 KB), into a live region; the form keeps focus.
        assert answer.text().lstrip().startswith('<section id="availability"') and len(answer.body()) <= 8 * 1024
        expect(page.locator('#times[aria-live="polite"]')).to_contain_text("19:00 is free")
        expect(page.locator("#find-button")).to_be_focused()
    check_page(page, nu_checker, "free times")

    # Choose 19:00 and give the details; nothing filled in first.
    results.get_by_role("list", name=f"Free times on {DAY_LABEL}").get_by_role("button", name="19:00", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_role("region", name="Cancellation policy")).to_contain_text("until 2 hours before it starts")
    check_page(page, nu_checker, "booking form")
    answer = press(page, "Book table", "/reservations/book", js=js_enabled)
    assert answer.status == 422
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link", name="Enter your name")).to_be_visible()
    expect(page.locator("#phone-error")).to_have_text("Error: Enter a phone number, so we can reach you if plans change")
    check_page(page, nu_checker, "booking form with errors")

    page.get_by_label("Full name").fill("Robin Rye")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_label("Phone number").fill("0117 496 0000")
    page.get_by_label("Occasion (optional)").select_option("Birthday")
    page.get_by_label("Special requests (optional)").fill("A high chair, please.")
    press(page, "Book table", "/reservations/book", js=js_enabled)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your booking")
    expect(page.get_by_role("status")).to_contain_text("Your table is booked.")
    expect(page.locator(".booking-details")).to_contain_text(f"{DAY_LABEL} at 19:00")
    check_page(page, nu_checker, "confirmation")

    # The emailed manage link opens the same page.
    manage = emailed_manage_path(db_data, "robin@example.com")
    expect(page).to_have_url(live_server.url + manage)
    page.goto(manage)
    expect(page.get_by_text("Confirmed: a table inside.")).to_be_visible()
    expect(page.get_by_role("link", name="Add to your calendar (.ics file)")).to_have_attribute(
        "href", manage + "/calendar.ics")
    check_page(page, nu_checker, "manage page")

    # Change the time: 20:00 the same day.
    page.get_by_role("link", name="Change booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Change your booking")
    times = page.get_by_role("group", name=f"Move to a free time on {DAY_LABEL} (2 guests)")
    expect(times.get_by_role("button", name="19:00", exact=True)).to_be_visible()  # its own time is free to it
    check_page(page, nu_checker, "change page")
    press(page, "20:00", re.compile(r"/change$"), js=js_enabled)
    expect(page).to_have_url(live_server.url + manage)
    expect(page.get_by_role("status")).to_contain_text(f"Your booking is changed to {DAY_LABEL} at 20:00 for 2 guests.")
    expect(page.locator(".booking-details")).to_contain_text(f"{DAY_LABEL} at 20:00")
    check_page(page, nu_checker, "manage page after the change")

    # Cancel.
    page.get_by_role("link", name="Cancel booking").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your booking")
    check_page(page, nu_checker, "cancel page")
    press(page, "Yes, cancel it", re.compile(r"/cancel$"), js=js_enabled)
    expect(page).to_have_url(live_server.url + manage)
    expect(page.get_by_role("status")).to_contain_text("Your booking is cancelled.")
    expect(page.get_by_text("Cancelled.", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Change booking")).to_have_count(0)
    check_page(page, nu_checker, "manage page after cancelling")

    with db_data() as session:
        reservation = session.scalars(sa.select(Reservation)).one()
        assert reservation.status.value == "cancelled" and reservation.starts_at == local(DAY, "20:00")
        assert [h.to_status for h in reservation.history] == ["confirmed", "confirmed", "cancelled"]


def test_join_the_waitlist_when_the_day_is_full(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed(db_data, full_evening=True)
    page.goto(f"/reservations?date={DAY.isoformat()}&party=2&time=19:00")
    results = page.get_by_role("region", name=f"{DAY_LABEL}, 2 guests")
    expect(results).to_contain_text("19:00 is not available for 2 guests.")
    expect(results).to_contain_text("There are no free tables for 2 guests that day.")
    expect(results.get_by_role("heading", name="Next days with space")).to_be_visible()
    check_page(page, nu_checker, "a full day")

    results.get_by_role("link", name="Join the waitlist").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the waitlist")
    expect(page.get_by_label("Date")).to_have_value(DAY.isoformat())
    expect(page.get_by_label("Earliest time")).to_have_value("18:00")
    expect(page.get_by_label("Latest time")).to_have_value("20:00")
    check_page(page, nu_checker, "waitlist form")

    page.get_by_label("Latest time").fill("17:00")
    answer = press(page, "Join the waitlist", "/reservations/waitlist", js=js_enabled)
    assert answer.status == 422
    expect(page.locator("#window_end-error")).to_have_text("Error: The latest time must be after the earliest time.")
    check_page(page, nu_checker, "waitlist form with errors")

    page.get_by_label("Latest time").fill("21:00")
    page.get_by_label("Full name").fill("Wren Waiting")
    page.get_by_label("Email address").fill("wren@example.com")
    page.get_by_label("Phone number").fill("0117 000 1111")
    press(page, "Join the waitlist", "/reservations/waitlist", js=js_enabled)
    expect(page).to_have_url(live_server.url + "/reservations/waitlist/joined")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waitlist")
    expect(page.get_by_role("status")).to_contain_text(f"You are on the waitlist for {DAY:%A} {DAY.day} {DAY:%B}.")
    check_page(page, nu_checker, "waitlist joined")
    with db_data() as session:
        entry = session.scalars(sa.select(WaitlistEntry)).one()
        assert (entry.email, entry.party_size, entry.local_date) == ("wren@example.com", 2, DAY)


def active_id(page: Page) -> str:
    return page.evaluate("() => document.activeElement ? document.activeElement.id : ''")


def tab_to(page: Page, element_id: str, *, leaving: str | None, limit: int) -> None:
    """Press Tab until `element_id` has focus; on the way focus may only stay inside `leaving`
    (date and time inputs take a Tab per part: day, month, year)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        current = active_id(page)
        if current == element_id:
            return
        assert leaving is None or current == leaving, f"Tab went to #{current} before #{element_id}"
    raise AssertionError(f"#{element_id} not reached in {limit} presses of Tab")


def test_the_search_by_keyboard(page: Page, live_server, db_data, nu_checker):
    seed(db_data)
    page.goto(f"/reservations?date={DAY.isoformat()}&party=2")
    check_page(page, nu_checker, "free times")
    tab_to(page, "date", leaving=None, limit=20)  # past the skip link and the header
    for element_id, leaving in (("party", "date"), ("time", "party"), ("find-button", "time")):
        tab_to(page, element_id, leaving=leaving, limit=4)
        focused = page.locator(f"#{element_id}")
        expect(focused).to_be_focused()
        expect(focused).not_to_have_css("outline-style", "none")
    # The first free time is the next stop, and Enter opens it.
    page.keyboard.press("Tab")
    first = page.get_by_role("list", name=f"Free times on {DAY_LABEL}").get_by_role("button", name="12:00", exact=True)
    expect(first).to_be_focused()
    expect(first).not_to_have_css("outline-style", "none")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your details")
    expect(page.get_by_role("region", name="Your table")).to_contain_text(f"{DAY_LABEL} at 12:00")


def test_a_search_with_a_mistake_and_then_without(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed(db_data)
    page.goto("/reservations")
    page.get_by_label("Date").fill("")
    answer = press(page, "Find a table", "/reservations", js=js_enabled, method="GET")
    assert answer.status == 422
    expect(page.locator("#date-error")).to_be_visible()
    expect(page.locator("#times")).to_be_empty()
    check_page(page, nu_checker, "search with errors")
    page.get_by_label("Date").fill(DAY.isoformat())
    answer = press(page, "Find a table", "/reservations", js=js_enabled, method="GET")
    assert answer.status == 200
    expect(page.locator("#date-error")).to_have_count(0)  # the mistake is gone with its message
    expect(page.get_by_role("list", name=f"Free times on {DAY_LABEL}").get_by_role("button")).not_to_have_count(0)
    expect(page.get_by_role("alert")).to_have_count(0)
    check_page(page, nu_checker, "free times after a mistake")
