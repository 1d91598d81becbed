"""Two staff members add overlapping opening periods to an empty weekday at the same moment, over
real HTTP on PostgreSQL: the upkeep changes take turns, so exactly one period is saved and the
other person gets the overlap message beside the field."""
from __future__ import annotations

import time

import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.staff.shop import service
from storefront.store.models import OpeningPeriod
from tests.concurrency.test_checkout_concurrency import all_at_once
from tests.concurrency.test_staff_concurrency import signed_in_staff
from tests.support.builders import make_store, make_user
from tests.support.html import field_errors
from tests.support.servers import LiveServer


def test_two_overlapping_periods_saved_at_once_exactly_one_is_kept(pg_app, monkeypatch):
    # Widen the gap between the overlap check and the insert, so both requests are inside it
    # together unless the changes really take turns.
    snapshot = service.snapshot
    monkeypatch.setattr(service, "snapshot", lambda kind, row: time.sleep(0.2) or snapshot(kind, row))
    make_store()
    for email in ("ana@example.com", "ben@example.com"):
        make_user(email, role=Role.STAFF)
    server = LiveServer(pg_app).start()
    try:
        staff = [signed_in_staff(server.url, email) for email in ("ana@example.com", "ben@example.com")]
        url = f"{server.url}/staff/shop/hours/edit"
        results = all_at_once([
            lambda person=person, token=token, opens=opens: person.post_page(
                url, {"csrf_token": token, "weekday": "2", "opens_at": opens, "closes_at": "17:00"})
            for (person, token), opens in zip(staff, ("08:00", "09:00"), strict=True)])
    finally:
        server.stop()
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 422]  # the winner followed its 303 to the list
    loser = next(page for status, page in results if status == 422)
    assert field_errors(loser)["opens_at"].startswith("This overlaps Wednesday's")
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OpeningPeriod)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1
