"""The same account deleted from two devices at the same moment, over real HTTP on PostgreSQL:
it is deleted once (one confirmation email, one audit row), and neither request fails."""
from __future__ import annotations

import sqlalchemy as sa

from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from tests.concurrency.test_cart_concurrency import Browser
from tests.concurrency.test_checkout_concurrency import all_at_once
from tests.support.builders import PASSWORD, make_store, make_user
from tests.support.servers import LiveServer


def test_two_devices_delete_the_same_account_at_once_it_is_deleted_once(pg_app):
    make_store()
    user_id = make_user("quillon@example.com", name="Quillon Marchetti").id
    server = LiveServer(pg_app).start()
    try:
        devices = []
        for _ in range(2):
            device = Browser()
            token = device.csrf(server.url)
            assert device.post(server.url + "/account/login", {"csrf_token": token, "email": "quillon@example.com",
                                                               "password": PASSWORD}) == 200
            devices.append((device, device.csrf(server.url)))
        url = server.url + "/account/privacy/delete"
        results = all_at_once([
            lambda device=device, token=token: device.post_page(url, {"csrf_token": token, "password": PASSWORD,
                                                                      "confirm": "y"})
            for device, token in devices])
    finally:
        server.stop()
    assert all(status < 500 for status, _ in results), [status for status, _ in results]
    assert sum("Your account is deleted" in page for _, page in results) == 1
    db.session.expire_all()
    confirmations = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.subject.startswith("Your account is deleted")))
    deletions = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                  .where(AuditEntry.action == "account.deleted", AuditEntry.target_id == str(user_id)))
    assert (confirmations, deletions) == (1, 1)
