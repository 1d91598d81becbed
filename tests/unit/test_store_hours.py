"""Opening hours in the store's zone: split days, closures, daylight-saving changes."""
from __future__ import annotations

from datetime import UTC, date, datetime

from storefront.core.time import zone
from storefront.extensions import db
from storefront.store.service import hours_on, open_state
from tests.support.builders import make_closure, make_hours

LONDON = zone("Europe/London")


def at(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


def test_split_day_is_open_in_each_period_only(app_ctx):
    make_hours(4, "08:00", "14:30")
    make_hours(4, "17:30", "22:00")
    friday = (2026, 11, 20)
    assert open_state(db.session, LONDON, at(*friday, 7, 59)).is_open is False
    assert open_state(db.session, LONDON, at(*friday, 8, 0)).is_open is True
    assert open_state(db.session, LONDON, at(*friday, 14, 30)).is_open is False  # closing time is exclusive
    assert open_state(db.session, LONDON, at(*friday, 21, 59)).is_open is True
    assert [p[0].hour for p in hours_on(db.session, date(*friday)).periods] == [8, 17]


def test_a_closure_closes_the_whole_day(app_ctx):
    make_hours(4, "08:00", "22:00")
    make_closure(date(2026, 12, 24), date(2026, 12, 26), reason="Christmas")
    christmas = hours_on(db.session, date(2026, 12, 25))
    assert christmas.is_closed_all_day and christmas.closure_reason == "Christmas"
    assert open_state(db.session, LONDON, at(2026, 12, 25, 12)).is_open is False


def test_open_state_uses_local_time_across_the_clock_change(app_ctx):
    # Sunday 29 March 2026: London moves from GMT to BST at 01:00 UTC.
    make_hours(6, "09:00", "10:00")
    assert open_state(db.session, LONDON, datetime(2026, 3, 29, 8, 30, tzinfo=UTC)).is_open is True   # 09:30 BST
    assert open_state(db.session, LONDON, datetime(2026, 3, 29, 9, 30, tzinfo=UTC)).is_open is False  # 10:30 BST
    # Sunday 25 October 2026: back to GMT.
    assert open_state(db.session, LONDON, datetime(2026, 10, 25, 9, 30, tzinfo=UTC)).is_open is True  # 09:30 GMT


def test_local_day_not_utc_day_decides_the_hours(app_ctx):
    # 23:30 UTC on Friday is 00:30 on Saturday in Auckland.
    make_hours(5, "00:00", "02:00")
    auckland = zone("Pacific/Auckland")
    state = open_state(db.session, auckland, datetime(2026, 11, 20, 11, 30, tzinfo=UTC))
    assert state.local_now.weekday() == 5 and state.is_open
