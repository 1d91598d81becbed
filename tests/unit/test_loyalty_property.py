"""The ledger's promises hold after any sequence of changes (Hypothesis, on the suite's database):
the balance is never negative, it equals the sum of the ledger and of the points still held in
lots, each row's running balance is the sum so far, and an expiry run leaves no overdue lot."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.exc import IntegrityError

from storefront.core.rules import RuleViolation
from storefront.extensions import db
from storefront.loyalty import service
from storefront.loyalty.models import EntryKind, LoyaltyAccount, LoyaltyEntry
from storefront.orders.models import Status
from tests.conftest import clean_database
from tests.support.builders import make_user
from tests.support.orders import make_order

START = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
ACTIONS = st.lists(st.tuples(
    st.sampled_from(["earn", "redeem", "adjust", "expire", "complete", "undo"]),
    st.integers(min_value=-500, max_value=800),   # points (made positive where a kind needs it)
    st.integers(min_value=0, max_value=2),        # which order
    st.integers(min_value=0, max_value=200),      # days that pass first
), min_size=1, max_size=30)


def check_invariants(user_id: int, expired_at: datetime | None) -> None:
    db.session.expire_all()
    balance = db.session.scalar(sa.select(LoyaltyAccount.balance).where(LoyaltyAccount.user_id == user_id)) or 0
    rows = db.session.scalars(sa.select(LoyaltyEntry).where(LoyaltyEntry.user_id == user_id)
                              .order_by(LoyaltyEntry.id)).all()
    running = 0
    for row in rows:
        running += row.points
        assert row.balance_after == running >= 0
    assert balance == running == sum(row.remaining for row in rows) >= 0
    if expired_at is not None:
        assert not [row for row in rows if row.remaining and row.expires_at <= expired_at]


def apply(action: str, points: int, order, user_id: int, now: datetime) -> datetime | None:
    """Run one change; return the moment of an expiry run."""
    if action == "earn" and points:
        service.record(db.session, user_id, EntryKind.EARNED, abs(points), now)
    elif action == "redeem":
        service.redeem(db.session, user_id, abs(points) or 1, order, now)
    elif action == "adjust":
        service.adjust(db.session, user_id, points, "Goodwill", actor_id=None, now=now)
    elif action == "expire":
        service.expire_due(db.session, now)
        return now
    elif action == "complete":
        service.earn_for_order(db.session, order, now)
    elif action == "undo":
        service.undo_for_order(db.session, order, "refunded", now)
    return None


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(actions=ACTIONS)
def test_balance_equals_the_ledger_and_never_goes_negative(app_ctx, actions):
    clean_database()
    user_id = make_user("points@example.com").id
    orders = [make_order(user_id=user_id, status=Status.COMPLETED, quantity=q) for q in (1, 20, 60)]
    now, expired_at = START, None
    for action, points, which, days in actions:
        now += timedelta(days=days)
        try:
            expired_at = apply(action, points, orders[which], user_id, now) or expired_at
            db.session.commit()
        except RuleViolation:
            db.session.rollback()   # more than held, zero points, no reason: nothing written
        check_invariants(user_id, expired_at)
    service.expire_due(db.session, now)
    db.session.commit()
    check_invariants(user_id, now)
    before = db.session.scalar(sa.select(sa.func.count(LoyaltyEntry.id)))
    assert service.expire_due(db.session, now) == (0, 0)   # a second run changes nothing
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(LoyaltyEntry.id))) == before


def test_the_database_refuses_a_negative_balance(app_ctx):
    user_id = make_user("points@example.com").id
    service.record(db.session, user_id, EntryKind.EARNED, 50, START)
    db.session.commit()
    with pytest.raises(IntegrityError):
        db.session.execute(sa.update(LoyaltyAccount).values(balance=-1))
        db.session.flush()
    db.session.rollback()
    with pytest.raises(IntegrityError):
        db.session.add(LoyaltyEntry(user_id=user_id, kind=EntryKind.ADJUSTED, points=-60, balance_after=-10,
                                    remaining=0, reason="forced", created_at=START))
        db.session.flush()
    db.session.rollback()


def test_taking_more_than_held_is_refused_and_writes_nothing(app_ctx):
    user_id = make_user("points@example.com").id
    service.record(db.session, user_id, EntryKind.EARNED, 120, START)
    db.session.commit()
    with pytest.raises(RuleViolation, match="You have 120 points"):
        service.adjust(db.session, user_id, -121, "Too much", actor_id=None, now=START)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(LoyaltyEntry.id))) == 1


def test_points_expire_oldest_first(app_ctx):
    user_id = make_user("points@example.com").id
    service.record(db.session, user_id, EntryKind.EARNED, 100, START)                        # expires 2027-01-01
    service.record(db.session, user_id, EntryKind.EARNED, 200, START + timedelta(days=100))  # expires 2027-04-11
    db.session.commit()
    order = make_order(user_id=user_id)
    service.redeem(db.session, user_id, 150, order, START + timedelta(days=120))  # all of the first lot, 50 of the second
    db.session.commit()
    assert service.expire_due(db.session, datetime(2027, 1, 2, tzinfo=UTC)) == (0, 0)  # the old lot is spent
    assert service.expire_due(db.session, datetime(2027, 4, 12, tzinfo=UTC)) == (1, 150)
    db.session.commit()
    assert service.expire_due(db.session, datetime(2027, 4, 12, tzinfo=UTC)) == (0, 0)
    check_invariants(user_id, datetime(2027, 4, 12, tzinfo=UTC))
