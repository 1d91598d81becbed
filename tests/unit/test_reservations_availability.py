"""Free times over a real database: opening hours and closures, notice, horizon, held tables with
their buffer, pacing, the last seating, and the alternatives offered when a time is full."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from storefront.core.rules import RuleViolation
from storefront.extensions import db
from storefront.reservations import service
from storefront.reservations.models import ReservationStatus
from tests.support.builders import make_closure, make_hours, make_store
from tests.support.reservations import LONDON, local, make_reservation, make_room, make_rules, make_table

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)  # Monday 10:00 in London
DAY = date(2026, 6, 12)  # a Friday


@pytest.fixture
def room(app_ctx):
    return make_room(pacing_guests_per_slot=12)


def search(day=DAY, party=2, wanted=None, now=NOW):
    return service.search(db.session, day=day, party=party, wanted_time=wanted, tz=LONDON, now=now)


def walls(slots) -> list[str]:
    return [s.local.strftime("%H:%M") for s in slots]


def test_every_grid_time_inside_opening_hours_is_free_in_an_empty_room(room):
    result = search()
    assert walls(result.slots)[0] == "12:00" and walls(result.slots)[-1] == "20:45"  # 22:00 − 75 min
    assert len(result.slots) == 36 and not result.full
    assert all(s.start.tzinfo is UTC for s in result.slots)


def test_the_last_seating_leaves_time_for_the_partys_turn(room):
    assert walls(search(party=7).slots)[-1] == "19:30"  # 150 minutes before 22:00
    assert walls(search(party=4).slots)[-1] == "20:30"  # 90 minutes


def test_no_times_on_a_closure_or_a_day_without_opening_hours(app_ctx):
    make_store()
    make_rules()
    make_table("T1", 1, 2)
    make_hours(DAY.weekday(), "12:00", "15:00")  # Fridays only
    make_closure(DAY + timedelta(days=7), reason="Staff training")
    assert walls(search().slots)[-1] == "13:45"
    closed = search(day=DAY + timedelta(days=7))
    assert closed.slots == [] and closed.closed_reason == "Staff training" and closed.full
    assert search(day=DAY + timedelta(days=1)).slots == []  # Saturday: no periods
    # The next open days within two weeks: the following Fridays.
    assert [d.day for d in closed.next_days] == [DAY + timedelta(days=14), DAY + timedelta(days=21)]


def test_minimum_notice_moves_the_first_slot_of_today(room):
    # 11:20 in London with an hour's notice: 12:00 and 12:15 are too soon.
    assert walls(search(day=DAY, now=local(DAY, "11:20")).slots)[0] == "12:30"
    assert walls(search(day=DAY, now=local(DAY, "11:00")).slots)[0] == "12:00"
    assert walls(search(day=DAY, now=local(DAY, "20:00")).slots) == []
    # Tomorrow is not affected.
    assert walls(search(day=DAY + timedelta(days=1), now=local(DAY, "20:00")).slots)[0] == "12:00"


def test_past_days_and_days_beyond_the_horizon_are_refused(room):
    with pytest.raises(RuleViolation) as past:
        search(day=NOW.date() - timedelta(days=1))
    assert past.value.reasons == [("date", "That date has passed. Choose today or a later date.")]
    assert search(day=NOW.date() + timedelta(days=60)).slots  # the last bookable day
    with pytest.raises(RuleViolation) as far:
        search(day=NOW.date() + timedelta(days=61))
    assert far.value.reasons[0][0] == "date" and "up to 60 days ahead" in far.value.reasons[0][1]


def test_held_tables_block_their_time_and_the_buffer_around_it(room):
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "19:00"), 2, [room[name]])
    free = walls(search().slots)
    # 19:00–20:15 held, 15 minutes to clean on either side: a 75-minute turn may end at 18:45
    # (start 17:30) or start at 20:30.
    assert "17:30" in free and "17:45" not in free and "20:15" not in free and "20:30" in free
    # A party of four still has T4 and T5 at 19:00.
    assert "19:00" in walls(search(party=4).slots)


def test_a_long_booking_that_contains_a_shorter_one_is_a_clash(room):
    make_reservation(local(DAY, "18:00"), 8, [room["T4"], room["T5"]], minutes=150)  # 18:00–20:30
    make_reservation(local(DAY, "12:00"), 4, [room["T3"]], minutes=600)  # T3 all day
    # 18:30–20:00 lies inside 18:00–20:30 on both T4 and T5: no table for four.
    free = walls(search(party=4).slots)
    assert "18:30" not in free
    # T4 and T5 are free for four until a 90-minute turn plus cleaning reaches 18:00; after 20:30
    # (+15) there is no time left before closing.
    assert free[-1] == "16:15"


def test_cancelled_and_requested_bookings_hold_nothing(room):
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "19:00"), 2, [room[name]], status=ReservationStatus.CANCELLED)
    make_reservation(local(DAY, "19:00"), 12, [], status=ReservationStatus.REQUESTED)
    assert "19:00" in walls(search().slots)


def test_pacing_limits_guests_starting_in_one_slot(app_ctx):
    tables = list(make_room([(f"T{i}", 1, 4) for i in range(1, 5)], (), pacing_guests_per_slot=4).values())
    make_reservation(local(DAY, "19:00"), 3, [tables[0]])
    assert "19:00" not in walls(search(party=2).slots)  # 3 + 2 > 4
    assert "19:00" in walls(search(party=1).slots)
    assert "19:15" in walls(search(party=4).slots)  # the next slot is its own


def test_a_full_wanted_time_offers_the_nearest_times_and_the_next_days(room):
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "18:30"), 2, [room[name]], minutes=180)  # 18:30–21:30
    result = search(wanted=time(19, 0))
    assert result.wanted is not None and not result.wanted_free and result.full
    # Free for two until 17:00 (ends 18:15, +15 = 18:30); nothing after.
    assert walls(result.nearest) == ["16:15", "16:30", "16:45", "17:00"]
    assert [d.day for d in result.next_days] == [DAY + timedelta(days=1), DAY + timedelta(days=2),
                                                 DAY + timedelta(days=3)]
    assert walls(result.next_days[0].slots) == ["18:45", "19:00", "19:15"]

    free = search(wanted=time(13, 0))
    assert free.wanted_free and free.nearest == [] and free.next_days == []


def test_large_parties_are_sent_to_the_request_form(room):
    result = search(party=9)
    assert result.needs_request and result.slots == []
    with pytest.raises(RuleViolation) as huge:
        search(party=31)
    assert huge.value.reasons[0] == ("party", "Enter a party size from 1 to 30. For more, please call us.")
    for bad in (0, -2):
        with pytest.raises(RuleViolation):
            search(party=bad)


def test_staff_only_tables_are_never_offered_online(app_ctx):
    make_room((("Chef", 1, 10),), (), offline=("Chef",))
    assert search().slots == [] and search().full
