"""Reservation pages. HTTP only: read the form, call the service, answer with a page, a block
of it (htmx) or a redirect. Every page works as plain links and forms; htmx swaps the free
times and forms in place."""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import wraps

import redis as redis_lib
from flask import Response, flash, request, url_for
from flask_login import current_user

from ..accounts.sections import Section, add_section
from ..core import formkeys
from ..core.fields import whole_number
from ..core.htmx import is_htmx, redirect_to, render, set_reswap
from ..core.links import external_url
from ..core.pagecache import shared_page
from ..core.rules import FORM, RuleViolation, populate_errors
from ..core.security import new_token, token_digest
from ..core.slots import Slot, local_instant, make_slot, parse_slot_value
from ..core.time import utcnow
from ..extensions import db, limiter, login_manager, redis
from ..store.current import current_shop
from . import bp, emails, ics, service
from .context import calendar_uid_domain, email_links
from .forms import BookForm, CancelForm, ChangeForm, ChangeSearchForm, RequestForm, SearchForm, WaitlistForm
from .models import Occasion, Reservation

log = logging.getLogger(__name__)

# Per client address, for every form that writes (book, request, change, cancel, waitlist).
BOOKING_LIMIT = "10/minute;60/hour"
# How long a booking form's key remembers the manage token it was given (for replays).
REPLAY_SECONDS = 3600
HIDDEN_FIELDS = ("start", "party")


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------

def book_url(slot: Slot, party: int) -> str:
    return url_for("reservations.book", start=slot.value, party=party)


def search_url(day: date, party: int, at: time | None = None) -> str:
    return url_for("reservations.index", date=day.isoformat(), party=party,
                   time=at.strftime("%H:%M") if at else None)


def parse_party(raw) -> int | None:
    return whole_number(raw)


def _populate(form, violation: RuleViolation) -> None:
    """Reasons for hidden fields (the chosen time and party) go to the summary at the top."""
    populate_errors(form, RuleViolation(
        (FORM if name in HIDDEN_FIELDS else name, message) for name, message in violation.reasons))


def _guest(form) -> service.Guest:
    """The diner's details from a booking, request or waitlist form (the last has no occasion)."""
    occasion = getattr(form, "occasion", None)
    requests = getattr(form, "special_requests", None)
    return service.Guest(
        name=form.name.data, email=form.email.data, phone=form.phone.data,
        occasion=Occasion(occasion.data) if occasion is not None and occasion.data else None,
        special_requests=(requests.data or "") if requests is not None else "",
        user_id=current_user.id if current_user.is_authenticated else None)


def _prefill(form) -> None:
    if current_user.is_authenticated and request.method == "GET":
        form.name.data = form.name.data or current_user.name
        form.email.data = form.email.data or current_user.email
        form.phone.data = form.phone.data or current_user.phone


def _token_for(key: str) -> str:
    """The manage token for a booking form's key. The first submit stores one in Redis (briefly);
    a replay of the same form gets the same token, so it can be sent to the same page. Without
    Redis each submit gets its own and a replay shows the "already booked" page instead."""
    token = new_token()
    name = "reservations:token:" + token_digest(key)
    try:
        redis.set(name, token, nx=True, ex=REPLAY_SECONDS)
        return redis.get(name) or token
    except redis_lib.RedisError as exc:
        log.warning("reservations: replay token not stored (Redis unavailable): %s", exc)
        return token


def _booked_answer(booked: service.Booked, token: str, message: str):
    reservation = booked.reservation
    if booked.replayed and reservation.manage_token_hash != token_digest(token):
        return render("reservations/replayed.html", "content", reservation=reservation)
    if not booked.replayed:
        flash(message, "success")
    return redirect_to(url_for("reservations.manage", token=token))


@bp.app_template_filter("slot_time")
def slot_time(slot: Slot) -> str:
    return emails.clock(slot, current_shop())


@bp.app_template_filter("booking_when")
def booking_when(moment: datetime) -> str:
    return emails.when(moment, current_shop())


bp.add_app_template_global(emails.guests, "guests")
bp.add_app_template_global(service.area_words, "area_words")


def account_section(session, user_id: int) -> dict:
    upcoming, past = service.for_user(session, user_id)
    return {"upcoming": upcoming, "past": past}


bp.record(lambda state: add_section(state.app, Section("reservations/_account.html", account_section)))


# --------------------------------------------------------------------------------------------
# Finding a time
# --------------------------------------------------------------------------------------------

@bp.get("")
# The finder and its free times: the floor plan, the booking rules and every claim on a table.
@shared_page("dining_tables", "table_combinations", "table_combination_members", "reservation_settings",
             "reservation_turn_times", "reservation_days", "reservations", "table_claims", "reservation_pacing")
def index():
    tz = current_shop().tz
    window = service.booking_window(db.session, tz, locale=current_shop().locale)
    form = SearchForm(request.args)
    result = None
    searched = "date" in request.args or "party" in request.args
    if not searched:
        form.date.data, form.party.data = window.today, 2
    elif form.validate():
        try:
            result = service.search(db.session, day=form.date.data, party=form.party.data,
                                    wanted_time=form.time.data, tz=tz)
        except RuleViolation as violation:
            populate_errors(form, violation)
    # htmx gets the times alone when that is what it asked for and there is no error to show;
    # otherwise the whole finder, put in place of the old one (errors go beside their fields).
    times_only = is_htmx() and result is not None and request.htmx.target == "times"
    response = render("reservations/index.html", "times" if times_only else "finder",
                      status=422 if searched and result is None else 200,
                      form=form, result=result, window=window, book_url=book_url, search_url=search_url)
    if is_htmx():
        if not times_only:
            set_reswap(response, "outerHTML")
            response.headers["HX-Retarget"] = "#finder"
        if result is not None:
            response.headers["HX-Push-Url"] = search_url(result.day, result.party, form.time.data)
    return response


def _alternatives(start: datetime | None, party: int | None, exclude: int | None = None):
    """Nearest free times (and next days) around a time that could not be had."""
    if start is None or party is None:
        return None
    tz = current_shop().tz
    try:
        return service.search(db.session, day=start.astimezone(tz).date(), party=party, wanted_at=start, tz=tz,
                              exclude_reservation_id=exclude)
    except RuleViolation:
        return None


@bp.route("/book", methods=["GET", "POST"])
@limiter.limit(BOOKING_LIMIT, methods=["POST"])
def book():
    form = BookForm()
    if request.method == "GET":
        form.start.data, form.party.data = request.args.get("start", ""), request.args.get("party", "")
        form.key.data = formkeys.issue()
        _prefill(form)
    elif request.form.get("alternative"):
        # One of the other free times offered after the first choice was taken.
        form.start.data = request.form["alternative"]
    start, party = parse_slot_value(form.start.data), parse_party(form.party.data)
    tz = current_shop().tz
    slot = make_slot(start, tz) if start else None
    alternatives = None
    details = slot is not None and party is not None  # show the details form
    if not details:
        form.form_errors.append("Choose a time from the list of free times first.")
    elif request.method == "GET":
        # Tell the diner now, not after they have typed their details, if the time can't be had.
        try:
            check = service.check_choice(db.session, start=start, party=party, tz=tz)
        except RuleViolation as violation:
            _populate(form, violation)
            details = False
        else:
            if not check.wanted_free:
                form.form_errors.append(f"Sorry, {slot_time(slot)} is no longer free for {emails.guests(party)}. "
                                        "Please choose another time.")
                alternatives, details = check, False
    elif form.validate_on_submit() and formkeys.claim(form):
        token = _token_for(form.key.data)
        try:
            booked = service.book(db.session, start=start, party=party, guest=_guest(form), key=form.key.data,
                                  token=token, shop=current_shop(), links=email_links(),
                                  also_book=form.also_book.data)
        except RuleViolation as violation:
            _populate(form, violation)
            if not form.also_book.errors:
                alternatives = _alternatives(start, party)
        else:
            return _booked_answer(booked, token, f"Your table is booked. We have emailed the details to "
                                                 f"{booked.reservation.email}.")
    status = 422 if form.errors or form.form_errors else 200
    policy = emails.cancellation_policy(service.load_rules(db.session).cutoff, current_shop())
    return render("reservations/book.html", "form", status=status, form=form, slot=slot, party=party,
                  details=details, alternatives=alternatives, policy=policy, book_url=book_url,
                  search_url=search_url)


@bp.route("/request", methods=["GET", "POST"])
@limiter.limit(BOOKING_LIMIT, methods=["POST"])
def request_table():
    form = RequestForm(request.args) if request.method == "GET" else RequestForm()
    tz = current_shop().tz
    window = service.booking_window(db.session, tz, locale=current_shop().locale)
    if request.method == "GET":
        form.key.data = formkeys.issue()  # never the address's: a link must not choose it
        _prefill(form)
    elif form.validate_on_submit() and formkeys.claim(form):
        token = _token_for(form.key.data)
        start = local_instant(form.date.data, form.time.data, tz)
        try:
            booked = service.request_table(db.session, start=start, party=form.party.data, guest=_guest(form),
                                           key=form.key.data, token=token, shop=current_shop(), links=email_links())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            return _booked_answer(booked, token, "Thank you: we have your request and will email you within a day.")
    status = 422 if request.method == "POST" else 200
    return render("reservations/request.html", "form", status=status, form=form, window=window)


# --------------------------------------------------------------------------------------------
# The manage link (and the same pages for a signed-in owner)
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Access:
    """How this page was reached: by the emailed token, or by a signed-in owner's reference."""

    reservation: Reservation
    token: str | None = None
    reference: str | None = None

    @property
    def values(self) -> dict:
        return {"token": self.token} if self.token else {"reference": self.reference}

    def url(self, endpoint: str) -> str:
        return url_for(f"reservations.{endpoint}", **self.values)


def with_booking(view):
    @wraps(view)
    def wrapper(token: str | None = None, reference: str | None = None):
        if reference is not None:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            reservation = service.find_for_owner(db.session, reference, current_user.id)
        else:
            reservation = service.find_by_token(db.session, token)
        if reservation is None:
            return render("reservations/link_invalid.html", "content", status=404)
        # no-store comes from core.security: the address carries the booking's secret.
        return view(Access(reservation, token, reservation.reference if reference else None))

    return wrapper


def _manage_rules(rule: str, endpoint: str, view, methods=("GET",)) -> None:
    bp.add_url_rule(f"/<token>{rule}", endpoint, view, methods=list(methods))
    bp.add_url_rule(f"/mine/<reference>{rule}", endpoint, view, methods=list(methods))


@with_booking
def manage(access: Access):
    return render("reservations/manage.html", access=access, reservation=access.reservation,
                  options=service.options(db.session, access.reservation))


@with_booking
def calendar(access: Access):
    manage_url = external_url("reservations.manage", **access.values)
    body = ics.calendar_file(access.reservation, current_shop(), manage_url=manage_url if access.token else None,
                             uid_domain=calendar_uid_domain(),
                             now=utcnow())
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="booking-{access.reservation.reference}.ics"'
    return response


@with_booking
def change(access: Access):
    reservation = access.reservation
    options = service.options(db.session, reservation)
    tz = current_shop().tz
    window = service.booking_window(db.session, tz, locale=current_shop().locale)
    search_form = ChangeSearchForm(request.args if request.method == "GET" else None)
    change_form = ChangeForm()
    result = None
    status = 200
    searchable = True
    if request.method == "GET":
        if "date" in request.args or "party" in request.args:
            searchable = search_form.validate()
            status = 200 if searchable else 422
        else:
            search_form.date.data, search_form.party.data = reservation.local_date, reservation.party_size
    else:
        start, party = parse_slot_value(change_form.start.data), parse_party(change_form.party.data)
        if change_form.validate_on_submit():
            if start is None or party is None:
                change_form.form_errors.append("Choose one of the free times.")
            else:
                try:
                    service.change(db.session, reservation.id, start=start, party=party, shop=current_shop(), links=email_links(),
                                   token=access.token,
                                   actor_id=current_user.id if current_user.is_authenticated else None)
                except RuleViolation as violation:
                    _populate(change_form, violation)
                else:
                    flash(f"Your booking is changed to {booking_when(start)} for {emails.guests(party)}.", "success")
                    return redirect_to(access.url("manage"))
        status = 422
        # Show the free times of the day asked for, or of the booking's own day when that one can't be.
        day = start.astimezone(tz).date() if start else reservation.local_date
        search_form.date.data = day if window.today <= day <= window.last else reservation.local_date
        search_form.party.data = (party if party is not None and 1 <= party <= window.rules.max_party_online
                                  else reservation.party_size)
    if options.can_change and searchable:
        try:
            result = service.search(db.session, day=search_form.date.data, party=search_form.party.data,
                                    wanted_time=None, tz=tz, exclude_reservation_id=reservation.id)
            if result.needs_request:
                raise RuleViolation.on("party", f"Online bookings are for up to {result.max_party_online} guests. "
                                                "For a larger party, please call us.")
        except RuleViolation as violation:
            result = None
            populate_errors(search_form, violation)
            status = 422
    response = render("reservations/change.html", "finder", status=status, access=access, reservation=reservation,
                      options=options, search_form=search_form, change_form=change_form, result=result,
                      window=window)
    if is_htmx() and request.method == "GET" and result is not None:
        response.headers["HX-Push-Url"] = url_for("reservations.change", **access.values,
                                                  date=result.day.isoformat(), party=result.party)
    return response


@with_booking
def cancel(access: Access):
    form = CancelForm()
    reservation = access.reservation
    if form.validate_on_submit():
        try:
            service.cancel(db.session, reservation.id, shop=current_shop(), links=email_links(),
                           actor_id=current_user.id if current_user.is_authenticated else None)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash("Your booking is cancelled. We have emailed you to confirm.", "success")
            return redirect_to(access.url("manage"))
    status = 422 if form.is_submitted() else 200
    return render("reservations/cancel.html", "form", status=status, form=form, access=access,
                  reservation=reservation, options=service.options(db.session, reservation))


_manage_rules("", "manage", manage)
_manage_rules("/calendar.ics", "calendar", calendar)
_manage_rules("/change", "change", limiter.limit(BOOKING_LIMIT, methods=["POST"])(change), methods=("GET", "POST"))
_manage_rules("/cancel", "cancel", limiter.limit(BOOKING_LIMIT, methods=["POST"])(cancel), methods=("GET", "POST"))


# --------------------------------------------------------------------------------------------
# Waitlist
# --------------------------------------------------------------------------------------------

def _window_around(at: time | None) -> tuple[time | None, time | None]:
    if at is None:
        return None, None
    moment = datetime.combine(date.today(), at)
    start, end = moment - timedelta(hours=1), moment + timedelta(hours=1)
    return (start.time() if start.date() == moment.date() else time(0),
            end.time() if end.date() == moment.date() else time(23, 45))


@bp.route("/waitlist", methods=["GET", "POST"])
@limiter.limit(BOOKING_LIMIT, methods=["POST"])
def waitlist():
    tz = current_shop().tz
    window = service.booking_window(db.session, tz, locale=current_shop().locale)
    form = WaitlistForm()
    if request.method == "GET":
        args = SearchForm(request.args)
        args.validate()
        form.date.data = args.date.data if not args.date.errors else None
        form.party.data = args.party.data if not args.party.errors else None
        form.window_start.data, form.window_end.data = _window_around(args.time.data if not args.time.errors
                                                                      else None)
        _prefill(form)
    elif form.validate_on_submit():
        try:
            service.join_waitlist(db.session, service.WaitlistRequest(
                day=form.date.data, party=form.party.data, window_start=form.window_start.data,
                window_end=form.window_end.data, guest=_guest(form)), tz=tz)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash(f"You are on the waitlist for {form.date.data:%A} {form.date.data.day} {form.date.data:%B}. "
                  "We will email you if a table comes free.", "success")
            return redirect_to(url_for("reservations.waitlist_joined"))
    status = 422 if request.method == "POST" else 200
    return render("reservations/waitlist.html", "form", status=status, form=form, window=window)


@bp.get("/waitlist/joined")
def waitlist_joined():
    return render("reservations/waitlist_joined.html")
