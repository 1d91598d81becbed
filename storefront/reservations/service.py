"""Reservation rules: finding free times, booking, requests for large parties, changing and
cancelling by the manage link, the waitlist, reminders and the staff's decisions.

Plain functions on a session; each use case commits once (or rolls back and says no with a
RuleViolation). Nothing here knows about HTTP or HTML: links and the shop's details come in as
`Links` and `Shop`. Writes that claim or free tables take the day's lock first (locking.py)
and read what is held only after it, so two diners never get the same table.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core import audit, capacity, outbox
from ..core.mail import Email
from ..core.rules import FORM, RuleViolation
from ..core.security import token_digest
from ..core.shop import Shop
from ..core.slots import Slot, day_bounds, local_instant, make_slot
from ..core.time import utcnow
from ..store.service import hours_between
from . import emails
from .availability import Book, load_book, load_occupancy, nearest
from .context import Links
from .locking import lock_days
from .models import (
    ACTIVE_STATUSES,
    PACING,
    Occasion,
    Reservation,
    ReservationHistory,
    ReservationStatus,
    TableClaim,
    WaitlistEntry,
    WaitlistStatus,
)
from .rules import Rules, load_rules

LOOKAHEAD_DAYS = 14  # how far "next days with space" looks
NEXT_DAYS_SHOWN = 3
NO_LIMIT = 2**31 - 1  # pacing when staff decide (accepting a large party's request)
REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_reference() -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


# --------------------------------------------------------------------------------------------
# Checks shared by every use case
# --------------------------------------------------------------------------------------------

def party_message(rules: Rules) -> str:
    return f"Enter a party size from 1 to {rules.max_party_request}"


def check_party(rules: Rules, party: int, *, online: bool, field_name: str = "party") -> None:
    if party < 1 or party > rules.max_party_request:
        raise RuleViolation.on(field_name, party_message(rules) + ". For more, please call us.")
    if online and party > rules.max_party_online:
        raise RuleViolation.on(field_name, f"Online bookings are for up to {rules.max_party_online} guests. "
                                           "For a larger party, send us a request.")


def _long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def check_day(book: Book, day: date, *, field_name: str = "date", allow_closed: bool = False) -> None:
    if day < book.today:
        raise RuleViolation.on(field_name, "That date has passed. Choose today or a later date.")
    if day > book.last_bookable_day:
        raise RuleViolation.on(field_name, f"We take bookings up to {book.rules.horizon_days} days ahead, "
                                           f"until {_long_date(book.last_bookable_day)}.")
    hours = book.hours.get(day)
    if hours is not None and hours.is_closed_all_day and not allow_closed:
        reason = f" ({hours.closure_reason})" if hours.closure_reason and hours.closure_reason != "Closed" else ""
        raise RuleViolation.on(field_name, f"We are closed on {_long_date(day)}{reason}. Choose another date.")


def check_start(book: Book, start: datetime, party: int, *, field_name: str = "start",
                notice: bool = True) -> Slot:
    """The slot for `start` when a party could start then (free or not): on the grid, in
    opening hours with time to finish, ahead by the minimum notice (online only: staff taking a
    walk-in or a call need none), within the horizon."""
    day = start.astimezone(book.tz).date()
    if start <= book.now:
        raise RuleViolation.on(field_name, "That time has passed. Choose a later time.")
    check_day(book, day, field_name=field_name)
    slot = next((s for s in book.slots(day, party) if s.start == start), None)
    if slot is None:
        raise RuleViolation.on(field_name, f"Choose one of the times we show: tables start every "
                                           f"{book.rules.slot_minutes} minutes while we are open, and "
                                           "the last seating leaves time for your meal before we close.")
    if notice and not book.in_notice(start):
        raise RuleViolation.on(field_name, f"Online bookings need {_possessive(_span(book.rules.notice))} notice. "
                                           "For a table sooner, please call us.")
    return slot


def _span(span: timedelta) -> str:
    minutes = int(span.total_seconds() // 60)
    if minutes % 60 == 0:
        hours = minutes // 60
        return "1 hour" if hours == 1 else f"{hours} hours"
    return f"{minutes} minutes"


def _possessive(text: str) -> str:
    return text + ("'" if text.endswith("s") else "'s")


def _history(reservation: Reservation, to_status: ReservationStatus, *, actor: str, actor_id: int | None = None,
             from_status: ReservationStatus | None = None, note: str = "") -> None:
    reservation.history.append(ReservationHistory(
        from_status=from_status.value if from_status else None, to_status=to_status.value,
        actor=actor, actor_id=actor_id, note=note[:255]))


def _send(session: Session, to: str, email: Email) -> None:
    outbox.enqueue_email(session, to=to, email=email)


# --------------------------------------------------------------------------------------------
# Finding a time
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class DayOption:
    day: date
    slots: list[Slot]


@dataclass
class Search:
    day: date
    party: int
    slots: list[Slot] = field(default_factory=list)  # every free time that day
    wanted: Slot | None = None  # the preferred time, when one was given
    wanted_free: bool = False
    nearest: list[Slot] = field(default_factory=list)  # closest free times when `wanted` is full
    next_days: list[DayOption] = field(default_factory=list)
    periods: tuple[tuple[time, time], ...] = ()
    needs_request: bool = False
    max_party_online: int = 8
    closed_reason: str | None = None  # the shop is closed all day

    @property
    def full(self) -> bool:
        return not self.needs_request and (not self.slots or (self.wanted is not None and not self.wanted_free))


def search(session: Session, *, day: date, party: int, tz, wanted_time: time | None = None,
           wanted_at: datetime | None = None, now: datetime | None = None,
           exclude_reservation_id: int | None = None) -> Search:
    """Free times for `party` on `day`; when the wanted time (or the whole day) is full, the
    nearest free times that day and the next days with space. A fixed number of statements.
    `wanted_at` (an instant) wins over `wanted_time` (a wall time on `day`)."""
    now = now or utcnow()
    rules = load_rules(session)
    check_party(rules, party, online=False)
    book_ = load_book(session, rules, tz, day, day + timedelta(days=LOOKAHEAD_DAYS), now,
                      exclude_reservation_id=exclude_reservation_id)
    check_day(book_, day, allow_closed=True)
    if wanted_at is None and wanted_time is not None:
        wanted_at = local_instant(day, wanted_time, tz)
    return _search_in(book_, day, party, wanted_at)


def check_choice(session: Session, *, start: datetime, party: int, tz, now: datetime | None = None,
                 exclude_reservation_id: int | None = None) -> Search:
    """Whether a chosen time can be booked online (RuleViolation if it never could), and the
    search around it: `wanted_free` says whether it is still free."""
    now = now or utcnow()
    rules = load_rules(session)
    check_party(rules, party, online=True)
    day = start.astimezone(tz).date()
    book_ = load_book(session, rules, tz, day, day + timedelta(days=LOOKAHEAD_DAYS), now,
                      exclude_reservation_id=exclude_reservation_id)
    check_start(book_, start, party)
    return _search_in(book_, day, party, start)


def _search_in(book_: Book, day: date, party: int, wanted_at: datetime | None) -> Search:
    rules = book_.rules
    hours = book_.hours[day]
    result = Search(day=day, party=party, periods=hours.periods, max_party_online=rules.max_party_online,
                    closed_reason=(hours.closure_reason or "Closed") if hours.is_closed_all_day else None)
    if party > rules.max_party_online:
        result.needs_request = True
        return result
    result.slots = book_.free_slots(day, party)
    if wanted_at is not None:
        result.wanted = make_slot(wanted_at, book_.tz)
        result.wanted_free = any(s.start == wanted_at for s in result.slots)
        if not result.wanted_free:
            result.nearest = nearest(result.slots, wanted_at)
    if result.full:
        wanted_time = wanted_at.astimezone(book_.tz).time().replace(tzinfo=None) if wanted_at else None
        result.next_days = _next_days(book_, day, party, wanted_time, book_.tz)
    return result


def _next_days(book: Book, day: date, party: int, wanted_time: time | None, tz) -> list[DayOption]:
    options = []
    other = day + timedelta(days=1)
    while len(options) < NEXT_DAYS_SHOWN and other <= min(day + timedelta(days=LOOKAHEAD_DAYS),
                                                          book.last_bookable_day):
        free = book.free_slots(other, party)
        if free:
            target = local_instant(other, wanted_time, tz) if wanted_time is not None else free[0].start
            options.append(DayOption(other, nearest(free, target, 3)))
        other += timedelta(days=1)
    return options


# --------------------------------------------------------------------------------------------
# Booking
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Guest:
    name: str
    email: str
    phone: str = ""
    occasion: Occasion | None = None
    special_requests: str = ""
    user_id: int | None = None


@dataclass(frozen=True)
class Booked:
    reservation: Reservation
    token: str | None  # the manage link's token; None when the form was a replay
    replayed: bool = False


def by_key(session: Session, key: str) -> Reservation | None:
    return session.scalars(sa.select(Reservation).where(Reservation.idempotency_key == key)
                           .execution_options(populate_existing=True)).first()


def _new_reservation(*, status: ReservationStatus, start: datetime, party: int, rules: Rules, tz, guest: Guest,
                     key: str, token: str) -> Reservation:
    return Reservation(
        reference=new_reference(), status=status, party_size=party, starts_at=start,
        ends_at=start + rules.turn_for(party), local_date=start.astimezone(tz).date(),
        name=guest.name.strip(), email=guest.email.strip().lower(), phone=(guest.phone or "").strip(),
        occasion=guest.occasion, special_requests=(guest.special_requests or "").strip(),
        user_id=guest.user_id, manage_token_hash=token_digest(token), idempotency_key=key)


def _claim(session: Session, reservation: Reservation, placement, start: datetime, end: datetime, party: int,
           pacing_limit: int | None) -> bool:
    """Hold the placement's tables and the party's places in the start's pacing (without a limit
    when staff decide). False when pacing is full: the caller rolls back."""
    if not capacity.claim(session, PACING, start, NO_LIMIT if pacing_limit is None else pacing_limit, party):
        return False
    reservation.combination_id = placement.combination.id if placement.combination else None
    for table_id in placement.table_ids:
        reservation.claims.append(TableClaim(table_id=table_id, starts_at=start, ends_at=end))
    return True


def _commit_new(session: Session, reservation: Reservation, key: str, token: str) -> Booked:
    try:
        session.commit()
    except IntegrityError:
        # The same form posted twice at once: the unique key lets one through; return it.
        session.rollback()
        existing = by_key(session, key)
        if existing is None:
            raise
        return Booked(existing, None, replayed=True)
    return Booked(reservation, token)


# Two tables this close together for one diner is most often a slip (a second tab, a changed
# mind): the diner is asked before the second is booked, as OpenTable does.
NEARBY_WINDOW = timedelta(hours=3)
NEARBY_FIELD = "also_book"


def nearby_bookings(session: Session, *, start: datetime, email: str, user_id: int | None,
                    window: timedelta = NEARBY_WINDOW) -> list[Reservation]:
    """The diner's other live bookings (same email, or same account) starting within `window`
    of `start`, soonest first."""
    same_diner = Reservation.email == email.strip().lower()
    if user_id is not None:
        same_diner = sa.or_(same_diner, Reservation.user_id == user_id)
    return list(session.scalars(
        sa.select(Reservation).where(same_diner,
                                     Reservation.status.in_((*ACTIVE_STATUSES, ReservationStatus.REQUESTED)),
                                     Reservation.starts_at > start - window, Reservation.starts_at < start + window)
        .order_by(Reservation.starts_at)))


def _check_nearby(session: Session, start: datetime, guest: Guest, shop: Shop) -> None:
    nearby = nearby_bookings(session, start=start, email=guest.email, user_id=guest.user_id)
    if nearby:
        other = nearby[0]
        raise RuleViolation.on(NEARBY_FIELD, (
            f"You already have a table for {emails.guests(other.party_size)} at {emails.when(other.starts_at, shop)} "
            f"(reference {other.reference}). Tick the box to book this one as well, or keep the one you have."))


def book(session: Session, *, start: datetime, party: int, guest: Guest, key: str, token: str, shop: Shop,
         links: Links, now: datetime | None = None, staff_id: int | None = None, channel: str = "online",
         also_book: bool = True) -> Booked:
    """Book a table for `party` at `start`, assigning the table automatically. A replayed form
    (same `key`) returns the booking it made the first time. Staff taking a phone call or a
    walk-in (`staff_id` given) book under the same hours, day lock and pacing, but without the
    online notice or party limit and with staff-only tables too; their booking is audited.
    With `also_book=False` a diner who already holds a table within `NEARBY_WINDOW` of `start`
    is refused with a question (field `also_book`) instead, and nothing is written."""
    now = now or utcnow()
    existing = by_key(session, key)
    if existing is not None:
        return Booked(existing, None, replayed=True)
    online = staff_id is None
    rules = load_rules(session)
    check_party(rules, party, online=online)
    day = start.astimezone(shop.tz).date()
    book_ = load_book(session, rules, shop.tz, day, day, now)
    slot = check_start(book_, start, party, notice=online)

    lock_days(session, [day])
    existing = by_key(session, key)
    if existing is not None:
        session.rollback()
        return Booked(by_key(session, key), None, replayed=True)
    if not also_book:
        # Only now: a replay of this very form that waited on the day lock is answered above,
        # not asked about the booking its first submit has just made.
        try:
            _check_nearby(session, start, guest, shop)
        except RuleViolation:
            session.rollback()
            raise
    first, last = day_bounds(day, shop.tz)
    book_.occupancy = load_occupancy(session, first, last, rules.buffer)
    placement = book_.placement(start, party, online_only=online)
    reservation = _new_reservation(status=ReservationStatus.CONFIRMED, start=start, party=party, rules=rules,
                                   tz=shop.tz, guest=guest, key=key, token=token)
    if placement is None or not _claim(session, reservation, placement, start, reservation.ends_at, party,
                                       rules.pacing_guests_per_slot):
        session.rollback()
        raise RuleViolation.on("start", f"Sorry, {emails.clock(slot, shop)} is no longer free for "
                                        f"{emails.guests(party)}. Please choose another time.")
    reservation.confirmed_at = now
    if online:
        _history(reservation, ReservationStatus.CONFIRMED, actor="diner", actor_id=guest.user_id, note="booked online")
    else:
        _history(reservation, ReservationStatus.CONFIRMED, actor="staff", actor_id=staff_id, note=f"booked {channel}")
    session.add(reservation)
    if not online:
        session.flush()
        audit.record(session, actor_id=staff_id, action="reservation.booked", target_type="reservation",
                     target_id=reservation.id, reference=reservation.reference, after="confirmed", channel=channel,
                     party=party, tables=placement.name)
    # Whoever books from the waitlist is no longer waiting for that day.
    session.execute(sa.update(WaitlistEntry)
                    .where(WaitlistEntry.local_date == day, WaitlistEntry.email == reservation.email,
                           WaitlistEntry.status != WaitlistStatus.BOOKED)
                    .values(status=WaitlistStatus.BOOKED).execution_options(synchronize_session=False))
    if reservation.email:  # a walk-in may leave none
        _send(session, reservation.email, emails.booked(reservation, shop, links, token, rules.cutoff))
    return _commit_new(session, reservation, key, token)


def request_table(session: Session, *, start: datetime, party: int, guest: Guest, key: str, token: str,
                  shop: Shop, links: Links, now: datetime | None = None) -> Booked:
    """A party above the online maximum asks; staff accept (tables assigned then) or decline."""
    now = now or utcnow()
    existing = by_key(session, key)
    if existing is not None:
        return Booked(existing, None, replayed=True)
    rules = load_rules(session)
    check_party(rules, party, online=False)
    if party <= rules.max_party_online:
        raise RuleViolation.on("party", f"Parties of up to {rules.max_party_online} can book a table online "
                                        "straight away.")
    day = start.astimezone(shop.tz).date()
    check_start(load_book(session, rules, shop.tz, day, day, now), start, party, field_name="time")
    reservation = _new_reservation(status=ReservationStatus.REQUESTED, start=start, party=party, rules=rules,
                                   tz=shop.tz, guest=guest, key=key, token=token)
    _history(reservation, ReservationStatus.REQUESTED, actor="diner", actor_id=guest.user_id,
             note="requested online")
    session.add(reservation)
    _send(session, reservation.email, emails.requested(reservation, shop, links, token))
    return _commit_new(session, reservation, key, token)


# --------------------------------------------------------------------------------------------
# The manage link
# --------------------------------------------------------------------------------------------

def find_by_token(session: Session, token: str, now: datetime | None = None) -> Reservation | None:
    """The booking a manage link opens, or None for a wrong token or once the booking's time is
    over (the link has done its job)."""
    if not token or len(token) > 128:
        return None
    reservation = session.scalars(sa.select(Reservation)
                                  .where(Reservation.manage_token_hash == token_digest(token))).first()
    if reservation is None or reservation.ends_at <= (now or utcnow()):
        return None
    return reservation


def find_for_owner(session: Session, reference: str, user_id: int) -> Reservation | None:
    if not reference or len(reference) > 12:
        return None
    return session.scalars(sa.select(Reservation).where(Reservation.reference == reference.upper(),
                                                        Reservation.user_id == user_id)).first()


@dataclass(frozen=True)
class Options:
    """What the diner may still do, and until when."""

    can_change: bool
    can_cancel: bool
    deadline: datetime
    area: str | None  # where the diner sits ("window"); table codes are for staff only


AREA_WORDS = {"window": "by the window", "inside": "inside", "terrace": "on the terrace",
              "kitchen": "at the chef’s table"}


def area_words(area: str) -> str:
    """Where a diner sits, in words ("by the window"); an area without words reads "in the …"."""
    return AREA_WORDS.get(area, f"in the {area}")


def options(session: Session, reservation: Reservation, now: datetime | None = None) -> Options:
    rules = load_rules(session)
    return _options(reservation, rules, now or utcnow())


def _options(reservation: Reservation, rules: Rules, now: datetime) -> Options:
    deadline = reservation.starts_at - rules.cutoff
    before_cutoff = now < deadline
    status = reservation.status
    active = reservation.active_claims
    area = active[0].table.area if active else None
    return Options(
        can_change=status == ReservationStatus.CONFIRMED and before_cutoff,
        can_cancel=(status == ReservationStatus.CONFIRMED and before_cutoff)
        or (status == ReservationStatus.REQUESTED and now < reservation.starts_at),
        deadline=deadline, area=area)


def _too_late(rules: Rules, shop: Shop, action: str) -> RuleViolation:
    call = f" please call us on {shop.phone}" if shop.phone else " please call us"
    return RuleViolation.on(FORM, f"It is too late to {action} online: that closes {_span(rules.cutoff)} "
                                  f"before the booking. To {action} now,{call}.")


def _relock(session: Session, reservation_id: int, days) -> Reservation:
    """Take the days' locks, then read the booking afresh: whatever another transaction did to it
    before we got the lock is what we now see."""
    lock_days(session, days)
    session.expire_all()
    return session.scalars(sa.select(Reservation).where(Reservation.id == reservation_id).with_for_update()).one()


def change(session: Session, reservation_id: int, *, start: datetime, party: int, shop: Shop, links: Links,
           token: str | None = None, actor_id: int | None = None, now: datetime | None = None) -> Reservation:
    """Move a booking to another time, day or party size. The new place is claimed before the
    old one is released, in one transaction: if the new one cannot be had, the old stands."""
    now = now or utcnow()
    rules = load_rules(session)
    reservation = session.get(Reservation, reservation_id)
    if reservation is None:
        raise RuleViolation.on(FORM, "We could not find that booking.")
    if reservation.status != ReservationStatus.CONFIRMED:
        raise RuleViolation.on(FORM, "Only a confirmed booking can be changed.")
    if not _options(reservation, rules, now).can_change:
        raise _too_late(rules, shop, "change your booking")
    check_party(rules, party, online=True)
    new_day = start.astimezone(shop.tz).date()
    book_ = load_book(session, rules, shop.tz, new_day, new_day, now)
    slot = check_start(book_, start, party)
    if start == reservation.starts_at and party == reservation.party_size:
        raise RuleViolation.on("start", "That is your booking as it stands. Choose another time or party size.")

    old_day = reservation.local_date
    reservation = _relock(session, reservation_id, {old_day, new_day})
    if reservation.status != ReservationStatus.CONFIRMED or not _options(reservation, rules, now).can_change:
        session.rollback()
        raise RuleViolation.on(FORM, "This booking can no longer be changed online.")
    first, last = day_bounds(new_day, shop.tz)
    book_.occupancy = load_occupancy(session, first, last, rules.buffer, exclude_reservation_id=reservation.id)
    placement = book_.placement(start, party)
    old_claims = reservation.active_claims
    end = start + rules.turn_for(party)
    # The old pacing places go back first (a bigger party at the same time needs only the
    # difference); then the new tables and places are claimed, and only then are the old tables
    # let go. Any refusal rolls the whole change back: the booking stands as it was.
    capacity.release(session, PACING, reservation.starts_at, reservation.party_size)
    if placement is None or not _claim(session, reservation, placement, start, end, party,
                                       rules.pacing_guests_per_slot):
        session.rollback()
        raise RuleViolation.on("start", f"Sorry, {emails.clock(slot, shop)} is not free for "
                                        f"{emails.guests(party)}. Your booking is unchanged.")
    before = f"{emails.when(reservation.starts_at, shop)} for {emails.guests(reservation.party_size)}"
    session.flush()
    # …then let the old one go.
    for claim in old_claims:
        claim.released_at = now
    reservation.starts_at, reservation.ends_at, reservation.party_size = start, end, party
    reservation.local_date = new_day
    reservation.confirmed_at = now
    reservation.reminder_sent_at = None
    _history(reservation, ReservationStatus.CONFIRMED, from_status=ReservationStatus.CONFIRMED, actor="diner",
             actor_id=actor_id, note=f"changed from {before}")
    _send(session, reservation.email, emails.changed(reservation, before, shop, links, token, rules.cutoff))
    session.flush()
    notify_waitlist(session, old_day, shop=shop, links=links, now=now, rules=rules)
    session.commit()
    return reservation


def cancel(session: Session, reservation_id: int, *, shop: Shop, links: Links, actor: str = "diner",
           actor_id: int | None = None, now: datetime | None = None) -> Reservation:
    now = now or utcnow()
    rules = load_rules(session)
    reservation = session.get(Reservation, reservation_id)
    if reservation is None:
        raise RuleViolation.on(FORM, "We could not find that booking.")
    if reservation.status == ReservationStatus.CANCELLED:
        return reservation  # a second click changes nothing
    if not _options(reservation, rules, now).can_cancel:
        if reservation.status in (ReservationStatus.CONFIRMED, ReservationStatus.REQUESTED):
            raise _too_late(rules, shop, "cancel")
        raise RuleViolation.on(FORM, "This booking can no longer be cancelled.")
    reservation = _relock(session, reservation_id, [reservation.local_date])
    if reservation.status == ReservationStatus.CANCELLED:
        session.rollback()
        return reservation
    if not _options(reservation, rules, now).can_cancel:
        session.rollback()
        raise RuleViolation.on(FORM, "This booking can no longer be cancelled online.")
    held_tables = bool(reservation.active_claims)
    _release(session, reservation, ReservationStatus.CANCELLED, now, actor=actor, actor_id=actor_id,
             note="cancelled")
    reservation.cancelled_at = now
    _send(session, reservation.email, emails.cancelled(reservation, shop, links))
    session.flush()
    if held_tables:
        notify_waitlist(session, reservation.local_date, shop=shop, links=links, now=now, rules=rules)
    session.commit()
    return reservation


def _release(session: Session, reservation: Reservation, to_status: ReservationStatus, now: datetime, *,
             actor: str, actor_id: int | None, note: str) -> None:
    for claim in reservation.active_claims:
        claim.released_at = now
    from_status = reservation.status
    if from_status in ACTIVE_STATUSES and to_status not in ACTIVE_STATUSES:
        capacity.release(session, PACING, reservation.starts_at, reservation.party_size)
    reservation.status = to_status
    _history(reservation, to_status, from_status=from_status, actor=actor, actor_id=actor_id, note=note)


# --------------------------------------------------------------------------------------------
# Waitlist
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WaitlistRequest:
    day: date
    party: int
    window_start: time
    window_end: time
    guest: Guest


def _in_window(slot: Slot, start: time, end: time) -> bool:
    wall = slot.local.time().replace(tzinfo=None)
    return start <= wall <= end


def join_waitlist(session: Session, request: WaitlistRequest, *, tz, now: datetime | None = None) -> WaitlistEntry:
    now = now or utcnow()
    rules = load_rules(session)
    check_party(rules, request.party, online=True)
    if request.window_end <= request.window_start:
        raise RuleViolation.on("window_end", "The latest time must be after the earliest time.")
    book_ = load_book(session, rules, tz, request.day, request.day, now)
    check_day(book_, request.day)
    possible = [s for s in book_.slots(request.day, request.party)
                if _in_window(s, request.window_start, request.window_end) and book_.in_notice(s.start)]
    if not possible:
        raise RuleViolation.on("window_start", "Choose times when we are open and can still seat you that day.")
    free = [s for s in book_.free_slots(request.day, request.party)
            if _in_window(s, request.window_start, request.window_end)]
    if free:
        raise RuleViolation.on("window_start", f"A table is free at {free[0].local:%H:%M} in those times: "
                                               "book it rather than wait.")
    email = request.guest.email.strip().lower()
    existing = _waiting_entry(session, request, email)
    if existing is None:
        entry = WaitlistEntry(local_date=request.day, party_size=request.party, window_start=request.window_start,
                              window_end=request.window_end, name=request.guest.name.strip(), email=email,
                              phone=(request.guest.phone or "").strip(), user_id=request.guest.user_id,
                              created_at=now)
        session.add(entry)
        try:
            session.commit()
            return entry
        except IntegrityError:
            # The same diner joined in a concurrent request: the unique index kept one entry.
            session.rollback()
            existing = _waiting_entry(session, request, email)
            if existing is None:
                raise
    existing.window_start, existing.window_end = request.window_start, request.window_end
    session.commit()
    return existing


def _waiting_entry(session: Session, request: WaitlistRequest, email: str) -> WaitlistEntry | None:
    return session.scalars(sa.select(WaitlistEntry).where(
        WaitlistEntry.local_date == request.day, WaitlistEntry.email == email,
        WaitlistEntry.party_size == request.party, WaitlistEntry.status == WaitlistStatus.WAITING)).first()


def notify_waitlist(session: Session, day: date, *, shop: Shop, links: Links, now: datetime,
                    rules: Rules | None = None) -> int:
    """Tell waiting diners, in the order they joined, about places now free on `day`. Each
    notified diner is counted as taking their first free time in this run, so one freed table
    reaches one diner, not everyone at once. Runs inside the caller's transaction."""
    waiting = session.scalars(sa.select(WaitlistEntry)
                              .where(WaitlistEntry.local_date == day, WaitlistEntry.status == WaitlistStatus.WAITING)
                              .order_by(WaitlistEntry.created_at, WaitlistEntry.id)).all()
    if not waiting:
        return 0
    rules = rules or load_rules(session)
    book_ = load_book(session, rules, shop.tz, day, day, now)
    notified = 0
    for entry in waiting:
        free = [s for s in book_.free_slots(day, entry.party_size)
                if _in_window(s, entry.window_start, entry.window_end)]
        if not free:
            continue
        book_.hold(book_.placement(free[0].start, entry.party_size), free[0].start, entry.party_size)
        _send(session, entry.email, emails.waitlist_offer(entry, free[:3], shop, links))
        entry.status = WaitlistStatus.NOTIFIED
        entry.notified_at = now
        notified += 1
    return notified


def offer_to_waitlist(session: Session, entry_id: int, *, shop: Shop, links: Links, now: datetime,
                      actor_id: int | None) -> WaitlistEntry:
    """Staff offer a waiting diner the free times in their window now (the same email the
    automatic offer sends). Refused when they are no longer waiting or nothing fits."""
    entry = session.get(WaitlistEntry, entry_id)
    if entry is None or entry.status != WaitlistStatus.WAITING:
        raise RuleViolation.on(FORM, "That diner is no longer waiting: the list has changed. Nothing was sent.")
    rules = load_rules(session)
    book_ = load_book(session, rules, shop.tz, entry.local_date, entry.local_date, now)
    free = [s for s in book_.free_slots(entry.local_date, entry.party_size)
            if _in_window(s, entry.window_start, entry.window_end)]
    if not free:
        raise RuleViolation.on(FORM, f"No table for {emails.guests(entry.party_size)} is free in "
                                     f"{_possessive(entry.name)} window. Nothing was sent.")
    _send(session, entry.email, emails.waitlist_offer(entry, free[:3], shop, links))
    entry.status = WaitlistStatus.NOTIFIED
    entry.notified_at = now
    audit.record(session, actor_id=actor_id, action="waitlist.offered", target_type="waitlist", target_id=entry.id,
                 before="waiting", after="notified", times=[s.start.isoformat() for s in free[:3]])
    session.commit()
    return entry


# --------------------------------------------------------------------------------------------
# Reminders
# --------------------------------------------------------------------------------------------

def send_reminders(session: Session, *, shop: Shop, links: Links, now: datetime | None = None) -> int:
    """Queue one reminder for each confirmed booking starting within the reminder lead (24 h),
    unless it was booked (or last changed) within that lead — its confirmation is fresh. Each
    booking gets one reminder however often this runs; concurrent runs on PostgreSQL skip rows
    another run holds."""
    now = now or utcnow()
    rules = load_rules(session)
    lead = rules.reminder_lead
    due = session.scalars(sa.select(Reservation).where(
        Reservation.status == ReservationStatus.CONFIRMED, Reservation.reminder_sent_at.is_(None),
        Reservation.starts_at > now, Reservation.starts_at <= now + lead,
    ).order_by(Reservation.starts_at, Reservation.id).with_for_update(skip_locked=True)).all()
    sent = 0
    for reservation in due:
        if reservation.confirmed_at is not None and reservation.starts_at - reservation.confirmed_at < lead:
            continue
        _send(session, reservation.email, emails.reminder(reservation, shop, links, rules.cutoff))
        reservation.reminder_sent_at = now
        sent += 1
    session.commit()
    return sent


# --------------------------------------------------------------------------------------------
# Staff decisions
# --------------------------------------------------------------------------------------------

def _by_reference(session: Session, reference: str) -> Reservation:
    reservation = session.scalars(sa.select(Reservation).where(Reservation.reference == reference.upper())).first()
    if reservation is None:
        raise RuleViolation.on(FORM, f"No booking has the reference {reference}.")
    return reservation


def pending_requests(session: Session) -> list[Reservation]:
    return list(session.scalars(sa.select(Reservation).where(Reservation.status == ReservationStatus.REQUESTED)
                                .order_by(Reservation.starts_at)))


def free_placements(book_: Book, reservation: Reservation) -> list:
    """Every table or combination (staff-only ones too) that could seat this request at its
    time, best first: the first is what accepting without a choice assigns."""
    start, end, buffer = reservation.starts_at, reservation.ends_at, book_.rules.buffer
    return [p for p in book_.floor.placements_for(reservation.party_size, online_only=False)
            if all(book_.occupancy.table_free(t, start, end, buffer) for t in p.table_ids)]


def request_options(session: Session, reservation: Reservation, *, shop: Shop, now: datetime | None = None) -> list:
    """The free placements for a request, read without the lock (for the staff's choice)."""
    rules = load_rules(session)
    return free_placements(load_book(session, rules, shop.tz, reservation.local_date, reservation.local_date,
                                     now or utcnow()), reservation)


def accept_request(session: Session, reference: str, *, shop: Shop, links: Links, actor_id: int | None = None,
                   now: datetime | None = None, choice: str | None = None) -> Reservation:
    """Confirm a large party's request: tables are assigned under the day's lock from every
    table and combination (staff-only ones too) — the staff's `choice` (a table or combination
    name) if it is free then, else the best free one; pacing is the staff's call."""
    now = now or utcnow()
    rules = load_rules(session)
    found = _by_reference(session, reference)
    reservation = _relock(session, found.id, [found.local_date])
    if reservation.status != ReservationStatus.REQUESTED:
        session.rollback()
        raise RuleViolation.on(FORM, f"{reservation.reference} is {reservation.status.label.lower()}, "
                                     "not a request.")
    if reservation.starts_at <= now:
        session.rollback()
        raise RuleViolation.on(FORM, "That request's time has passed.")
    first, last = day_bounds(reservation.local_date, shop.tz)
    book_ = load_book(session, rules, shop.tz, reservation.local_date, reservation.local_date, now)
    book_.occupancy = load_occupancy(session, first, last, rules.buffer)
    free = free_placements(book_, reservation)
    placement = next((p for p in free if p.name == choice), None) if choice else (free[0] if free else None)
    if choice and placement is None:
        session.rollback()
        raise RuleViolation.on("tables", f"{choice} is not free for {reservation.party_size} then any more. "
                                         "Choose another.")
    if placement is None:
        session.rollback()
        raise RuleViolation.on(FORM, f"No table or combination seating {reservation.party_size} is free then.")
    _claim(session, reservation, placement, reservation.starts_at, reservation.ends_at, reservation.party_size,
           pacing_limit=None)
    reservation.status = ReservationStatus.CONFIRMED
    reservation.confirmed_at = now
    _history(reservation, ReservationStatus.CONFIRMED, from_status=ReservationStatus.REQUESTED, actor="staff",
             actor_id=actor_id, note=f"request accepted: {placement.name}")
    audit.record(session, actor_id=actor_id, action="reservation.request_accepted", target_type="reservation",
                 target_id=reservation.id, reference=reservation.reference, tables=placement.name,
                 before="requested", after="confirmed")
    _send(session, reservation.email, emails.request_accepted(reservation, shop, links, rules.cutoff))
    session.commit()
    return reservation


def decline_request(session: Session, reference: str, *, shop: Shop, links: Links, actor_id: int | None = None,
                    now: datetime | None = None) -> Reservation:
    now = now or utcnow()
    reservation = _by_reference(session, reference)
    if reservation.status != ReservationStatus.REQUESTED:
        raise RuleViolation.on(FORM, f"{reservation.reference} is {reservation.status.label.lower()}, "
                                     "not a request.")
    _release(session, reservation, ReservationStatus.CANCELLED, now, actor="staff", actor_id=actor_id,
             note="request declined")
    reservation.cancelled_at = now
    audit.record(session, actor_id=actor_id, action="reservation.request_declined", target_type="reservation",
                 target_id=reservation.id, reference=reservation.reference, before="requested",
                 after="cancelled")
    _send(session, reservation.email, emails.request_declined(reservation, shop, links))
    session.commit()
    return reservation


# Where staff may move a booking; completed and no-show free the table for the rest of its time.
STAFF_MOVES = {
    ReservationStatus.CONFIRMED: {ReservationStatus.SEATED, ReservationStatus.NO_SHOW, ReservationStatus.CANCELLED},
    ReservationStatus.SEATED: {ReservationStatus.COMPLETED},
}


def mark(session: Session, reference: str, to_status: ReservationStatus, *, shop: Shop, links: Links,
         actor_id: int | None = None, now: datetime | None = None) -> Reservation:
    now = now or utcnow()
    found = _by_reference(session, reference)
    reservation = _relock(session, found.id, [found.local_date])
    if to_status not in STAFF_MOVES.get(reservation.status, set()):
        session.rollback()
        raise RuleViolation.on(FORM, f"A {reservation.status.label.lower()} booking cannot become "
                                     f"{to_status.label.lower()}.")
    from_status = reservation.status
    if to_status == ReservationStatus.SEATED:
        reservation.status = to_status
        _history(reservation, to_status, from_status=from_status, actor="staff", actor_id=actor_id, note="seated")
    else:
        _release(session, reservation, to_status, now, actor="staff", actor_id=actor_id, note=to_status.label.lower())
        if to_status == ReservationStatus.CANCELLED:
            reservation.cancelled_at = now
            _send(session, reservation.email, emails.cancelled(reservation, shop, links))
        if to_status == ReservationStatus.COMPLETED:
            # Imported here: reviews reads reservations, so it cannot be imported at the top.
            from ..reviews.service import invite_after_visit

            invite_after_visit(session, reservation)
    audit.record(session, actor_id=actor_id, action=f"reservation.{to_status.value}", target_type="reservation",
                 target_id=reservation.id, reference=reservation.reference, before=from_status.value,
                 after=to_status.value)
    session.flush()
    if to_status != ReservationStatus.SEATED:
        notify_waitlist(session, reservation.local_date, shop=shop, links=links, now=now)
    session.commit()
    return reservation


# --------------------------------------------------------------------------------------------
# The customer's account
# --------------------------------------------------------------------------------------------

UPCOMING = (ReservationStatus.REQUESTED, ReservationStatus.CONFIRMED, ReservationStatus.SEATED)


def for_user(session: Session, user_id: int, now: datetime | None = None,
             past_limit: int = 20) -> tuple[list[Reservation], list[Reservation]]:
    """A signed-in customer's upcoming bookings (soonest first) and past ones (latest first)."""
    now = now or utcnow()
    upcoming = session.scalars(sa.select(Reservation).where(
        Reservation.user_id == user_id, Reservation.ends_at > now, Reservation.status.in_(UPCOMING))
        .order_by(Reservation.starts_at)).all()
    past = session.scalars(sa.select(Reservation).where(
        Reservation.user_id == user_id,
        sa.or_(Reservation.ends_at <= now, Reservation.status.not_in(UPCOMING)))
        .order_by(Reservation.starts_at.desc()).limit(past_limit)).all()
    return list(upcoming), list(past)


@dataclass(frozen=True)
class Window:
    """The days a diner can choose from, and the rules (for hints and limits on the forms)."""

    today: date
    last: date
    rules: Rules
    closed_note: str = ""  # the days that can't be booked, in words (closed_words)


def booking_window(session: Session, tz, now: datetime | None = None, locale: str = "en_GB") -> Window:
    rules = load_rules(session)
    today = (now or utcnow()).astimezone(tz).date()
    last = today + timedelta(days=rules.horizon_days)
    return Window(today=today, last=last, rules=rules,
                  closed_note=closed_words(hours_between(session, today, last), locale))


def closed_words(hours: dict, locale: str = "en_GB") -> str:
    """The days in `hours` (store.service.hours_between) a diner can't book, in words for the
    date picker, which can't grey them out itself: "Closed on Mondays; Thursday 24 December to
    Saturday 26 December (Christmas)." Empty when every day is open."""
    weekly = sorted({day.weekday() for day, h in hours.items() if not h.periods and h.closure_reason is None})
    parts = []
    if weekly:
        names = [format_date(date(2024, 1, 1) + timedelta(days=d), "EEEE", locale=locale) + "s" for d in weekly]
        parts.append(" and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names))
    spells: list[list] = []
    for day in sorted(hours):
        reason = hours[day].closure_reason
        if reason is None:
            continue
        if spells and spells[-1][2] == reason and spells[-1][1] + timedelta(days=1) == day:
            spells[-1][1] = day
        else:
            spells.append([day, day, reason])
    for first, last, reason in spells:
        words = format_date(first, "EEEE d MMMM", locale=locale)
        if last != first:
            words += " to " + format_date(last, "EEEE d MMMM", locale=locale)
        parts.append(words + ("" if reason == "Closed" else f" ({reason})"))
    return f"Closed on {'; '.join(parts)}." if parts else ""
