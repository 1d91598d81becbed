"""Small rules everything leans on: money, time, redirects, tokens."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.core.money import format_money, to_money
from storefront.core.security import new_token, safe_next, token_digest
from storefront.core.time import to_zone, zone

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize("raw, rounded", [
    ("0.005", "0.01"), ("0.004", "0.00"), ("2.675", "2.68"), ("-1.005", "-1.01"), ("10", "10.00"),
])
def test_money_rounds_half_up_to_the_cent(raw, rounded):
    assert to_money(raw) == Decimal(rounded)


def test_money_refuses_floats_and_garbage():
    with pytest.raises(TypeError):
        to_money(0.1)
    with pytest.raises(ValueError):
        to_money("ten pounds")


@given(st.decimals(min_value=-10**6, max_value=10**6, allow_nan=False, allow_infinity=False, places=6))
def test_money_rounding_is_within_half_a_cent(value):
    rounded = to_money(value)
    assert rounded.as_tuple().exponent == -2
    assert abs(rounded - value) <= Decimal("0.005")


def test_money_is_shown_in_the_store_currency_and_locale():
    assert format_money(Decimal("1234.5"), "GBP", "en_GB") == "£1,234.50"
    assert format_money(Decimal("1234.5"), "EUR", "de_DE") == "1.234,50\xa0€"


def test_time_conversion_needs_aware_datetimes():
    london = zone("Europe/London")
    summer = datetime(2026, 7, 1, 11, 0, tzinfo=UTC)
    assert to_zone(summer, london).hour == 12
    with pytest.raises(ValueError):
        to_zone(datetime(2026, 7, 1, 11, 0), london)
    with pytest.raises(ValueError):
        zone("Mars/Olympus_Mons")


@pytest.mark.parametrize("target, expected", [
    ("/account/", "/account/"),
    ("/menu?q=bread&diet=vegan", "/menu?q=bread&diet=vegan"),
    ("https://evil.example/", None),
    ("//evil.example/", None),
    ("/\\evil.example", None),
    ("\\\\evil.example", None),
    ("javascript:alert(1)", None),
    ("/ok\r\nSet-Cookie: x=1", None),
    ("relative/path", None),
    ("", None),
    (None, None),
])
def test_safe_next_keeps_only_same_site_paths(target, expected):
    assert safe_next(target) == expected


@given(st.text(max_size=200))
def test_safe_next_never_returns_an_off_site_address(target):
    result = safe_next(target)
    if result is not None:
        assert result.startswith("/") and not result.startswith("//")
        assert "\\" not in result and all(ord(ch) >= 32 for ch in result)


def test_tokens_are_random_and_stored_as_digests():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 43 for t in tokens)
    token = next(iter(tokens))
    assert token_digest(token) == token_digest(token) and token not in token_digest(token)
