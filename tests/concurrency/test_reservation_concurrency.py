"""Bookings under real concurrency: twenty diners press "Book table" at the same moment, against
the app on a real socket with a thread per request, on the suite's database (PostgreSQL when
TEST_DATABASE_URL is set, as CI runs it; the SQLite file otherwise, where the same day lock
serialises writers and the same exact outcome must hold)."""
from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import defaultdict
from itertools import combinations

import pytest
import sqlalchemy as sa

from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.reservations.assignment import clashes
from storefront.reservations.models import Reservation, ReservationStatus, TableClaim
from tests.support.html import csrf_from, hidden_value
from tests.support.reservations import future_day, local, make_reservation, make_room
from tests.support.servers import LiveServer

DINERS = 20
DAY = future_day(4)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Diner:
    """One browser: its own cookie jar (session, CSRF token), redirects not followed."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect())

    def open(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=60) as response:
                return response.status, response.read().decode(), response.headers.get("Location", "")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers.get("Location", "")

    def booking_form(self, start: str, party: int, n: int) -> dict:
        status, page, _ = self.open("/reservations/book?" + urllib.parse.urlencode({"start": start, "party": party}))
        assert status == 200, page

        return {"csrf_token": csrf_from(page), "key": hidden_value(page, "key"), "start": hidden_value(page, "start"),
                "party": party,
                "name": f"Diner {n}", "email": f"diner{n}@example.com", "phone": "0117 496 0000"}


def race(base: str, forms: list[tuple[Diner, dict]]) -> list[tuple[int, str, str]]:
    """Every diner posts at the same moment; the answers in diner order."""
    barrier = threading.Barrier(len(forms))
    answers: list = [None] * len(forms)

    def post(i, diner, form):
        barrier.wait()
        answers[i] = diner.open("/reservations/book", form)

    threads = [threading.Thread(target=post, args=(i, d, f)) for i, (d, f) in enumerate(forms)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def assert_no_overlaps(buffer_minutes: int = 15) -> None:
    from datetime import timedelta

    held = defaultdict(list)
    for claim in db.session.scalars(sa.select(TableClaim).where(TableClaim.released_at.is_(None))):
        held[claim.table_id].append(claim)
    for claims in held.values():
        for a, b in combinations(claims, 2):
            assert not clashes(a.starts_at, a.ends_at, b.starts_at, b.ends_at, timedelta(minutes=buffer_minutes))


@pytest.fixture
def server(make_app):
    live = LiveServer(make_app(RATELIMIT_ENABLED=False)).start()
    yield live
    live.stop()


def test_twenty_diners_for_the_last_fitting_table_make_exactly_one_booking(server, app_ctx):
    # T6 is free, but never for a couple.
    tables = make_room((("T1", 1, 2), ("T2", 1, 2), ("T6", 4, 6)), (), pacing_guests_per_slot=100)
    first, last = tables["T1"], tables["T2"]
    make_reservation(local(DAY, "18:45"), 2, [first], minutes=120, email="earlier@example.com")  # T2 is the last
    # table for two
    start = local(DAY, "19:00").astimezone(local(DAY, "12:00").tzinfo).isoformat(timespec="minutes")

    diners = [Diner(server.url) for _ in range(DINERS)]
    answers = race(server.url, [(d, d.booking_form(start, 2, n)) for n, d in enumerate(diners)])

    statuses = [status for status, _, _ in answers]
    assert statuses.count(303) == 1 and statuses.count(422) == DINERS - 1, statuses
    for status, body, location in answers:
        if status == 303:
            assert re.fullmatch(r"/reservations/[A-Za-z0-9_-]{40,}", location)
        else:
            # The others are told, and offered the nearest free times with their details kept.
            assert "Sorry, 19:00 is no longer free for 2 guests." in body
            assert 'name="alternative"' in body
    db.session.expire_all()
    booked = db.session.scalars(sa.select(Reservation).where(Reservation.email.like("diner%"))).all()
    assert len(booked) == 1 and booked[0].status == ReservationStatus.CONFIRMED
    assert [c.table_id for c in booked[0].active_claims] == [last.id]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
    assert_no_overlaps()


def test_pacing_holds_under_the_same_race(server, app_ctx):
    make_room([(f"T{n}", 1, 2) for n in range(1, 13)], (), pacing_guests_per_slot=6)  # only pacing can say no
    start = local(DAY, "19:00").astimezone(local(DAY, "12:00").tzinfo).isoformat(timespec="minutes")

    diners = [Diner(server.url) for _ in range(DINERS)]
    answers = race(server.url, [(d, d.booking_form(start, 2, n)) for n, d in enumerate(diners)])

    statuses = [status for status, _, _ in answers]
    assert statuses.count(303) == 3 and statuses.count(422) == DINERS - 3, statuses  # 3 × 2 guests = 6
    db.session.expire_all()
    booked = db.session.scalars(sa.select(Reservation)).all()
    assert len(booked) == 3 and sum(r.party_size for r in booked) == 6
    assert len({c.table_id for r in booked for c in r.active_claims}) == 3
    assert_no_overlaps()


def test_one_form_sent_ten_times_at_once_books_once(server, app_ctx):
    make_room((("T1", 1, 2), ("T2", 1, 2)), ())
    start = local(DAY, "19:00").astimezone(local(DAY, "12:00").tzinfo).isoformat(timespec="minutes")
    diner = Diner(server.url)
    form = diner.booking_form(start, 2, 0)

    answers = race(server.url, [(diner, form)] * 10)

    # Every answer shows the one booking: the manage page (same link) or, if a replay raced
    # ahead of the first answer's bookkeeping, the "already booked" page.
    locations = {location for status, _, location in answers if status == 303}
    assert len(locations) == 1
    assert all(status == 303 or (status == 200 and "You have already booked this table" in body)
               for status, body, _ in answers), [a[0] for a in answers]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Reservation.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(TableClaim.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
