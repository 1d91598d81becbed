"""The booking use cases on a real database: book, replay, change (claim before release), cancel,
the waitlist in joining order, reminders once each, large-party requests, and the .ics file."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.core.rules import RuleViolation
from storefront.core.security import token_digest
from storefront.extensions import db
from storefront.reservations import ics, service
from storefront.reservations.models import Reservation, ReservationStatus, WaitlistEntry, WaitlistStatus
from tests.support.reservations import LINKS, LONDON, TABLES, active_claims, local, make_reservation, make_room, shop

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
DAY = date(2026, 6, 12)
GUEST = service.Guest(name="Robin Rye", email="Robin@Example.com", phone="0117 496 0000")


@pytest.fixture
def room(app_ctx):
    return make_room(TABLES + (("Chef", 6, 12),), offline=("Chef",))


def book(at="19:00", party=2, key=None, day=DAY, guest=GUEST, now=NOW, token=None):
    return service.book(db.session, start=local(day, at), party=party, guest=guest, key=key or f"key-{at}-{party}-{day}",
                        token=token or f"token-{at}-{party}-{day}-{key}", shop=shop(), links=LINKS, now=now)


def outbox() -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)))


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- booking ----------------------------------------------------------------------------------

def test_a_booking_claims_the_smallest_fitting_table_and_sends_a_confirmation(room):
    booked = book(party=2, token="secret-token-value")
    reservation = booked.reservation
    assert not booked.replayed and booked.token == "secret-token-value"
    assert reservation.status == ReservationStatus.CONFIRMED
    assert reservation.starts_at == datetime(2026, 6, 12, 18, 0, tzinfo=UTC)  # stored in UTC
    assert reservation.ends_at - reservation.starts_at == timedelta(minutes=75)
    assert reservation.email == "robin@example.com"
    assert [c.table.name for c in reservation.active_claims] == ["T1"]
    # Only the token's digest is kept.
    assert reservation.manage_token_hash == token_digest("secret-token-value")
    assert "secret-token-value" not in (reservation.manage_token_hash, reservation.idempotency_key)
    assert [(h.from_status, h.to_status, h.actor) for h in reservation.history] == [(None, "confirmed", "diner")]
    [mail] = outbox()
    assert mail.to_address == "robin@example.com"
    assert mail.subject == "Your table for 2 on Friday, 12 June 2026 at 19:00 – Test Bakery"
    assert "http://test/reservations/secret-token-value\n" in mail.body_text
    assert "http://test/reservations/secret-token-value/calendar.ics" in mail.body_text
    assert "until Friday, 12 June 2026 at 17:00" in mail.body_text  # the 2-hour cutoff


def test_a_replayed_form_returns_the_first_booking_and_writes_nothing(room):
    first = book(key="same-form-key-123")
    again = book(key="same-form-key-123", at="20:00")  # even if the form was tampered with
    assert again.replayed and again.token is None and again.reservation.id == first.reservation.id
    assert count(Reservation) == 1 and len(outbox()) == 1 and len(active_claims()) == 1


def test_a_taken_time_is_refused_and_nothing_is_written(room):
    for name in ("T1", "T2", "T3"):
        make_reservation(local(DAY, "19:00"), 2, [room[name]])
    with pytest.raises(RuleViolation) as taken:
        book(at="19:30")
    assert taken.value.reasons == [("start", "Sorry, 19:30 is no longer free for 2 guests. "
                                             "Please choose another time.")]
    assert count(Reservation) == 3 and outbox() == []


@pytest.mark.parametrize("at, party, field, message", [
    ("19:10", 2, "start", "Choose one of the times we show"),
    ("21:00", 2, "start", "Choose one of the times we show"),  # 21:00 + 75 min is after closing
    ("09:00", 2, "start", "Choose one of the times we show"),
    ("19:00", 9, "party", "Online bookings are for up to 8 guests"),
    ("19:00", 0, "party", "Enter a party size from 1 to 30"),
])
def test_bookings_off_the_rules_are_refused_by_field(room, at, party, field, message):
    with pytest.raises(RuleViolation) as refused:
        book(at=at, party=party)
    assert refused.value.reasons[0][0] == field and message in refused.value.reasons[0][1]
    assert count(Reservation) == 0


def test_minimum_notice_and_horizon(room):
    with pytest.raises(RuleViolation, match="need 1 hour's notice"):
        book(day=NOW.date(), at="12:00", now=local(NOW.date(), "11:30"))
    with pytest.raises(RuleViolation, match="up to 60 days ahead"):
        book(day=NOW.date() + timedelta(days=61))
    with pytest.raises(RuleViolation, match="That time has passed"):
        book(day=NOW.date(), at="12:00", now=local(NOW.date(), "12:30"))


# --- change --------------------------------------------------------------------------------

def test_a_change_claims_the_new_place_before_releasing_the_old(room):
    reservation = book(at="19:00", party=2).reservation
    old_claim_ids = [c.id for c in reservation.active_claims]
    # Fill T2 and T3 so the only table for two at 19:30 is the booking's own T1.
    make_reservation(local(DAY, "19:00"), 2, [room["T2"]])
    make_reservation(local(DAY, "19:00"), 2, [room["T3"]])
    service.change(db.session, reservation.id, start=local(DAY, "19:30"), party=2, shop=shop(), links=LINKS,
                   token="tok", now=NOW)
    db.session.expire_all()
    reservation = db.session.get(Reservation, reservation.id)
    claims = reservation.claims
    assert [c.id for c in claims if c.released_at is not None] == old_claim_ids
    [new] = reservation.active_claims
    assert new.id > max(old_claim_ids) and new.table.name == "T1"  # claimed first, so a higher id
    assert (new.starts_at, reservation.starts_at) == (local(DAY, "19:30"), local(DAY, "19:30"))
    assert reservation.history[-1].note.startswith("changed from Friday, 12 June 2026 at 19:00 for 2 guests")
    assert outbox()[-1].subject == "Your booking is changed to Friday, 12 June 2026 at 19:30 – Test Bakery"


def test_a_failed_change_leaves_the_booking_as_it_was(room):
    reservation = book(at="19:00", party=2).reservation
    make_reservation(local(DAY, "13:00"), 4, [room["T3"]])
    make_reservation(local(DAY, "13:00"), 4, [room["T4"]])
    make_reservation(local(DAY, "13:00"), 4, [room["T5"]])
    with pytest.raises(RuleViolation, match="Your booking is unchanged"):
        service.change(db.session, reservation.id, start=local(DAY, "13:00"), party=4, shop=shop(), links=LINKS,
                       now=NOW)
    db.session.expire_all()
    reservation = db.session.get(Reservation, reservation.id)
    assert (reservation.starts_at, reservation.party_size) == (local(DAY, "19:00"), 2)
    assert [c.table.name for c in reservation.active_claims] == ["T1"] and len(reservation.claims) == 1
    assert len(outbox()) == 1  # only the original confirmation


def test_changes_and_cancellations_close_at_the_cutoff(room):
    reservation = book(at="19:00").reservation
    just_before = local(DAY, "16:59")
    at_cutoff = local(DAY, "17:00")
    assert service.options(db.session, reservation, just_before).can_cancel
    assert not service.options(db.session, reservation, at_cutoff).can_cancel
    with pytest.raises(RuleViolation, match="too late to cancel online: that closes 2 hours before"):
        service.cancel(db.session, reservation.id, shop=shop(), links=LINKS, now=at_cutoff)
    with pytest.raises(RuleViolation, match="too late to change your booking online"):
        service.change(db.session, reservation.id, start=local(DAY, "20:00"), party=2, shop=shop(), links=LINKS,
                       now=at_cutoff)
    cancelled = service.cancel(db.session, reservation.id, shop=shop(), links=LINKS, now=just_before)
    assert cancelled.status == ReservationStatus.CANCELLED and active_claims() == []
    assert [h.to_status for h in cancelled.history] == ["confirmed", "cancelled"]
    assert outbox()[-1].subject.startswith("Your booking on Friday, 12 June 2026 at 19:00 is cancelled")
    # A second cancel changes nothing and sends nothing.
    service.cancel(db.session, reservation.id, shop=shop(), links=LINKS, now=just_before)
    assert len(outbox()) == 2


# --- waitlist ------------------------------------------------------------------------------

def join(name, email, party=2, start=time(18, 30), end=time(20, 0), now=NOW):
    return service.join_waitlist(db.session, service.WaitlistRequest(
        day=DAY, party=party, window_start=start, window_end=end,
        guest=service.Guest(name=name, email=email, phone="0117 000 0000")), tz=LONDON, now=now)


def test_the_waitlist_is_told_in_joining_order_one_freed_table_at_a_time(room):
    bookings = [make_reservation(local(DAY, "18:00"), 2, [room[name]], minutes=240)[0] for name in ("T1", "T2", "T3")]
    # Both want a table for two between 18:30 and 19:00: one freed table serves one of them.
    first = join("First", "first@example.com", end=time(19, 0), now=NOW)
    second = join("Second", "second@example.com", end=time(19, 0), now=NOW + timedelta(minutes=5))

    service.cancel(db.session, bookings[0].id, shop=shop(), links=LINKS, now=NOW + timedelta(hours=1))
    offers = [m for m in outbox() if "is free on" in m.subject]
    assert [m.to_address for m in offers] == ["first@example.com"]
    assert "A table for 2 is free on Friday, 12 June 2026" in offers[0].subject
    assert "http://test/reservations?date=2026-06-12&party=2&time=18:30" in offers[0].body_text
    db.session.expire_all()
    assert db.session.get(WaitlistEntry, first.id).status == WaitlistStatus.NOTIFIED
    assert db.session.get(WaitlistEntry, second.id).status == WaitlistStatus.WAITING

    service.cancel(db.session, bookings[1].id, shop=shop(), links=LINKS, now=NOW + timedelta(hours=2))
    offers = [m for m in outbox() if "is free on" in m.subject]
    assert [m.to_address for m in offers] == ["first@example.com", "second@example.com"]  # each told once


def test_joining_the_waitlist_when_a_time_is_free_says_book_it(room):
    with pytest.raises(RuleViolation, match="A table is free at 18:30 in those times"):
        join("Early", "early@example.com")
    with pytest.raises(RuleViolation, match="latest time must be after"):
        join("Odd", "odd@example.com", start=time(20, 0), end=time(19, 0))
    with pytest.raises(RuleViolation, match="when we are open"):
        join("Night", "night@example.com", start=time(23, 0), end=time(23, 45))


def test_the_waitlist_only_hears_of_places_that_fit_its_party_and_window(room):
    bookings = [make_reservation(local(DAY, "18:00"), 2, [room[n]], minutes=240)[0] for n in ("T1", "T2", "T3")]
    make_reservation(local(DAY, "17:00"), 8, [room["T4"], room["T5"]], minutes=300)
    join("Four", "four@example.com", party=4)
    service.cancel(db.session, bookings[0].id, shop=shop(), links=LINKS, now=NOW)  # frees T1: seats 1–2 only
    assert [m.to_address for m in outbox() if "is free on" in m.subject] == []


# --- reminders -----------------------------------------------------------------------------

def test_reminders_go_about_a_day_ahead_once_each(room):
    now = local(DAY, "18:00") - timedelta(days=1)
    due, _ = make_reservation(local(DAY, "17:00"), 2, [room["T1"]], email="due@example.com")
    make_reservation(local(DAY, "19:00"), 2, [room["T2"]], email="later@example.com")  # 25 h ahead
    make_reservation(local(DAY, "12:00"), 2, [room["T3"]], email="fresh@example.com",
                     confirmed_at=now - timedelta(hours=1))  # booked an hour ago, for tomorrow
    make_reservation(local(DAY, "13:00"), 2, [room["T1"]], email="gone@example.com",
                     status=ReservationStatus.CANCELLED)
    assert service.send_reminders(db.session, shop=shop(), links=LINKS, now=now) == 1
    assert service.send_reminders(db.session, shop=shop(), links=LINKS, now=now + timedelta(minutes=30)) == 0
    [mail] = outbox()
    assert mail.to_address == "due@example.com" and mail.subject.startswith("See you Friday, 12 June 2026 at 17:00")
    assert db.session.get(Reservation, due.id).reminder_sent_at == now
    # An hour later the 19:00 booking is within the day, and gets its own.
    assert service.send_reminders(db.session, shop=shop(), links=LINKS, now=now + timedelta(hours=1)) == 1


# --- requests ----------------------------------------------------------------------------------

def test_large_parties_request_and_staff_accept_with_a_staff_only_table(room):
    booked = service.request_table(db.session, start=local(DAY, "19:00"), party=11, guest=GUEST, key="req-key-123456",
                                   token="req-token", shop=shop(), links=LINKS, now=NOW)
    reservation = booked.reservation
    assert reservation.status == ReservationStatus.REQUESTED and reservation.claims == []
    assert outbox()[-1].subject == "We have your request for 11 – Test Bakery"
    accepted = service.accept_request(db.session, reservation.reference.lower(), shop=shop(), links=LINKS, now=NOW)
    assert accepted.status == ReservationStatus.CONFIRMED
    assert [c.table.name for c in accepted.active_claims] == ["Chef"]
    assert accepted.history[-1].note == "request accepted: Chef"
    assert db.session.scalars(sa.select(AuditEntry.action)).all() == ["reservation.request_accepted"]
    assert outbox()[-1].subject == "Your table for 11 is confirmed – Test Bakery"
    with pytest.raises(RuleViolation, match="not a request"):
        service.accept_request(db.session, reservation.reference, shop=shop(), links=LINKS, now=NOW)


def test_staff_decline_a_request_they_cannot_seat(room):
    booked = service.request_table(db.session, start=local(DAY, "19:00"), party=20, guest=GUEST, key="req-key-654321",
                                   token="req-token-2", shop=shop(), links=LINKS, now=NOW)
    with pytest.raises(RuleViolation, match="No table or combination seating 20"):
        service.accept_request(db.session, booked.reservation.reference, shop=shop(), links=LINKS, now=NOW)
    declined = service.decline_request(db.session, booked.reservation.reference, shop=shop(), links=LINKS, now=NOW)
    assert declined.status == ReservationStatus.CANCELLED
    assert outbox()[-1].subject == "About your request for 20 – Test Bakery"


def test_requests_are_for_parties_above_the_online_maximum(room):
    with pytest.raises(RuleViolation, match="can book a table online"):
        service.request_table(db.session, start=local(DAY, "19:00"), party=4, guest=GUEST, key="req-key-small-1",
                              token="t", shop=shop(), links=LINKS, now=NOW)


def test_staff_marks_seat_complete_and_free_the_table(room):
    reservation = book(at="19:00").reservation
    seated = service.mark(db.session, reservation.reference, ReservationStatus.SEATED, shop=shop(), links=LINKS, now=NOW)
    assert seated.status == ReservationStatus.SEATED and len(active_claims()) == 1
    done = service.mark(db.session, reservation.reference, ReservationStatus.COMPLETED, shop=shop(), links=LINKS,
                        now=NOW)
    assert done.status == ReservationStatus.COMPLETED and active_claims() == []
    assert [h.to_status for h in done.history] == ["confirmed", "seated", "completed"]
    with pytest.raises(RuleViolation, match="cannot become seated"):
        service.mark(db.session, reservation.reference, ReservationStatus.SEATED, shop=shop(), links=LINKS, now=NOW)


# --- account and calendar --------------------------------------------------------------------

def test_a_signed_in_customers_upcoming_and_past_bookings(room):
    from tests.support.builders import make_user

    user = make_user("casey@example.com")
    soon, _ = make_reservation(local(DAY, "19:00"), 2, [room["T1"]], user_id=user.id)
    old, _ = make_reservation(local(date(2026, 5, 20), "12:00"), 2, [room["T2"]], user_id=user.id,
                              status=ReservationStatus.COMPLETED)
    gone, _ = make_reservation(local(DAY, "13:00"), 2, [room["T2"]], user_id=user.id,
                               status=ReservationStatus.CANCELLED)
    make_reservation(local(DAY, "20:00"), 2, [room["T3"]])  # someone else's
    upcoming, past = service.for_user(db.session, user.id, NOW)
    assert [r.id for r in upcoming] == [soon.id]
    assert [r.id for r in past] == [gone.id, old.id]


def test_the_calendar_file_has_the_booking_in_utc(room):
    reservation = book(at="19:00").reservation
    body = ics.calendar_file(reservation, shop(), manage_url="http://test/reservations/tok", uid_domain="test",
                             now=NOW)
    calendar = Calendar.from_ical(body)
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2026, 6, 12, 18, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2026, 6, 12, 19, 15, tzinfo=UTC)
    assert str(event["SUMMARY"]) == "Table for 2 at Test Bakery"
    assert str(event["UID"]) == f"reservation-{reservation.reference}@test"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "http://test/reservations/tok" in str(event["DESCRIPTION"])
    assert re.search(rb"DTSTART:20260612T180000Z", body)


def test_closed_days_are_put_in_words_for_the_date_picker():
    from datetime import time as clock

    from storefront.reservations.service import closed_words
    from storefront.store.service import DayHours

    open_day = ((clock(12), clock(22)),)
    first = date(2026, 12, 21)   # a Monday
    hours = {first + timedelta(days=n): DayHours(first + timedelta(days=n), open_day, None) for n in range(14)}
    assert closed_words(hours) == ""
    for monday in (date(2026, 12, 21), date(2026, 12, 28)):
        hours[monday] = DayHours(monday, (), None)
    hours[date(2026, 12, 29)] = DayHours(date(2026, 12, 29), (), None)
    for day in (date(2026, 12, 24), date(2026, 12, 25), date(2026, 12, 26)):
        hours[day] = DayHours(day, (), "Christmas")
    hours[date(2027, 1, 1)] = DayHours(date(2027, 1, 1), (), "Closed")
    assert closed_words(hours) == ("Closed on Mondays and Tuesdays; Thursday 24 December to Saturday 26 December "
                                   "(Christmas); Friday 1 January.")
