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
from tests.concurrency.test_cart_concurrency import Browser
from tests.concurrency.test_checkout_concurrency import all_at_once
from tests.support.builders import PASSWORD, make_user
from tests.support.orders import make_order
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
    assert "has just been changed by someone else" in loser_page or "has changed since this page was loaded" in loser_page
    db.session.expire_all()
    assert db.session.scalar(sa.select(Order.status).where(Order.id == order.id)) == Status.CONFIRMED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderStatusChange)
                             .where(OrderStatusChange.to_status == Status.CONFIRMED)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1
