"""Back-office pages. HTTP only: read the form, call the service, answer with the page, the
changed block (htmx) or a redirect. Access is checked for the whole blueprint in `access`."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..checkout.slots import get_rules
from ..core.htmx import is_htmx, redirect_to, render
from ..core.rules import FORM, RuleViolation, populate_errors
from ..core.security import new_token
from ..core.slots import local_instant
from ..extensions import db
from ..orders.models import Order
from ..reservations import service as reservation_service
from ..reservations.context import email_links
from ..reviews import service as review_service
from ..reviews.moderation import parse_blocklist
from ..store.current import request_context
from . import auditing, bookings, bp, service
from . import cakes as cake_list
from . import dashboard as dashboard_figures
from . import reviews as moderation
from .forms import (
    AcceptForm,
    AuditFilterForm,
    BlocklistForm,
    CancelOrderForm,
    DayForm,
    DecideForm,
    LeadTimeForm,
    MarkForm,
    MoveForm,
    OfferForm,
    PauseForm,
    ReplyForm,
    ReviewDecisionForm,
    WalkInForm,
)


def _order_or_404(number: str) -> Order:
    order = service.find(db.session, number)
    if order is None:
        abort(404)
    return order


# --- the order board ------------------------------------------------------------------------

def _board_page(*, status: int = 200, error: str | None = None, notice: str | None = None,
                lead_form: LeadTimeForm | None = None):
    ctx = request_context()
    rules = get_rules(db.session)
    lead_form = lead_form or LeadTimeForm(data={"minutes": rules.preparation_minutes})
    return render("staff/orders.html", "board", status=status, board=service.board(db.session, ctx), rules=rules,
                  error=error, notice=notice, lead_form=lead_form, pause_form=PauseForm(), move_form=MoveForm(),
                  next_step=service.next_step, step_words=service.NEXT_STEP)


@bp.get("/orders")
def orders():
    return _board_page()


def _after_action(message: str):
    """htmx gets the fresh board with the news; a plain form is redirected to the board."""
    if is_htmx():
        return _board_page(notice=message)
    flash(message, "success")
    return redirect_to(url_for("staff.orders"))


def _refused(violation: RuleViolation):
    return _board_page(status=422, error=_words(violation))


@bp.post("/orders/<number>/move")
def move_order(number: str):
    order = _order_or_404(number)
    form = MoveForm()
    if not form.validate_on_submit():
        return _board_page(status=422, error="That form was incomplete. Nothing was changed.")
    try:
        order = service.move(db.session, order, form.to.data, form.seen.data, request_context())
    except RuleViolation as violation:
        return _refused(violation)
    return _after_action(f"Order {order.number}: {order.status.label.lower()}.")


@bp.route("/orders/<number>/cancel", methods=["GET", "POST"])
def cancel_order(number: str):
    order = _order_or_404(number)
    form = CancelOrderForm(data={"seen": order.status.value})
    if form.validate_on_submit():
        try:
            service.cancel(db.session, order, form.reason.data, form.seen.data, request_context())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash(f"Order {order.number} is cancelled and the customer has been emailed.", "success")
            return redirect_to(url_for("staff.orders"))
    status = 422 if form.is_submitted() else 200
    return render("staff/cancel_order.html", status=status, order=order, form=form)


@bp.get("/orders/<number>/ticket")
def ticket(number: str):
    order = _order_or_404(number)
    allergens = service.board_allergens(db.session, [order])
    return render("staff/ticket.html", order=order, allergens=allergens)


@bp.post("/orders/pause")
def pause_orders():
    form = PauseForm()
    if not form.validate_on_submit() or form.paused.data not in ("on", "off"):
        return _board_page(status=422, error="That form was incomplete. Nothing was changed.")
    paused = form.paused.data == "on"
    service.set_paused(db.session, paused, request_context())
    return _after_action("Online orders are paused: the menu and checkout say so."
                         if paused else "Online orders are open again.")


@bp.post("/orders/lead-time")
def lead_time():
    form = LeadTimeForm()
    if form.validate_on_submit():
        try:
            service.set_lead_time(db.session, form.minutes.data, request_context())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            return _after_action(f"Preparation time is now {form.minutes.data} minutes.")
    return _board_page(status=422, lead_form=form)


# --- the dashboard --------------------------------------------------------------------------

@bp.get("/")
def dashboard():
    ctx = request_context()
    return render("staff/dashboard.html", figures=dashboard_figures.figures(db.session, ctx),
                  today=ctx.now.astimezone(ctx.tz).date())


@bp.get("/cakes")
def cakes():
    ctx = request_context()
    today = ctx.now.astimezone(ctx.tz).date()
    return render("staff/cakes.html", days=cake_list.due(db.session, today), today=today,
                  last=today + timedelta(days=cake_list.DAYS_SHOWN - 1))


# --- reviews ---------------------------------------------------------------------------------

def _reviews_page(*, status: int = 200, error: str | None = None, failed: tuple[int, ReplyForm] | None = None,
                  blocklist_form: BlocklistForm | None = None):
    found = moderation.queue(db.session)
    shown = {r.id: r for r in [*found.held, *found.reported, *found.recent]}
    replies = {rid: ReplyForm(formdata=None, data={"reply": r.reply_body or ""}).for_review(rid)
               for rid, r in shown.items()}
    if failed and failed[0] in replies:
        replies[failed[0]] = failed[1].for_review(failed[0])
    blocklist_form = blocklist_form or BlocklistForm(
        formdata=None, data={"words": "\n".join(review_service.blocked_words(db.session))})
    return render("staff/reviews.html", status=status, queue=found, replies=replies, error=error,
                  decision_form=ReviewDecisionForm(), blocklist_form=blocklist_form,
                  configured=parse_blocklist(current_app.config.get("REVIEW_BLOCKLIST", "")),
                  reasons=review_service.REPORT_REASONS)


@bp.get("/reviews")
def reviews():
    return _reviews_page()


def _reviews_after(message: str):
    flash(message, "success")
    return redirect_to(url_for("staff.reviews"))


@bp.post("/reviews/<int:review_id>/decide")
def decide_review(review_id: int):
    form = ReviewDecisionForm()
    try:
        if not form.validate_on_submit():
            raise RuleViolation.on(FORM, "That form was incomplete. Nothing was changed.")
        review = moderation.decide(db.session, review_id, form.to.data, form.seen.data, current_user.id)
    except RuleViolation as violation:
        return _reviews_page(status=422, error=_words(violation))
    return _reviews_after(f"Review {review.id} is {review.status.value}.")


@bp.post("/reviews/<int:review_id>/reply")
def reply_review(review_id: int):
    form = ReplyForm()
    if form.validate_on_submit():
        try:
            review = moderation.reply(db.session, review_id, form.reply.data or "", current_user.id)
        except RuleViolation as violation:
            populate_errors(form, violation)
            if form.form_errors:
                return _reviews_page(status=422, error=" ".join(form.form_errors))
        else:
            return _reviews_after(f"Your reply to review {review.id} is "
                                  f"{'published' if review.reply_body else 'removed'}.")
    return _reviews_page(status=422, failed=(review_id, form))


@bp.post("/reviews/blocklist")
def review_blocklist():
    form = BlocklistForm()
    if form.validate_on_submit():
        try:
            words = review_service.set_blocked_words(db.session, form.words.data or "", actor_id=current_user.id)
        except RuleViolation as violation:
            db.session.rollback()
            populate_errors(form, violation)
        else:
            return _reviews_after(f"The block list has {len(words)} {'word' if len(words) == 1 else 'words'}. "
                                  "New and edited reviews containing one wait for you here.")
    return _reviews_page(status=422, blocklist_form=form)


# --- the reservation book -------------------------------------------------------------------

def _day():
    """The day the book shows (`?date=`), today by default; with the message when it is no date."""
    form = DayForm(request.args)
    ctx = request_context()
    today = ctx.now.astimezone(ctx.tz).date()
    if not form.validate() or form.date.data is None:
        return today, form, (form.date.errors[0] if form.date.errors else None)
    return form.date.data, form, None


def _book_page(day, *, status: int = 200, error: str | None = None, walk_in: WalkInForm | None = None,
               day_form: DayForm | None = None):
    ctx = request_context()
    walk_in = walk_in or WalkInForm(formdata=None)
    walk_in.fill_key()
    return render("staff/reservations.html", "book", status=status, book=bookings.day_book(db.session, day, ctx.shop),
                  day=day, error=error, walk_in=walk_in, day_form=day_form or DayForm(data={"date": day}),
                  mark_form=MarkForm(), marks_for=bookings.marks_for, mark_words=bookings.MARK_WORDS,
                  prev_day=day - timedelta(days=1), next_day=day + timedelta(days=1))


@bp.get("/reservations")
def reservations():
    day, form, error = _day()
    return _book_page(day, status=422 if error else 200, error=error, day_form=form if error else None)


def _booking_or_404(reference: str):
    reservation = bookings.find(db.session, reference)
    if reservation is None:
        abort(404)
    return reservation


def _book_after(day, message: str):
    flash(message, "success")
    return redirect_to(url_for("staff.reservations", date=day.isoformat()))


@bp.post("/reservations/<reference>/mark")
def mark_booking(reference: str):
    reservation = _booking_or_404(reference)
    form = MarkForm()
    ctx = request_context()
    try:
        if not form.validate_on_submit():
            raise RuleViolation.on(FORM, "That form was incomplete. Nothing was changed.")
        reservation = bookings.mark(db.session, reservation, form.to.data, form.seen.data, shop=ctx.shop,
                                    links=email_links(), actor_id=ctx.user_id, now=ctx.now)
    except RuleViolation as violation:
        return _book_page(reservation.local_date, status=422, error=_words(violation))
    return _book_after(reservation.local_date, f"{reservation.reference} ({reservation.name}): "
                                               f"{reservation.status.label.lower()}.")


@bp.post("/reservations/<reference>/decide")
def decide_request(reference: str):
    reservation = _booking_or_404(reference)
    form = DecideForm()
    ctx = request_context()
    try:
        if not form.validate_on_submit() or form.decision.data not in ("accept", "decline"):
            raise RuleViolation.on(FORM, "That form was incomplete. Nothing was changed.")
        reservation = bookings.decide(db.session, reservation, form.decision.data == "accept", form.seen.data,
                                      shop=ctx.shop, links=email_links(), actor_id=ctx.user_id, now=ctx.now)
    except RuleViolation as violation:
        return _book_page(reservation.local_date, status=422, error=_words(violation))
    if reservation.status.value == "confirmed":
        return _book_after(reservation.local_date, _accepted_words(reservation))
    return _book_after(reservation.local_date, f"Request {reservation.reference} ({reservation.name}) declined. "
                                               "The diner has been emailed.")


@bp.route("/reservations/<reference>/accept", methods=["GET", "POST"])
def accept_request(reference: str):
    """Accept a large-party request with the tables the staff choose (the suggestion preselected)."""
    reservation = _booking_or_404(reference)
    ctx = request_context()
    options = reservation_service.request_options(db.session, reservation, shop=ctx.shop, now=ctx.now) \
        if reservation.status.value == "requested" else []
    form = AcceptForm(data={"seen": reservation.status.value, "tables": options[0].name if options else None})
    form.tables.choices = [SelectChoice(p.name, _placement_words(p)) for p in options]
    if form.validate_on_submit():
        try:
            reservation = bookings.decide(db.session, reservation, True, form.seen.data, shop=ctx.shop,
                                          links=email_links(), actor_id=ctx.user_id, now=ctx.now,
                                          choice=form.tables.data)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            return _book_after(reservation.local_date, _accepted_words(reservation))
    status = 422 if form.is_submitted() else 200
    return render("staff/accept_request.html", status=status, reservation=reservation, form=form,
                  has_options=bool(options))


def _placement_words(placement) -> str:
    seats = placement.combination or placement.tables[0]
    joined = f" ({' + '.join(t.name for t in placement.tables)})" if placement.combination else ""
    return f"{placement.name}{joined}, {seats.min_seats}–{seats.max_seats} seats, {placement.tables[0].area}"


def _accepted_words(reservation) -> str:
    tables = ", ".join(c.table.name for c in reservation.active_claims)
    return (f"Request {reservation.reference} ({reservation.name}) accepted: tables {tables}. "
            "The diner has been emailed.")


@bp.post("/reservations/walk-in")
def walk_in():
    day, _, error = _day()
    form = WalkInForm()
    ctx = request_context()
    if error:
        return _book_page(day, status=422, error=error)
    if form.validate_on_submit():
        guest = reservation_service.Guest(name=form.name.data, email=form.email.data or "",
                                          phone=form.phone.data or "")
        try:
            booked = reservation_service.book(
                db.session, start=local_instant(day, form.time.data, ctx.tz), party=form.party.data, guest=guest,
                key=form.key.data, token=new_token(), shop=ctx.shop, links=email_links(), now=ctx.now,
                staff_id=ctx.user_id, channel=form.channel.data)
        except RuleViolation as violation:
            populate_errors(form, _to_time_field(violation))
        else:
            r = booked.reservation
            tables = ", ".join(c.table.name for c in r.active_claims)
            return _book_after(day, f"Booked {r.reference}: {r.name}, {r.party_size} guests"
                                    f"{', table ' + tables if tables else ''}.")
    return _book_page(day, status=422, walk_in=form)


def _to_time_field(violation: RuleViolation) -> RuleViolation:
    """The booking service names the start; on this form the start is the time field."""
    return RuleViolation([("time" if name == "start" else name, message) for name, message in violation.reasons])


@bp.post("/reservations/waitlist/<int:entry_id>/offer")
def offer_table(entry_id: int):
    day, _, _ = _day()
    form = OfferForm()
    ctx = request_context()
    try:
        if not form.validate_on_submit():
            raise RuleViolation.on(FORM, "That form was incomplete. Nothing was sent.")
        entry = reservation_service.offer_to_waitlist(db.session, entry_id, shop=ctx.shop, links=email_links(),
                                                      now=ctx.now, actor_id=ctx.user_id)
    except RuleViolation as violation:
        return _book_page(day, status=422, error=_words(violation))
    return _book_after(entry.local_date, f"{entry.name} has been emailed the free times.")


def _words(violation: RuleViolation) -> str:
    return " ".join(message for _, message in violation.reasons)


# --- the audit log --------------------------------------------------------------------------

@bp.get("/audit")
def audit():
    form = AuditFilterForm(request.args)
    valid = form.validate()
    filters = auditing.Filters(
        action=(form.action.data or "")[:64], target_type=(form.target_type.data or "")[:64],
        target_id=form.target_id.data or "", since=form.since.data, until=form.until.data,
        before_id=form.before.data if not form.before.errors else None) if valid else auditing.Filters()
    found = auditing.search(db.session, filters, request_context())
    form.action.choices = [SelectChoice("", "Any")] + [SelectChoice(a, a) for a in found.actions]
    form.target_type.choices = [SelectChoice("", "Any")] + [SelectChoice(t, t) for t in found.target_types]
    more = None
    if found.next_before:
        args = {k: v for k, v in request.args.items() if k != "before"}
        more = url_for("staff.audit", **args, before=found.next_before)
    return render("staff/audit.html", "results", status=200 if valid else 422, form=form, page=found, more=more)
