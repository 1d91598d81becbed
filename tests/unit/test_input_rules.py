"""The input layer's rules on plain values: which characters are refused, what counts as blank,
whole numbers, sane dates and instants."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.core.fields import whole_number
from storefront.core.inputs import has_refused, is_blank, is_refused, without_refused
from storefront.core.time import is_sane_date, parse_instant


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[0m", "x\x7f", "x\x85", "x\x9f", "\u202e", "\u202a", "\u2066",
                                  "\u2069", "tab\there", "line\nbreak", "\ud800"])
def test_one_line_text_refuses_controls_and_bidi_overrides(text):
    assert has_refused(text)


@pytest.mark.parametrize("text", ["Zoë O’Brien", "שרה \u200fכהן", "Renée\u200d", "日本語", "£5 off", "🙂"])
def test_ordinary_text_is_accepted(text):
    assert not has_refused(text)


def test_multi_line_text_may_hold_line_breaks_and_tabs_but_not_nul():
    assert not has_refused("one\r\n\ttwo", multiline=True)
    assert has_refused("one\x00", multiline=True)
    assert has_refused("one\u202e", multiline=True)


def test_refused_characters_are_taken_out_and_the_rest_kept():
    assert without_refused("Ro\x00b\u202ein\n") == "Robin"
    assert without_refused("a\nb\x00", multiline=True) == "a\nb"


@pytest.mark.parametrize("text", ["", " ", "\u200b", "\u200e\u200f", "\u2060\ufeff", "\u3164", "\u115f\u1160",
                                  "\u2800", "\u0301\u0301", "\u00a0\u2003"])
def test_blank_means_nothing_would_show(text):
    assert is_blank(text)


@pytest.mark.parametrize("text", ["A", "\u200bA", "·", "-", "\u05d0"])
def test_one_visible_character_is_not_blank(text):
    assert not is_blank(text)


@given(st.text())
def test_cleaning_leaves_nothing_refused(text):
    assert not has_refused(without_refused(text))
    assert not has_refused(without_refused(text, multiline=True), multiline=True)


@pytest.mark.parametrize("raw, expected", [("4", 4), (" 12 ", 12), ("-3", -3), ("0", 0), ("²", None), ("①", None),
                                           ("٣", None), ("３", None), ("1.5", None), ("1e3", None), ("", None),
                                           (None, None), ("1" * 13, None), ("--1", None), ("+4", None)])
def test_whole_numbers_are_ascii_digits(raw, expected):
    assert whole_number(raw) == expected


def test_sane_dates_are_within_ten_years_of_today():
    today = date(2026, 6, 1)
    assert is_sane_date(today + timedelta(days=3650), today)
    assert is_sane_date(today - timedelta(days=3650), today)
    assert not is_sane_date(date(9999, 12, 31), today)
    assert not is_sane_date(date(1, 1, 1), today)


@pytest.mark.parametrize("raw", ["9999-12-31T23:59Z", "9999-12-31T23:59+00:00", "0001-01-01T00:00+01:00",
                                 "2026-06-12T19:30", "tomorrow", "", None, "2026-06-12T19:30+01:00" + " " * 40])
def test_instants_out_of_range_or_without_offset_are_none(raw):
    assert parse_instant(raw) is None


def test_an_instant_with_its_offset_becomes_utc():
    next_year = datetime.now(UTC).year + 1
    assert parse_instant(f"{next_year}-06-12T19:30+01:00") == datetime(next_year, 6, 12, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize("multiline", [False, True])
def test_whole_strings_are_judged_exactly_as_character_by_character(multiline):
    # has_refused is one regular expression for speed; it must refuse exactly what is_refused
    # refuses, for every code point there is.
    disagree = [hex(cp) for cp in range(0x110000)
                if has_refused(chr(cp), multiline=multiline) != is_refused(chr(cp), multiline=multiline)]
    assert disagree == []
    assert has_refused(f"fine text{chr(0)}", multiline=multiline)
    assert not has_refused("Crème brûlée\u200f", multiline=multiline)
