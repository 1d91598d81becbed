"""The board's one-click step and the reservation timeline's cells, without a database."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from storefront.orders.models import Fulfilment, Order, PaymentStatus, Status
from storefront.reservations.models import Reservation, ReservationStatus
from storefront.staff.bookings import STEP, _cells
from storefront.staff.service import next_step


def order(status: Status, fulfilment: Fulfilment = Fulfilment.PICKUP) -> Order:
    return Order(status=status, fulfilment=fulfilment, payment_status=PaymentStatus.UNPAID)


@pytest.mark.parametrize("status, fulfilment, expected", [
    (Status.PLACED, Fulfilment.PICKUP, Status.CONFIRMED),
    (Status.CONFIRMED, Fulfilment.PICKUP, Status.PREPARING),
    (Status.PREPARING, Fulfilment.PICKUP, Status.READY),
    (Status.PREPARING, Fulfilment.DELIVERY, Status.OUT_FOR_DELIVERY),
    (Status.READY, Fulfilment.PICKUP, Status.COMPLETED),
    (Status.OUT_FOR_DELIVERY, Fulfilment.DELIVERY, Status.COMPLETED),
    (Status.COMPLETED, Fulfilment.PICKUP, None),
    (Status.CANCELLED, Fulfilment.PICKUP, None),
])
def test_the_board_offers_only_the_next_forward_step(status, fulfilment, expected):
    assert next_step(order(status, fulfilment)) == expected


NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
COLUMNS = [NOON + STEP * i for i in range(8)]  # 12:00 … 15:30


def booking(start_minutes: int, minutes: int, status=ReservationStatus.CONFIRMED) -> Reservation:
    start = NOON + timedelta(minutes=start_minutes)
    return Reservation(starts_at=start, ends_at=start + timedelta(minutes=minutes), status=status)


def test_a_booking_spans_the_columns_it_overlaps_and_free_columns_stay_single():
    lunch = booking(30, 75)  # 12:30–13:45: the 12:30, 13:00 and 13:30 columns
    cells = _cells([lunch], COLUMNS)
    assert [(c.reservation is lunch, c.span) for c in cells] == \
        [(False, 1), (True, 3), (False, 1), (False, 1), (False, 1), (False, 1)]
    assert sum(c.span for c in cells) == len(COLUMNS)


def test_a_starting_time_between_columns_still_shows_and_cancelled_bookings_do_not():
    late = booking(50, 60)  # 12:50–13:50
    gone = booking(180, 60, ReservationStatus.CANCELLED)
    cells = _cells([late, gone], COLUMNS)
    assert [(c.reservation is late, c.span) for c in cells][:3] == [(False, 1), (True, 3), (False, 1)]
    assert all(c.reservation is not gone for c in cells)
