"""The capacity primitive under real concurrency on PostgreSQL: many transactions claim the
last places of one key at once, each in its own connection; exactly `capacity` succeed, and
releases racing claims never lose an update."""
from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from storefront.checkout.models import ORDER_SLOTS
from storefront.core import capacity
from storefront.extensions import db

SLOT = datetime(2026, 11, 21, 12, 30, tzinfo=UTC)


def at_once(count: int, work) -> list:
    barrier = threading.Barrier(count)
    results = [None] * count
    engine = db.engine  # read here: the threads have no app context

    def run(i):
        with Session(engine) as session:
            barrier.wait()
            results[i] = work(session, i)
            session.commit()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_twenty_claims_for_three_places_make_exactly_three(pg_app):
    results = at_once(20, lambda session, i: capacity.claim(session, ORDER_SLOTS, SLOT, 3))
    assert results.count(True) == 3 and results.count(False) == 17
    assert capacity.taken(db.session, ORDER_SLOTS, [SLOT]) == {SLOT: 3}


def test_claims_of_several_places_never_overfill(pg_app):
    results = at_once(10, lambda session, i: capacity.claim(session, ORDER_SLOTS, SLOT, 12, amount=5))
    assert results.count(True) == 2  # 5 + 5 ≤ 12 < 15
    assert capacity.taken(db.session, ORDER_SLOTS, [SLOT]) == {SLOT: 10}


def test_releases_and_claims_racing_keep_an_exact_count(pg_app):
    for _ in range(10):
        capacity.claim(db.session, ORDER_SLOTS, SLOT, 10)
    db.session.commit()

    def work(session, i):
        if i % 2:
            capacity.release(session, ORDER_SLOTS, SLOT)
            return None
        return capacity.claim(session, ORDER_SLOTS, SLOT, 10)

    results = at_once(20, work)
    # 10 releases happened; each claim either found room or not, and the count adds up.
    assert capacity.taken(db.session, ORDER_SLOTS, [SLOT]) == {SLOT: 10 - 10 + results.count(True)}
