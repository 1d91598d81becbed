"""The capacity primitive (core.capacity) on the suite's engine: claims stop at capacity,
releases give places back and never go below zero, and a rollback undoes a claim."""
from __future__ import annotations

from datetime import UTC, datetime

from storefront.checkout.models import ORDER_SLOTS, SlotBooking
from storefront.core import capacity
from storefront.extensions import db

SLOT = datetime(2026, 11, 21, 12, 30, tzinfo=UTC)
OTHER = datetime(2026, 11, 21, 12, 45, tzinfo=UTC)


def test_claims_stop_at_capacity_and_count_per_key(app_ctx):
    assert [capacity.claim(db.session, ORDER_SLOTS, SLOT, 2) for _ in range(3)] == [True, True, False]
    assert capacity.claim(db.session, ORDER_SLOTS, OTHER, 2)
    db.session.commit()
    assert capacity.taken(db.session, ORDER_SLOTS, [SLOT, OTHER]) == {SLOT: 2, OTHER: 1}


def test_a_claim_of_several_places_needs_room_for_all_of_them(app_ctx):
    assert capacity.claim(db.session, ORDER_SLOTS, SLOT, 12, amount=8)
    assert not capacity.claim(db.session, ORDER_SLOTS, SLOT, 12, amount=5)
    assert capacity.claim(db.session, ORDER_SLOTS, SLOT, 12, amount=4)
    db.session.commit()
    assert db.session.get(SlotBooking, SLOT).orders_count == 12


def test_release_gives_a_place_back_but_never_below_zero(app_ctx):
    capacity.claim(db.session, ORDER_SLOTS, SLOT, 1)
    capacity.release(db.session, ORDER_SLOTS, SLOT)
    capacity.release(db.session, ORDER_SLOTS, SLOT)
    capacity.release(db.session, ORDER_SLOTS, OTHER)  # never claimed: nothing to give back
    db.session.commit()
    assert capacity.taken(db.session, ORDER_SLOTS, [SLOT, OTHER]) == {SLOT: 0}
    assert capacity.claim(db.session, ORDER_SLOTS, SLOT, 1)


def test_a_rolled_back_claim_takes_nothing(app_ctx):
    capacity.claim(db.session, ORDER_SLOTS, SLOT, 1)
    db.session.rollback()
    assert capacity.taken(db.session, ORDER_SLOTS, [SLOT]) == {}
    assert capacity.taken(db.session, ORDER_SLOTS, []) == {}
