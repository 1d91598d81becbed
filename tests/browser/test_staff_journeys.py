"""Staff journeys in a real browser, each with JavaScript on and off: move an order through the
kitchen, print its ticket, pause and resume online orders, seat and complete a booking, accept a
large-party request, find the change in the audit log — every staff page checked by axe-core
and the Nu HTML checker. And the customer's open order page following the board, live."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from storefront.accounts.models import Role
from storefront.core.security import new_token, token_digest
from storefront.reservations.models import ReservationStatus
from tests.support.builders import PASSWORD, make_store, make_user
from tests.support.orders import make_order
from tests.support.reservations import future_day, local, make_reservation, make_rules, make_table, open_every_day

from .harness import check_page


def sign_in(page: Page, email: str = "staff@example.com") -> None:
    page.goto("/account/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff")).to_be_visible()


def column(page: Page, title: str):
    return page.get_by_role("region", name=re.compile(f"^{re.escape(title)}"))


def test_move_an_order_through_the_kitchen_print_its_ticket_and_pause(page: Page, live_server, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("staff@example.com", role=Role.STAFF)
        number = make_order(note="No sesame, please").number
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Today")
    check_page(page, nu_checker, "staff dashboard")

    page.get_by_role("link", name="Open the order board").click()
    expect(column(page, "New").get_by_role("heading", name=re.compile(number))).to_be_visible()
    expect(page.get_by_text("No sesame, please")).to_be_visible()
    check_page(page, nu_checker, "order board")

    for button, title, news in (("Confirm", "Confirmed", "confirmed by the shop"),
                                ("Start preparing", "Preparing", "being prepared"),
                                ("Ready to collect", "Ready", "ready to collect")):
        page.get_by_role("button", name=f"{button} order {number}").click()
        expect(page.get_by_text(f"Order {number}: {news}.")).to_be_visible()
        expect(column(page, title).get_by_role("heading", name=re.compile(number))).to_be_visible()
    check_page(page, nu_checker, "order board after moves")

    page.get_by_role("link", name=f"Ticket for order {number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Order {number}")
    expect(page.get_by_text("No sesame, please")).to_be_visible()
    check_page(page, nu_checker, "kitchen ticket")
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name="Main")).to_be_hidden()
    page.emulate_media(media="screen")
    page.get_by_role("link", name="Back to the board").click()

    page.get_by_role("button", name=f"Complete order {number}").click()
    expect(page.get_by_text(f"Order {number}: completed.")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(number))).to_have_count(0)

    page.get_by_role("button", name="Pause online orders").click()
    expect(page.get_by_text("Online orders are paused.", exact=False).first).to_be_visible()
    check_page(page, nu_checker, "order board, paused")
    page.get_by_role("button", name="Resume online orders").click()
    expect(page.get_by_role("button", name="Pause online orders")).to_be_visible()

    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Audit log").click()
    page.get_by_label("Record (order number, booking id…)").fill(number)
    page.get_by_role("button", name="Filter").click()
    results = page.locator("#audit-results")
    expect(results).to_contain_text("ready → completed")
    expect(results).to_contain_text("placed → confirmed")
    check_page(page, nu_checker, "audit log")


def test_seat_and_complete_a_booking_and_accept_a_request(page: Page, live_server, db_data, nu_checker):
    day = future_day(1)
    with db_data():
        make_store()
        open_every_day()
        make_rules()
        t1 = make_table("T1", 1, 2, position=1)
        make_table("T9", 6, 12, online=False, position=9)
        make_user("staff@example.com", role=Role.STAFF)
        booking = make_reservation(local(day, "19:00"), 2, [t1], name="Kim Lovelace")[0].reference
        request = make_reservation(local(day, "13:00"), 10, [], status=ReservationStatus.REQUESTED,
                                   name="Office party")[0].reference
    sign_in(page)
    page.goto(f"/staff/reservations?date={day.isoformat()}")
    row = page.locator(f"#booking-{booking}")
    expect(row).to_contain_text("Confirmed")
    check_page(page, nu_checker, "reservation book")

    page.get_by_role("button", name=f"Seat {booking} (Kim Lovelace)").click()
    expect(page.get_by_text(f"{booking} (Kim Lovelace): seated.")).to_be_visible()
    page.get_by_role("button", name=f"Complete {booking} (Kim Lovelace)").click()
    expect(page.get_by_text(f"{booking} (Kim Lovelace): completed.")).to_be_visible()
    expect(row).to_contain_text("Completed")

    page.get_by_role("link", name=f"Choose tables… for request {request}").click()
    expect(page.get_by_role("radio", name=re.compile("^T9"))).to_be_checked()
    check_page(page, nu_checker, "accept a request")
    page.get_by_role("button", name="Accept and email the diner").click()
    expect(page.get_by_text(f"Request {request} (Office party) accepted: tables T9.")).to_be_visible()
    expect(page.get_by_text("No requests are waiting.")).to_be_visible()

    # A walk-in outside opening hours: a clear message beside the field, nothing booked.
    page.get_by_label("Time", exact=True).fill("23:30")
    page.get_by_label("Number of guests", exact=True).fill("2")
    page.get_by_label("Name", exact=True).fill("Late Walker")
    page.get_by_role("button", name="Book table").click()
    expect(page.locator("#time-error")).to_contain_text("Choose one of the times we show")
    check_page(page, nu_checker, "reservation book with a refused walk-in")


def test_the_customer_page_follows_the_board_live(browser, base_url, live_server, db_data):
    """Two windows, JavaScript on: staff confirm on the board; the customer's open order page
    shows it without a reload, and one email is queued."""
    import sqlalchemy as sa

    from storefront.core.outbox import OutboxMessage

    token = new_token()
    with db_data():
        make_store()
        make_user("staff@example.com", role=Role.STAFF)
        number = make_order(token_hash=token_digest(token)).number
    customer = browser.new_context(base_url=base_url).new_page()
    staff = browser.new_context(base_url=base_url).new_page()
    try:
        customer.goto(f"/orders/{number}?key={token}")
        status = customer.locator(".status-now")
        expect(status).to_have_text("Order placed")
        customer_url = customer.url

        sign_in(staff)
        staff.goto("/staff/orders")
        staff.get_by_role("button", name=f"Confirm order {number}").click()
        expect(staff.get_by_text(f"Order {number}: confirmed by the shop.")).to_be_visible()

        # The customer's status panel polls every 20 s; wait for the swap, not a fixed time.
        expect(status).to_have_text("Confirmed by the shop", timeout=45_000)
        assert customer.url == customer_url  # no reload, no navigation
    finally:
        customer.context.close()
        staff.context.close()
    with db_data() as session:
        subjects = session.scalars(sa.select(OutboxMessage.subject)).all()
    assert [s.split(" – ")[0] for s in subjects if "confirmed" in s] == [f"Order {number} confirmed"]


def test_the_board_refreshes_itself_keeps_focus_and_flags_a_new_order(browser, base_url, live_server, db_data):
    """JavaScript on: the board's poll brings in a new order, flashes the board, and leaves the
    operator's keyboard focus on the button it was on."""
    with db_data():
        make_store()
        make_user("staff@example.com", role=Role.STAFF)
        first = make_order().number
    page = browser.new_context(base_url=base_url).new_page()
    try:
        sign_in(page)
        page.goto("/staff/orders")
        button = page.get_by_role("button", name=f"Confirm order {first}")
        button.focus()
        with db_data():
            second = make_order().number
        with page.expect_response(lambda r: r.url.endswith("/staff/orders") and r.request.method == "GET"
                                  and r.request.headers.get("hx-request") == "true", timeout=30_000):
            pass
        expect(page.get_by_role("heading", name=re.compile(second))).to_be_visible()
        expect(page.locator("#board")).to_have_class(re.compile("board--new"))
        expect(page.get_by_role("button", name=f"Confirm order {first}")).to_be_focused()
    finally:
        page.context.close()
