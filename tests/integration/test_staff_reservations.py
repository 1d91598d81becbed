"""The reservation book over HTTP: the day's list and timeline, seat / complete / no-show /
cancel, large-party requests, phone and walk-in bookings under the booking rules, the waitlist
offer — and refusals that change nothing."""
from __future__ import annotations

import re
from datetime import time

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.reservations.models import Reservation, ReservationStatus, WaitlistEntry, WaitlistStatus
from tests.support.builders import PASSWORD, make_store, make_user
from tests.support.html import csrf_from
from tests.support.reservations import (
    active_claims,
    future_day,
    local,
    make_reservation,
    make_rules,
    make_table,
    open_every_day,
)

DAY = future_day(2)


@pytest.fixture
def room(app_ctx, client, auth):
    make_store()
    open_every_day()
    make_rules()
    tables = {"T1": make_table("T1", 1, 2, position=1), "T2": make_table("T2", 3, 4, position=2),
              "T9": make_table("T9", 6, 12, online=False, position=9)}
    make_user("staff@example.com", role=Role.STAFF)
    auth.login("staff@example.com", PASSWORD)
    return tables


def page(client, day=DAY, **kwargs):
    return client.get(f"/staff/reservations?date={day.isoformat()}", **kwargs)


def token(client) -> str:
    return csrf_from(page(client).data)


def status_of(reference: str) -> ReservationStatus:
    return db.session.scalar(sa.select(Reservation.status).where(Reservation.reference == reference))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_day_lists_bookings_and_draws_them_on_the_timeline(client, room):
    booking, _ = make_reservation(local(DAY, "19:00"), 2, [room["T1"]], name="Kim Lovelace")
    html = page(client).get_data(as_text=True)
    assert "Kim Lovelace" in html and booking.reference in html
    # On the timeline: a cell spanning 19:00–20:15 (three half-hour columns) in T1's row.
    assert 'colspan="3" class="slot-taken slot-taken--confirmed"' in html


def test_the_book_costs_the_same_queries_for_one_booking_or_six(client, room, count_queries):
    make_reservation(local(DAY, "12:00"), 2, [room["T1"]])
    with count_queries() as few:
        page(client)
    for hour in ("13:30", "15:00", "16:30", "18:00", "19:30"):
        make_reservation(local(DAY, hour), 2, [room["T1"]])
    with count_queries() as many:
        page(client)
    assert many.count == few.count


def mark(client, reference, to, seen):
    return client.post(f"/staff/reservations/{reference}/mark",
                       data={"csrf_token": token(client), "to": to, "seen": seen})


def test_seat_then_complete_frees_the_table_and_is_audited(client, room):
    booking, _ = make_reservation(local(DAY, "19:00"), 2, [room["T1"]])
    assert mark(client, booking.reference, "seated", "confirmed").status_code == 303
    assert status_of(booking.reference) == ReservationStatus.SEATED
    assert mark(client, booking.reference, "completed", "seated").status_code == 303
    assert status_of(booking.reference) == ReservationStatus.COMPLETED
    assert active_claims() == []
    assert [a.action for a in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))] == \
        ["reservation.seated", "reservation.completed"]


@pytest.mark.parametrize("to", ["no_show", "cancelled"])
def test_no_show_and_cancel_release_the_table(client, room, to):
    booking, _ = make_reservation(local(DAY, "19:00"), 2, [room["T1"]])
    assert mark(client, booking.reference, to, "confirmed").status_code == 303
    assert status_of(booking.reference).value == to and active_claims() == []


@pytest.mark.parametrize("to, seen, message", [
    ("completed", "confirmed", "cannot become completed"),     # must be seated first
    ("seated", "seated", "has changed since this page was loaded"),  # stale page
    ("eaten", "confirmed", "not something a booking can be marked as"),
])
def test_bad_marks_are_refused_and_nothing_changes(client, room, to, seen, message):
    booking, _ = make_reservation(local(DAY, "19:00"), 2, [room["T1"]])
    response = mark(client, booking.reference, to, seen)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert status_of(booking.reference) == ReservationStatus.CONFIRMED and count(AuditEntry) == 0


def test_an_unknown_booking_is_a_404(client, room):
    assert mark(client, "NOPE1234", "seated", "confirmed").status_code == 404


def test_accepting_a_large_party_request_assigns_a_staff_only_table_and_emails(client, room):
    request, _ = make_reservation(local(DAY, "18:00"), 10, [], status=ReservationStatus.REQUESTED,
                                  name="Office party")
    response = client.post(f"/staff/reservations/{request.reference}/decide",
                           data={"csrf_token": token(client), "decision": "accept", "seen": "requested"})
    assert response.status_code == 303
    assert status_of(request.reference) == ReservationStatus.CONFIRMED
    assert [c.table_id for c in active_claims()] == [room["T9"].id]
    assert count(OutboxMessage) == 1
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "accepted: tables T9" in follow


def test_declining_a_request_emails_and_a_second_click_changes_nothing(client, room):
    request, _ = make_reservation(local(DAY, "18:00"), 10, [], status=ReservationStatus.REQUESTED)
    data = {"csrf_token": token(client), "decision": "decline", "seen": "requested"}
    assert client.post(f"/staff/reservations/{request.reference}/decide", data=data).status_code == 303
    again = client.post(f"/staff/reservations/{request.reference}/decide", data=data)
    assert again.status_code == 422 and "has changed since" in again.get_data(as_text=True)
    assert status_of(request.reference) == ReservationStatus.CANCELLED and count(OutboxMessage) == 1


def walk_in(client, day=DAY, **fields):
    html = page(client, day).get_data(as_text=True)
    key = html.split('name="key" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_from(html), "key": key, "channel": "walk-in", "time": "19:00", "party": "2",
            "name": "Walk In", "phone": "", "email": ""}
    data.update(fields)
    return client.post(f"/staff/reservations/walk-in?date={day.isoformat()}", data=data)


def test_a_walk_in_is_booked_on_a_free_table_without_email_and_audited(client, room):
    response = walk_in(client)
    assert response.status_code == 303
    (booking,) = db.session.scalars(sa.select(Reservation))
    assert booking.name == "Walk In" and booking.status == ReservationStatus.CONFIRMED
    assert [c.table_id for c in active_claims()] == [room["T1"].id]
    assert count(OutboxMessage) == 0
    (entry,) = db.session.scalars(sa.select(AuditEntry))
    assert entry.action == "reservation.booked" and entry.details["channel"] == "walk-in"


def test_a_phone_booking_with_an_email_gets_the_confirmation(client, room):
    assert walk_in(client, channel="by phone", email="caller@example.com").status_code == 303
    assert db.session.scalars(sa.select(OutboxMessage.to_address)).all() == ["caller@example.com"]


@pytest.mark.parametrize("fields, message", [
    ({"time": "23:30"}, "Choose one of the times we show"),          # outside opening hours
    ({"time": "21:30"}, "Choose one of the times we show"),          # no time to eat before closing
    ({"time": "late"}, "Enter a time like 19:30"),
    ({"party": "40"}, "For more, please call us"),
    ({"name": ""}, "Enter your name"),
    ({"email": "not-an-email"}, "Enter an email address like name@example.com"),
    ({"key": ""}, "missing its key"),
])
def test_a_bad_walk_in_is_refused_beside_the_field_and_nothing_is_written(client, room, fields, message):
    response = walk_in(client, **fields)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert count(Reservation) == 0 and count(AuditEntry) == 0


def test_a_walk_in_cannot_take_a_table_that_is_held(client, room):
    make_reservation(local(DAY, "19:00"), 2, [room["T1"]])
    make_reservation(local(DAY, "19:00"), 4, [room["T2"]])
    make_reservation(local(DAY, "19:00"), 8, [room["T9"]])
    response = walk_in(client)
    assert response.status_code == 422 and "no longer free" in response.get_data(as_text=True)
    assert count(Reservation) == 3


def test_a_bad_day_in_the_address_gets_a_message_not_a_500(client, room):
    response = client.get("/staff/reservations?date=2026-02-31")
    assert response.status_code == 422 and "Enter a real date" in response.get_data(as_text=True)


def test_offer_a_free_table_to_the_waitlist(client, room):
    entry = WaitlistEntry(local_date=DAY, party_size=2, window_start=time(18, 0), window_end=time(20, 0),
                          name="Wendy Wait", email="wendy@example.com")
    db.session.add(entry)
    db.session.commit()
    assert "Wendy Wait" in page(client).get_data(as_text=True)
    response = client.post(f"/staff/reservations/waitlist/{entry.id}/offer?date={DAY.isoformat()}",
                           data={"csrf_token": token(client)})
    assert response.status_code == 303
    assert db.session.get(WaitlistEntry, entry.id).status == WaitlistStatus.NOTIFIED
    assert db.session.scalars(sa.select(OutboxMessage.to_address)).all() == ["wendy@example.com"]
    again = client.post(f"/staff/reservations/waitlist/{entry.id}/offer?date={DAY.isoformat()}",
                        data={"csrf_token": token(client)})
    assert again.status_code == 422 and "no longer waiting" in again.get_data(as_text=True)
    assert count(OutboxMessage) == 1


def test_staff_can_choose_the_tables_when_accepting_a_request(client, room, app_ctx):
    from tests.support.reservations import make_combination
    make_combination("T1+T2", [room["T1"], room["T2"]], 5, 10)
    request, _ = make_reservation(local(DAY, "18:00"), 6, [], status=ReservationStatus.REQUESTED)
    html = client.get(f"/staff/reservations/{request.reference}/accept").get_data(as_text=True)
    # T9 (staff-only, 6–12) is the suggestion, checked; the combination is offered too.
    assert re.search(r'<input checked [^>]*value="T9"', html) and 'value="T1+T2"' in html
    response = client.post(f"/staff/reservations/{request.reference}/accept",
                           data={"csrf_token": csrf_from(html), "seen": "requested", "tables": "T1+T2"})
    assert response.status_code == 303
    assert sorted(c.table_id for c in active_claims()) == sorted([room["T1"].id, room["T2"].id])


def test_a_chosen_table_taken_meanwhile_is_refused_and_nothing_is_assigned(client, room):
    request, _ = make_reservation(local(DAY, "18:00"), 6, [], status=ReservationStatus.REQUESTED)
    html = client.get(f"/staff/reservations/{request.reference}/accept").get_data(as_text=True)
    make_reservation(local(DAY, "18:00"), 8, [room["T9"]])  # someone else takes T9 first
    response = client.post(f"/staff/reservations/{request.reference}/accept",
                           data={"csrf_token": csrf_from(html), "seen": "requested", "tables": "T9"})
    assert response.status_code == 422 and "T9 is not free for 6 then any more" in response.get_data(as_text=True)
    assert status_of(request.reference) == ReservationStatus.REQUESTED and count(OutboxMessage) == 0
