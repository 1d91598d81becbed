"""Hypothesis: for any sequence of bookings, changes and cancellations the service accepts, no two
active holds on one table overlap (cleaning buffer included), every party fits its table or
combination, holds match their booking, and pacing holds."""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from itertools import combinations

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.core.outbox import OutboxMessage
from storefront.core.rules import RuleViolation
from storefront.extensions import db
from storefront.reservations import service
from storefront.reservations.assignment import clashes
from storefront.reservations.models import (
    ACTIVE_STATUSES,
    DiningTable,
    Reservation,
    ReservationDay,
    ReservationHistory,
    TableClaim,
    TableCombination,
    WaitlistEntry,
)
from storefront.reservations.rules import load_rules
from tests.support.reservations import COMBINATIONS, LINKS, local, make_room, shop

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAYS = (date(2026, 6, 12), date(2026, 6, 13))
TIMES = [f"{12 + m // 60}:{m % 60:02d}" for m in range(0, 180, 15)]  # 12:00 … 14:45
PACING = 10


@pytest.fixture
def room(app_ctx):
    # A short day, so bookings collide often; T3+T4 shares T4 with the other combination.
    return make_room(combinations=COMBINATIONS + (("T3+T4", ("T3", "T4"), 5, 7),), closes="16:00",
                     pacing_guests_per_slot=PACING, buffer_minutes=15)


book_op = st.tuples(st.just("book"), st.sampled_from(DAYS), st.sampled_from(TIMES), st.integers(1, 8))
change_op = st.tuples(st.just("change"), st.integers(0, 30), st.sampled_from(DAYS), st.sampled_from(TIMES),
                      st.integers(1, 8))
cancel_op = st.tuples(st.just("cancel"), st.integers(0, 30))
operations = st.lists(st.one_of(book_op, book_op, change_op, cancel_op), min_size=1, max_size=30)


def reset() -> None:
    for model in (TableClaim, ReservationHistory, Reservation, ReservationDay, WaitlistEntry, OutboxMessage):
        db.session.execute(sa.delete(model))
    db.session.commit()


def assert_invariants() -> None:
    db.session.expire_all()
    buffer = load_rules(db.session).buffer
    tables = {t.id: t for t in db.session.scalars(sa.select(DiningTable))}
    combos = {c.id: c for c in db.session.scalars(sa.select(TableCombination))}
    claims = db.session.scalars(sa.select(TableClaim).where(TableClaim.released_at.is_(None))).all()
    by_table = defaultdict(list)
    for claim in claims:
        by_table[claim.table_id].append(claim)
    for table_id, held in by_table.items():
        for a, b in combinations(held, 2):
            assert not clashes(a.starts_at, a.ends_at, b.starts_at, b.ends_at, buffer), \
                f"table {tables[table_id].name}: {a.starts_at}–{a.ends_at} and {b.starts_at}–{b.ends_at} clash"
    starts = defaultdict(int)
    for reservation in db.session.scalars(sa.select(Reservation)):
        active = reservation.active_claims
        if reservation.status in ACTIVE_STATUSES:
            starts[reservation.starts_at] += reservation.party_size
            assert active, f"{reservation.reference} is {reservation.status.value} but holds no table"
            assert all((c.starts_at, c.ends_at) == (reservation.starts_at, reservation.ends_at) for c in active)
            if len(active) == 1 and reservation.combination_id is None:
                table = tables[active[0].table_id]
                assert table.min_seats <= reservation.party_size <= table.max_seats
            else:
                combo = combos[reservation.combination_id]
                assert combo.min_seats <= reservation.party_size <= combo.max_seats
                assert {c.table_id for c in active} == {t.id for t in combo.tables}
        else:
            assert active == [], f"{reservation.reference} is {reservation.status.value} but holds a table"
    assert all(guests <= PACING for guests in starts.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(ops=operations)
def test_no_two_active_holds_on_a_table_overlap_and_every_party_fits(room, ops):
    reset()
    booked: list[int] = []
    for n, op in enumerate(ops):
        try:
            if op[0] == "book":
                _, day, at, party = op
                result = service.book(db.session, start=local(day, at), party=party,
                                      guest=service.Guest(name="P", email=f"p{n}@example.com", phone="0117 000 0000"),
                                      key=f"key-{n}", token=f"token-{n}", shop=shop(), links=LINKS, now=NOW)
                booked.append(result.reservation.id)
            elif op[0] == "change" and booked:
                _, pick, day, at, party = op
                service.change(db.session, booked[pick % len(booked)], start=local(day, at), party=party,
                               shop=shop(), links=LINKS, now=NOW)
            elif op[0] == "cancel" and booked:
                service.cancel(db.session, booked[op[1] % len(booked)], shop=shop(), links=LINKS, now=NOW)
        except RuleViolation:
            db.session.rollback()
        assert_invariants()
