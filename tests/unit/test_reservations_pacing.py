"""Pacing (guests starting per slot) is claimed through core.capacity, like order slots: each
booking that holds a table holds its guests' places at its start time, and every way out of
holding a table gives them back exactly once."""
from __future__ import annotations

import pytest

from storefront.core import capacity
from storefront.core.rules import RuleViolation
from storefront.extensions import db
from storefront.reservations import service
from storefront.reservations.models import PACING, ReservationSettings, ReservationStatus
from tests.support.reservations import LINKS, local, shop
from tests.unit.test_reservations_service import DAY, NOW, book, room  # noqa: F401  (fixture)


def guests_at(at: str) -> int:
    return capacity.taken(db.session, PACING, [local(DAY, at)]).get(local(DAY, at), 0)


@pytest.fixture
def tight_pacing(room):  # noqa: F811  (the imported fixture)
    db.session.query(ReservationSettings).update({"pacing_guests_per_slot": 6})
    db.session.commit()
    return room


def test_bookings_hold_places_until_pacing_is_full(tight_pacing):
    book(party=2, key="a")
    book(party=4, key="b")
    assert guests_at("19:00") == 6
    with pytest.raises(RuleViolation):
        book(party=1, key="c")  # tables are free, pacing is not
    assert guests_at("19:00") == 6 and guests_at("19:15") == 0
    assert book(at="19:15", party=1, key="d").reservation.status == ReservationStatus.CONFIRMED


def test_cancelling_gives_the_places_back_once(tight_pacing):
    reservation = book(party=4, key="a").reservation
    for _ in range(2):  # a second cancel changes nothing
        service.cancel(db.session, reservation.id, shop=shop(), links=LINKS, now=NOW)
    assert guests_at("19:00") == 0
    book(party=2, key="b")
    book(party=4, key="c")
    assert guests_at("19:00") == 6


def test_a_bigger_party_at_the_same_time_needs_only_the_difference(tight_pacing):
    reservation = book(party=3, key="a").reservation
    book(party=2, key="b")
    service.change(db.session, reservation.id, start=local(DAY, "19:00"), party=4, shop=shop(), links=LINKS, now=NOW)
    assert guests_at("19:00") == 6
    with pytest.raises(RuleViolation):  # 6 − 4 + 5 > 6: refused, and the booking stands
        service.change(db.session, reservation.id, start=local(DAY, "19:00"), party=5, shop=shop(), links=LINKS,
                       now=NOW)
    assert guests_at("19:00") == 6
    service.change(db.session, reservation.id, start=local(DAY, "20:00"), party=4, shop=shop(), links=LINKS, now=NOW)
    assert guests_at("19:00") == 2 and guests_at("20:00") == 4


def test_staff_marks_that_end_a_booking_free_its_places_and_seating_keeps_them(tight_pacing):
    first = book(party=2, key="a").reservation
    second = book(party=4, key="b").reservation
    service.mark(db.session, first.reference, ReservationStatus.SEATED, shop=shop(), links=LINKS, now=NOW)
    assert guests_at("19:00") == 6
    service.mark(db.session, second.reference, ReservationStatus.NO_SHOW, shop=shop(), links=LINKS, now=NOW)
    service.mark(db.session, first.reference, ReservationStatus.COMPLETED, shop=shop(), links=LINKS, now=NOW)
    assert guests_at("19:00") == 0
