"""The one slot grid (core.slots) in the store's zone: opening periods, last seating, and both daylight-saving
change days (no phantom or missing local times beyond the real clock change)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from storefront.core.slots import day_bounds, day_slots, local_instant, parse_slot_value

pytestmark = pytest.mark.no_db

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
STEP = timedelta(minutes=15)


def walls(slots) -> list[str]:
    return [s.local.strftime("%H:%M") for s in slots]


def test_slots_fill_each_opening_period_and_stop_at_last_seating():
    slots = day_slots(date(2026, 6, 12), [(time(12, 0), time(14, 0)), (time(18, 0), time(19, 30))], LONDON, STEP,
                      timedelta(minutes=75))
    # Last seating is closing time minus the turn time: 12:45 (+75 = 14:00) and 18:15 (+75 = 19:30).
    assert walls(slots) == ["12:00", "12:15", "12:30", "12:45", "18:00", "18:15"]
    assert all(s.start.tzinfo is UTC for s in slots)
    assert slots[0].start == datetime(2026, 6, 12, 11, 0, tzinfo=UTC)  # 12:00 BST
    assert slots[0].value == "2026-06-12T12:00+01:00"


def test_a_longer_turn_moves_the_last_seating_earlier():
    seven = day_slots(date(2026, 6, 12), [(time(17, 30), time(22, 0))], LONDON, STEP, timedelta(minutes=150))
    two = day_slots(date(2026, 6, 12), [(time(17, 30), time(22, 0))], LONDON, STEP, timedelta(minutes=75))
    assert walls(seven)[-1] == "19:30" and walls(two)[-1] == "20:45"


def test_a_period_too_short_for_the_turn_has_no_slots():
    assert day_slots(date(2026, 6, 12), [(time(12, 0), time(13, 0))], LONDON, STEP, timedelta(minutes=75)) == []


def test_spring_forward_skips_exactly_the_hour_the_clock_skips():
    # Sunday 29 March 2026: at 01:00 GMT London clocks jump to 02:00 BST.
    slots = day_slots(date(2026, 3, 29), [(time(0, 0), time(4, 0))], LONDON, STEP, timedelta(minutes=75))
    assert walls(slots) == ["00:00", "00:15", "00:30", "00:45", "02:00", "02:15", "02:30", "02:45"]
    assert [s.local.utcoffset() for s in slots] == [timedelta(0)] * 4 + [timedelta(hours=1)] * 4
    # Real time advances 15 minutes between neighbours, across the jump too.
    assert {b.start - a.start for a, b in zip(slots, slots[1:])} == {STEP}
    # The last seating ends at 04:00 BST, three real hours after opening.
    assert slots[-1].start + timedelta(minutes=75) == datetime(2026, 3, 29, 3, 0, tzinfo=UTC)
    assert not any(s.repeated for s in slots)


def test_fall_back_shows_the_repeated_hour_twice_and_marks_it():
    # Sunday 25 October 2026: at 02:00 BST London clocks go back to 01:00 GMT.
    slots = day_slots(date(2026, 10, 25), [(time(0, 0), time(4, 0))], LONDON, STEP, timedelta(minutes=75))
    assert walls(slots) == ["00:00", "00:15", "00:30", "00:45",
                            "01:00", "01:15", "01:30", "01:45",   # BST
                            "01:00", "01:15", "01:30", "01:45",   # GMT, an hour later in real time
                            "02:00", "02:15", "02:30", "02:45"]
    assert {b.start - a.start for a, b in zip(slots, slots[1:])} == {STEP}
    assert [s.local.strftime("%H:%M") for s in slots if s.repeated] == ["01:00", "01:15", "01:30", "01:45"] * 2
    repeated_values = [s.value for s in slots if s.local.strftime("%H:%M") == "01:30"]
    assert repeated_values == ["2026-10-25T01:30+01:00", "2026-10-25T01:30+00:00"]  # distinct in forms and links
    assert slots[-1].start + timedelta(minutes=75) == datetime(2026, 10, 25, 4, 0, tzinfo=UTC)  # 04:00 GMT


def test_days_around_the_changes_are_ordinary():
    for day in (date(2026, 3, 28), date(2026, 3, 30), date(2026, 10, 24), date(2026, 10, 26)):
        slots = day_slots(day, [(time(0, 0), time(4, 0))], LONDON, STEP, timedelta(minutes=75))
        assert len(slots) == 12 and walls(slots)[0] == "00:00" and walls(slots)[-1] == "02:45"


def test_an_opening_time_inside_the_skipped_hour_opens_when_the_clock_jumps():
    slots = day_slots(date(2026, 3, 29), [(time(1, 30), time(4, 0))], LONDON, STEP, timedelta(minutes=75))
    assert walls(slots)[0] == "02:00"
    assert local_instant(date(2026, 3, 29), time(1, 30), LONDON) == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_new_york_spring_forward_at_two_in_the_morning():
    # Sunday 8 March 2026: 02:00 EST becomes 03:00 EDT.
    slots = day_slots(date(2026, 3, 8), [(time(1, 0), time(5, 0))], NEW_YORK, STEP, timedelta(minutes=60))
    assert walls(slots) == ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15", "03:30", "03:45", "04:00"]


def test_ordinary_business_hours_are_untouched_by_the_change():
    # The demo bakery opens 08:30 on Sundays: the same slots on the change days as any Sunday.
    for day in (date(2026, 3, 29), date(2026, 10, 25), date(2026, 6, 14)):
        slots = day_slots(day, [(time(8, 30), time(15, 0))], LONDON, STEP, timedelta(minutes=75))
        assert walls(slots)[0] == "08:30" and walls(slots)[-1] == "13:45" and len(slots) == 22


def test_day_bounds_span_the_real_length_of_the_day():
    def length(day):
        start, end = day_bounds(day, LONDON)
        return end - start

    assert length(date(2026, 3, 29)) == timedelta(hours=23)
    assert length(date(2026, 10, 25)) == timedelta(hours=25)
    assert length(date(2026, 6, 1)) == timedelta(hours=24)


@pytest.mark.parametrize("raw, expected", [
    ("2026-06-12T19:30+01:00", datetime(2026, 6, 12, 18, 30, tzinfo=UTC)),
    ("2026-06-12T18:30Z", datetime(2026, 6, 12, 18, 30, tzinfo=UTC)),
    ("2026-06-12T19:30", None),  # no offset: refused, never guessed
    ("19:30", None),
    ("tomorrow", None),
    ("", None),
    (None, None),
    ("2026-06-12T19:30+01:00" + "0" * 40, None),
])
def test_slot_values_parse_back_to_utc_or_not_at_all(raw, expected):
    assert parse_slot_value(raw) == expected
