"""The points rules as pure functions: what points are worth, how many an order can take, and
the exact reason when it can't."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.core.rules import RuleViolation
from storefront.core.settings import defaults_of
from storefront.loyalty import service
from storefront.loyalty.models import LoyaltySettings

RULES = defaults_of(LoyaltySettings)   # 1 point per 1.00; min 100, steps of 50, 50%, 100 = 1.00


def check(points, balance=1000, goods="20.00", has_promo=False, rules=RULES):
    return service.check_points(points, balance=balance, goods=Decimal(goods), has_promo=has_promo, settings=rules)


def test_defaults_are_the_documented_ones():
    assert (RULES.points_per_unit, RULES.expiry_months, RULES.redeem_minimum, RULES.redeem_step,
            RULES.max_share_percent, RULES.value_per_100, RULES.combine_with_promo) == (
        1, 12, 100, 50, 50, Decimal("1.00"), True)


def test_valid_points_are_worth_their_value():
    assert check(100) == Decimal("1.00")
    assert check(1000) == Decimal("10.00")   # exactly half of 20.00


@pytest.mark.parametrize("points, balance, goods, message", [
    (-100, 1000, "20.00", "Enter a number of points of 0 or more."),
    (300, 250, "20.00", "You have 250 points, so you can’t use 300."),
    (50, 1000, "20.00", "Use at least 100 points at a time."),
    (120, 1000, "20.00", "Use points in steps of 50, such as 100 or 150."),
    (1050, 2000, "20.00", "Points can pay for at most 50% of the items (up to 1000 points on this order)."),
    (100, 1000, "1.50", "Points can pay for at most 50% of the items (too few points for this order)."),
])
def test_refusals_say_exactly_why(points, balance, goods, message):
    with pytest.raises(RuleViolation) as refused:
        check(points, balance, goods)
    assert refused.value.reasons == [("points", message)]


def test_with_a_promo_only_when_the_rules_allow_it():
    assert check(100, has_promo=True) == Decimal("1.00")
    strict = defaults_of(LoyaltySettings, combine_with_promo=False)
    with pytest.raises(RuleViolation, match="can’t be used together with a promo code"):
        check(100, has_promo=True, rules=strict)


@given(balance=st.integers(0, 10_000), goods=st.decimals("0", "500", places=2))
def test_the_most_offered_is_always_accepted_and_never_above_the_share(balance, goods):
    most = service.max_points(balance, goods, RULES)
    if most:
        value = check(most, balance, str(goods))
        assert value <= goods / 2 and most <= balance and most % RULES.redeem_step == 0
        with pytest.raises(RuleViolation):
            check(most + RULES.redeem_step, balance, str(goods))
    else:
        assert balance < RULES.redeem_minimum or service.worth(RULES.redeem_minimum, RULES) > goods / 2


def test_earning_rounds_down_to_whole_points():
    assert service.points_for(Decimal("9.99"), RULES) == 9
    assert service.points_for(Decimal("0.99"), defaults_of(LoyaltySettings, points_per_unit=2)) == 1


def test_expiry_months_clamp_to_the_month_end():
    assert service.add_months(datetime(2026, 1, 31, 9, tzinfo=UTC), 1) == datetime(2026, 2, 28, 9, tzinfo=UTC)
    assert service.add_months(datetime(2026, 11, 20, tzinfo=UTC), 12) == datetime(2027, 11, 20, tzinfo=UTC)
    assert service.add_months(datetime(2026, 12, 5, tzinfo=UTC), 2) == datetime(2027, 2, 5, tzinfo=UTC)
