""""Pause online orders" racing an order, over real HTTP on PostgreSQL. The order reads the switch
under a shared lock held until it commits, and the pause locks the row for update, so the two
never overlap: a pause pressed while an order is being written waits for that order, and an
order that arrives while a pause is being written waits for it and is refused. Each test holds
one side at the dangerous moment (an event, not a sleep) and checks the other side waits on the
row lock in PostgreSQL."""
from __future__ import annotations

import threading
import time

import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.checkout import service as checkout_service
from storefront.checkout.models import OrderingRules
from storefront.core import audit
from storefront.extensions import db
from storefront.staff import service as staff_service
from tests.concurrency.test_checkout_concurrency import order_count, server, shopper_ready_to_pay  # noqa: F401
from tests.concurrency.test_staff_concurrency import signed_in_staff
from tests.support.builders import make_product, make_user
from tests.support.checkout import open_shop


def _waiting_on_a_lock(seconds: float = 20) -> bool:
    """True as soon as another PostgreSQL session waits on a row lock (polled, bounded)."""
    deadline = time.monotonic() + seconds
    with db.engine.connect() as conn:
        while time.monotonic() < deadline:
            waiting = conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )).scalar()
            if waiting:
                return True
            conn.rollback()
            time.sleep(0.05)
    return False


def _paused() -> bool:
    db.session.expire_all()
    return db.session.scalar(sa.select(OrderingRules.orders_paused))


def _held(monkeypatch, target, name: str):
    """Make `target.name` stop at its call until released; `reached` is set when it is reached."""
    original = getattr(target, name)
    reached, release = threading.Event(), threading.Event()

    def waiting(*args, **kwargs):
        reached.set()
        assert release.wait(30), "the test never released the held call"
        return original(*args, **kwargs)

    monkeypatch.setattr(target, name, waiting)
    return reached, release


def _in_thread(call) -> tuple[threading.Thread, list]:
    result: list = []
    thread = threading.Thread(target=lambda: result.append(call()))
    thread.start()
    return thread, result


def test_a_pause_pressed_while_an_order_is_written_waits_for_that_order(pg_app, server, monkeypatch):  # noqa: F811
    open_shop()
    bun = make_product("Bun", price="2.00").id
    make_user("staff@example.com", role=Role.STAFF)
    shopper, order_form = shopper_ready_to_pay(server.url, bun)
    staff, token = signed_in_staff(server.url, "staff@example.com")
    reached, release = _held(monkeypatch, checkout_service, "write_order")  # after the switch was read

    order_thread, order = _in_thread(lambda: shopper.post(server.url + "/checkout", order_form))
    try:
        assert reached.wait(30)
        pause_thread, pause = _in_thread(lambda: staff.post(server.url + "/staff/orders/pause",
                                                            {"csrf_token": token, "paused": "on"}))
        assert _waiting_on_a_lock(), "the pause did not wait for the order being written"
        assert pause_thread.is_alive() and not _paused()
    finally:
        release.set()
        order_thread.join(60)
    pause_thread.join(60)
    assert order == [200] and pause == [200]  # each followed its 303 to a page
    assert order_count() == 1 and _paused()
    # The pause holds from then on.
    shopper2, later_form = shopper_ready_to_pay(server.url, bun)
    status, page = shopper2.post_page(server.url + "/checkout", later_form)
    assert status == 422 and "We are not taking online orders right now" in page
    assert order_count() == 1


def test_an_order_sent_while_a_pause_is_written_waits_and_is_refused(pg_app, server, monkeypatch):  # noqa: F811
    open_shop()
    bun = make_product("Bun", price="2.00").id
    make_user("staff@example.com", role=Role.STAFF)
    shopper, order_form = shopper_ready_to_pay(server.url, bun)
    staff, token = signed_in_staff(server.url, "staff@example.com")
    # The pause stops after it has locked the row and set the switch, before it commits.
    reached, release = _held(monkeypatch, staff_service.audit, "record")
    assert staff_service.audit is audit

    pause_thread, pause = _in_thread(lambda: staff.post(server.url + "/staff/orders/pause",
                                                        {"csrf_token": token, "paused": "on"}))
    try:
        assert reached.wait(30)
        monkeypatch.undo()  # only the pause is held; the order's own audit rows pass
        order_thread, order = _in_thread(lambda: shopper.post_page(server.url + "/checkout", order_form))
        assert _waiting_on_a_lock(), "the order did not wait for the pause being written"
        assert order_thread.is_alive() and order_count() == 0
    finally:
        release.set()
        pause_thread.join(60)
    order_thread.join(60)
    assert pause == [200]
    status, page = order[0]
    assert status == 422 and "We are not taking online orders right now" in page
    assert order_count() == 0 and _paused()
