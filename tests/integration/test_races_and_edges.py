"""Smaller holes: the waitlist's one-entry-per-diner rule holds in the database, an order-number
clash is retried with a new number, and HEAD on a reset link answers like GET."""
from __future__ import annotations

from datetime import time
from unittest import mock

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storefront.checkout import service as checkout_service
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.orders.models import Order
from storefront.reservations import service as reservations
from storefront.reservations.models import WaitlistEntry, WaitlistStatus
from tests.integration.test_reservations import DAY, room  # noqa: F401
from tests.support.builders import make_product
from tests.support.checkout import FIXED_NOW, CheckoutClient, open_shop
from tests.support.reservations import LONDON, local, make_reservation


def waiting_entry(**fields) -> WaitlistEntry:
    values = dict(local_date=DAY, party_size=2, window_start=time(18, 30), window_end=time(19, 30),
                  name="Wren", email="wren@example.com", phone="0117 000 1111", status=WaitlistStatus.WAITING)
    values.update(fields)
    return WaitlistEntry(**values)


def test_the_database_holds_one_waiting_entry_per_diner_day_and_party(app_ctx):
    db.session.add_all([waiting_entry(), waiting_entry(status=WaitlistStatus.NOTIFIED),
                        waiting_entry(party_size=3)])
    db.session.commit()
    db.session.add(waiting_entry(window_start=time(20, 0), window_end=time(21, 0)))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_joining_the_waitlist_twice_at_once_keeps_one_entry(room):  # noqa: F811
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "18:00"), 2, [room[name]], minutes=240)
    request = reservations.WaitlistRequest(
        day=DAY, party=2, window_start=time(18, 30), window_end=time(19, 30),
        guest=reservations.Guest(name="Wren", email="Wren@example.com", phone="0117 000 1111", occasion=None,
                                 special_requests="", user_id=None))
    db.session.add(waiting_entry())  # the other request's row, committed after our check
    db.session.commit()
    real_scalars = db.session.scalars
    calls = iter([True])

    def miss_once(statement, *args, **kwargs):
        # The first look for an existing entry runs before the other request commits.
        if "reservation_waitlist" in str(statement) and next(calls, False):
            return real_scalars(statement.where(sa.false()), *args, **kwargs)
        return real_scalars(statement, *args, **kwargs)

    with mock.patch.object(db.session, "scalars", miss_once):
        entry = reservations.join_waitlist(db.session, request, tz=LONDON)
    rows = db.session.scalars(sa.select(WaitlistEntry)).all()
    assert len(rows) == 1 and entry.id == rows[0].id
    assert (rows[0].window_start, rows[0].window_end) == (time(18, 30), time(19, 30))


def test_an_order_number_clash_is_retried_with_a_new_number(client, app_ctx):
    open_shop()
    loaf = make_product("Sourdough loaf", price="5.00", track_stock=True, stock_quantity=10).id
    checkout = CheckoutClient(client)
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        checkout.add(loaf)
        assert checkout.place(email="first@example.com").status_code == 303
        taken = db.session.scalars(sa.select(Order.number)).one()
        checkout.add(loaf)
        numbers = iter([taken, "CK-NEWNUM"])
        with mock.patch.object(checkout_service, "new_order_number", lambda: next(numbers)):
            response = checkout.place(email="second@example.com")
    assert response.status_code == 303 and response.headers["Location"].startswith("/orders/CK-NEWNUM?key=")
    assert sorted(db.session.scalars(sa.select(Order.number))) == sorted([taken, "CK-NEWNUM"])
    assert db.session.get(Product, loaf).stock_quantity == 8  # claimed once per order, not per attempt


def test_head_on_a_reset_link_answers_like_get(client):
    get, head = client.get("/account/reset/not-a-token"), client.head("/account/reset/not-a-token")
    assert head.status_code == get.status_code == 404
