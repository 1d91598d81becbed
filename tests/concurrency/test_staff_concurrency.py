"""Two staff members press "Confirm" on the same order at the same moment, over real HTTP on
PostgreSQL: exactly one move happens (one history row, one email, one audit row) and the other
person is told the order changed."""
from __future__ import annotations

import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.orders.models import Order, OrderStatusChange, Status
from storefront.reservations.models import Reservation, TableClaim
from tests.concurrency.test_cart_concurrency import Browser
from tests.concurrency.test_checkout_concurrency import all_at_once
from tests.concurrency.test_reservation_concurrency import DAY, Diner
from tests.support.builders import PASSWORD, make_store, make_user
from tests.support.html import csrf_from
from tests.support.orders import make_order
from tests.support.reservations import local, make_rules, make_table, open_every_day
from tests.support.servers import LiveServer


def signed_in_staff(base: str, email: str) -> tuple[Browser, str]:
    person = Browser()
    token = person.csrf(base)
    assert person.post(base + "/account/login", {"csrf_token": token, "email": email, "password": PASSWORD}) == 200
    return person, person.csrf(base)  # a new session at sign-in, so a new token


def test_two_staff_confirm_the_same_order_at_once_one_wins_the_other_is_told(pg_app):
    for email in ("ana@example.com", "ben@example.com"):
        make_user(email, role=Role.STAFF)
    order = make_order()
    server = LiveServer(pg_app).start()
    try:
        staff = [signed_in_staff(server.url, email) for email in ("ana@example.com", "ben@example.com")]
        url = f"{server.url}/staff/orders/{order.number}/move"
        results = all_at_once([
            lambda person=person, token=token: person.post_page(url, {"csrf_token": token, "to": "confirmed",
                                                                      "seen": "placed"})
            for person, token in staff])
    finally:
        server.stop()
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 422]
    loser_page = next(page for status, page in results if status == 422)
    assert ("has just been changed by someone else" in loser_page
            or "has changed since this page was loaded" in loser_page)
    db.session.expire_all()
    assert db.session.scalar(sa.select(Order.status).where(Order.id == order.id)) == Status.CONFIRMED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderStatusChange)
                             .where(OrderStatusChange.to_status == Status.CONFIRMED)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


def test_a_walk_in_and_an_online_booking_race_for_the_last_table_exactly_one_wins(make_app, app_ctx):
    """Real HTTP, a thread per request, the suite's database: the staff's walk-in form and a
    diner's "Book table" take the same day lock, so the last table goes to exactly one."""
    make_store()
    make_rules(pacing_guests_per_slot=100)
    open_every_day("12:00", "22:00")
    table = make_table("T1", 1, 2)
    make_user("staff@example.com", role=Role.STAFF)
    server = LiveServer(make_app(RATELIMIT_ENABLED=False)).start()
    try:
        diner = Diner(server.url)
        start = local(DAY, "19:00").astimezone(local(DAY, "12:00").tzinfo).isoformat(timespec="minutes")
        online_form = diner.booking_form(start, 2, 1)
        staff = Diner(server.url)
        login_page = staff.open("/account/login")[1]
        assert staff.open("/account/login", {"csrf_token": csrf_from(login_page), "email": "staff@example.com",
                                             "password": PASSWORD})[0] == 303
        status, book_page, _ = staff.open(f"/staff/reservations?date={DAY.isoformat()}")
        assert status == 200
        staff_token = csrf_from(book_page)
        key = book_page.split('name="key" type="hidden" value="')[1].split('"')[0]
        walk_in_form = {"csrf_token": staff_token, "key": key, "channel": "walk-in", "time": "19:00", "party": "2",
                        "name": "Walk In", "phone": "", "email": ""}
        answers = all_at_once([
            lambda: diner.open("/reservations/book", online_form),
            lambda: staff.open(f"/staff/reservations/walk-in?date={DAY.isoformat()}", walk_in_form),
        ])
    finally:
        server.stop()
    assert sorted(status for status, _, _ in answers) == [303, 422]
    loser = next(body for status, body, _ in answers if status == 422)
    assert "no longer free" in loser
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reservation)) == 1
    assert [c.table_id for c in db.session.scalars(sa.select(TableClaim))] == [table.id]
