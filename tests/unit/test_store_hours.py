"""Opening hours in the store's zone: split days, closures, daylight-saving changes."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from storefront.core.time import zone
from storefront.extensions import db
from storefront.store.service import hours_on, open_state, upcoming_closures, week_ahead
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


# --- What today's line says: "Open until …" / "Closed today — opens … at …" -----------------

def test_open_says_until_when_the_current_period_ends(app_ctx):
    make_hours(4, "08:00", "14:30")
    make_hours(4, "17:30", "22:00")
    state = open_state(db.session, LONDON, at(2026, 11, 20, 9, 0))
    assert state.is_open and state.open_until.strftime("%H:%M") == "14:30" and state.next_opening is None
    evening = open_state(db.session, LONDON, at(2026, 11, 20, 18, 0))
    assert evening.open_until.strftime("%H:%M") == "22:00"


def test_between_periods_the_next_opening_is_later_today(app_ctx):
    make_hours(4, "08:00", "14:30")
    make_hours(4, "17:30", "22:00")
    state = open_state(db.session, LONDON, at(2026, 11, 20, 15, 0))
    assert not state.is_open and state.next_opening_is_today
    assert state.next_opening == (date(2026, 11, 20), time(17, 30))


def test_closed_today_names_the_next_day_that_opens(app_ctx):
    make_hours(2, "07:30", "18:00")  # Wednesdays only
    state = open_state(db.session, LONDON, at(2026, 11, 23, 10, 0))  # a Monday
    assert not state.is_open and not state.today.periods
    assert state.next_opening == (date(2026, 11, 25), time(7, 30)) and not state.next_opening_is_tomorrow


def test_after_closing_the_next_opening_is_tomorrow(app_ctx):
    make_hours(4, "08:00", "18:00")
    make_hours(5, "09:00", "17:00")
    state = open_state(db.session, LONDON, at(2026, 11, 20, 18, 0))  # Friday at closing time
    assert not state.is_open and state.next_opening_is_tomorrow and state.next_opening[1] == time(9, 0)


def test_the_next_opening_skips_closures(app_ctx):
    for weekday in range(7):
        make_hours(weekday, "08:00", "18:00")
    make_closure(date(2026, 12, 24), date(2026, 12, 27), reason="Christmas")
    state = open_state(db.session, LONDON, at(2026, 12, 24, 12, 0))
    assert not state.is_open and state.today.closure_reason == "Christmas"
    assert state.next_opening == (date(2026, 12, 28), time(8, 0))


def test_no_opening_within_the_lookahead_says_nothing_about_when(app_ctx):
    make_hours(0, "08:00", "18:00")
    make_closure(date(2026, 11, 20), date(2027, 1, 31), reason="Refit")
    state = open_state(db.session, LONDON, at(2026, 11, 23, 12, 0))
    assert not state.is_open and state.next_opening is None


def test_next_opening_on_the_clock_change_morning_is_wall_clock_time(app_ctx):
    # Sunday 29 March 2026, clocks go forward at 01:00 UTC. At 06:45 UTC it is 07:45 BST: open.
    make_hours(6, "07:30", "12:00")
    assert open_state(db.session, LONDON, datetime(2026, 3, 29, 6, 45, tzinfo=UTC)).is_open
    early = open_state(db.session, LONDON, datetime(2026, 3, 29, 6, 15, tzinfo=UTC))  # 07:15 BST
    assert not early.is_open and early.next_opening == (date(2026, 3, 29), time(7, 30))
    # Saturday evening before the change (GMT): the next opening is Sunday at 07:30 local.
    saturday = open_state(db.session, LONDON, datetime(2026, 3, 28, 20, 0, tzinfo=UTC))
    assert saturday.next_opening_is_tomorrow and saturday.next_opening[1] == time(7, 30)


def test_week_ahead_and_upcoming_closures(app_ctx):
    make_hours(0, "08:00", "18:00")
    make_closure(date(2026, 11, 30), reason="Staff training")
    make_closure(date(2026, 11, 1), date(2026, 11, 2), reason="Over already")
    make_closure(date(2026, 12, 24), date(2026, 12, 26), reason="Christmas")
    now = at(2026, 11, 27, 12, 0)  # Friday
    week = week_ahead(db.session, LONDON, now)
    assert [d.day for d in week] == [date(2026, 11, 27) + timedelta(days=i) for i in range(7)]
    monday = week[3]
    assert monday.day.weekday() == 0 and monday.closure_reason == "Staff training" and monday.is_closed_all_day
    assert [(c.starts_on, c.reason) for c in upcoming_closures(db.session, LONDON, now)] == [
        (date(2026, 11, 30), "Staff training"), (date(2026, 12, 24), "Christmas")]
