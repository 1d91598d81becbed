"""`flask reservations …`: reminders from cron, and the staff's request and status commands."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from storefront.core.outbox import OutboxMessage
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.reservations.models import Reservation, ReservationStatus
from tests.support.reservations import future_day, local, make_reservation, make_room


@pytest.fixture
def room(app_ctx):
    return make_room((("T1", 1, 2), ("Chef", 6, 12)), (), offline=("Chef",))


def run(app, *args):
    result = app.test_cli_runner().invoke(args=["reservations", *args])
    db.session.expire_all()
    return result


def test_remind_queues_one_reminder_per_booking(app, room):
    soon = (utcnow() + timedelta(hours=20)).replace(second=0, microsecond=0)
    reservation, _ = make_reservation(soon, 2, [room["T1"]], email="soon@example.com",
                                      confirmed_at=soon - timedelta(days=5))
    first = run(app, "remind")
    assert first.exit_code == 0 and first.output == "queued 1 reminder\n"
    assert run(app, "remind").output == "queued 0 reminders\n"
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == "soon@example.com" and mail.subject.startswith("See you ")
    assert db.session.get(Reservation, reservation.id).reminder_sent_at is not None


def test_staff_list_accept_and_decline_requests(app, room):
    day = future_day(5)
    wanted, _ = make_reservation(local(day, "19:00"), 10, [], status=ReservationStatus.REQUESTED,
                                 email="big@example.com", minutes=150)
    too_big, _ = make_reservation(local(day, "19:00"), 25, [], status=ReservationStatus.REQUESTED,
                                  email="huge@example.com", minutes=150)
    listing = run(app, "requests")
    assert wanted.reference in listing.output and "10 guests" in listing.output and "huge@example.com" in listing.output

    accepted = run(app, "accept", wanted.reference)
    assert accepted.exit_code == 0 and accepted.output == f"{wanted.reference} accepted\n"
    confirmed = db.session.get(Reservation, wanted.id)
    assert confirmed.status == ReservationStatus.CONFIRMED and [c.table.name for c in confirmed.active_claims] == ["Chef"]

    refused = run(app, "accept", too_big.reference)
    assert refused.exit_code == 1 and "No table or combination seating 25 is free then." in refused.output
    assert run(app, "decline", too_big.reference).output == f"{too_big.reference} declined\n"
    assert db.session.get(Reservation, too_big.id).status == ReservationStatus.CANCELLED
    assert run(app, "requests").output == "no requests waiting\n"
    assert run(app, "accept", "NOSUCHREF").exit_code == 1


def test_staff_mark_a_booking_through_its_evening(app, room):
    reservation, _ = make_reservation(local(future_day(1), "19:00"), 2, [room["T1"]])
    assert run(app, "mark", reservation.reference, "seated").output == f"{reservation.reference} is now seated\n"
    assert run(app, "mark", reservation.reference, "completed").exit_code == 0
    done = db.session.get(Reservation, reservation.id)
    assert done.status == ReservationStatus.COMPLETED and done.active_claims == []
    assert [h.to_status for h in done.history] == ["confirmed", "seated", "completed"]
    wrong = run(app, "mark", reservation.reference, "no-show")
    assert wrong.exit_code == 1 and "A completed booking cannot become no-show." in wrong.output
