"""Which table a party gets and when a table is free: pure rules, no database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storefront.reservations.assignment import CombinationInfo, Floor, Occupancy, Placement, TableInfo, choose, clashes

pytestmark = pytest.mark.no_db

T = datetime(2026, 6, 12, 18, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
BUFFER = timedelta(minutes=15)


def at(minutes: int) -> datetime:
    return T + minutes * MIN


def floor(*tables: TableInfo, combinations: tuple[CombinationInfo, ...] = ()) -> Floor:
    return Floor({t.id: t for t in tables}, combinations)


TWO_A = TableInfo(1, "T1", "window", 1, 2, position=1)
TWO_B = TableInfo(2, "T2", "window", 1, 2, position=2)
FOUR = TableInfo(3, "T3", "inside", 2, 4, position=3)
FOUR_B = TableInfo(4, "T4", "inside", 3, 4, position=4)
FOUR_C = TableInfo(5, "T5", "inside", 3, 4, position=5)
SIX = TableInfo(6, "T6", "inside", 4, 6, position=6)
CHEF = TableInfo(7, "Chef", "kitchen", 6, 10, online_bookable=False, position=7)
T4_T5 = CombinationInfo(1, "T4+T5", 7, 8, (4, 5))
BIG = CombinationInfo(2, "T4+T5+T6", 9, 14, (4, 5, 6), online_bookable=False)
ROOM = floor(TWO_A, TWO_B, FOUR, FOUR_B, FOUR_C, SIX, CHEF, combinations=(T4_T5, BIG))


# --- clashes --------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b, buffer, clash", [
    ((0, 90), (30, 60), 0, True),      # a long booking that contains a shorter one
    ((30, 60), (0, 90), 0, True),      # …either way round
    ((0, 90), (60, 150), 0, True),     # overlapping ends
    ((0, 90), (90, 180), 0, False),    # back to back with no buffer
    ((0, 90), (90, 180), 15, True),    # back to back leaves no time to clean
    ((0, 90), (105, 180), 15, False),  # exactly the buffer between them
    ((105, 180), (0, 90), 15, False),
    ((0, 90), (104, 180), 15, True),   # a minute short
    ((200, 260), (0, 90), 15, False),
])
def test_holds_clash_by_interval_overlap_with_the_buffer_between_them(a, b, buffer, clash):
    assert clashes(at(a[0]), at(a[1]), at(b[0]), at(b[1]), timedelta(minutes=buffer)) is clash


# --- assignment ---------------------------------------------------------------------------

def test_the_smallest_fitting_table_first_in_the_staffs_order():
    assert ROOM.placements_for(2)[0].table_ids == (1,)
    assert [p.name for p in ROOM.placements_for(2)] == ["T1", "T2", "T3"]  # never the 3–4 or 4–6 tables
    assert [p.name for p in ROOM.placements_for(4)] == ["T3", "T4", "T5", "T6"]
    assert [p.name for p in ROOM.placements_for(7)] == ["T4+T5"]  # the chef's table is staff-only
    assert [p.name for p in ROOM.placements_for(7, online_only=False)] == ["Chef", "T4+T5"]
    assert ROOM.placements_for(12) == []
    assert [p.name for p in ROOM.placements_for(12, online_only=False)] == ["T4+T5+T6"]


def test_a_small_party_gets_a_bigger_table_only_when_every_fitting_small_one_is_held():
    occupancy = Occupancy()
    assert choose(ROOM, occupancy, 2, at(0), at(75), BUFFER).name == "T1"
    occupancy.add(Placement((TWO_A,)), at(0), at(75), 2)
    assert choose(ROOM, occupancy, 2, at(0), at(75), BUFFER).name == "T2"
    occupancy.add(Placement((TWO_B,)), at(0), at(75), 2)
    assert choose(ROOM, occupancy, 2, at(0), at(75), BUFFER).name == "T3"
    occupancy.add(Placement((FOUR,)), at(0), at(75), 2)
    # T4 and T5 seat 3–4 and T6 4–6: a couple never takes them.
    assert choose(ROOM, occupancy, 2, at(0), at(75), BUFFER) is None
    # Later, once T1 is cleaned, it is T1 again.
    assert choose(ROOM, occupancy, 2, at(90), at(165), BUFFER).name == "T1"


def test_a_combination_only_when_no_single_table_seats_the_party():
    occupancy = Occupancy()
    placement = choose(ROOM, occupancy, 8, at(0), at(150), BUFFER)
    assert placement.name == "T4+T5" and placement.table_ids == (4, 5)
    occupancy.add(placement, at(0), at(150), 8)
    # Both tables of the combination are held now.
    assert not occupancy.table_free(4, at(60), at(150), BUFFER)
    assert not occupancy.table_free(5, at(60), at(150), BUFFER)
    assert choose(ROOM, occupancy, 4, at(30), at(120), BUFFER).name == "T3"
    assert choose(ROOM, occupancy, 8, at(0), at(150), BUFFER) is None


def test_a_combination_is_not_free_when_one_of_its_tables_is_held():
    occupancy = Occupancy()
    occupancy.add(Placement((FOUR_C,)), at(100), at(190), 4)
    assert choose(ROOM, occupancy, 7, at(0), at(150), BUFFER) is None
    assert choose(ROOM, occupancy, 7, at(-200), at(-50), BUFFER).name == "T4+T5"


def test_pacing_counts_guests_starting_in_the_same_slot():
    occupancy = Occupancy()
    occupancy.add(Placement((TWO_A,)), at(0), at(75), 2)
    occupancy.add(Placement((SIX,)), at(0), at(120), 6)
    occupancy.add(Placement((FOUR,)), at(15), at(105), 4)
    step = timedelta(minutes=15)
    assert occupancy.guests_starting(at(0), step) == 8
    assert occupancy.pacing_allows(at(0), 4, step, 12) and not occupancy.pacing_allows(at(0), 5, step, 12)
    assert occupancy.guests_starting(at(15), step) == 4
