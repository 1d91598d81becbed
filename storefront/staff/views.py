"""Back-office pages. HTTP only: read the form, call the service, answer with the page, the
changed block (htmx) or a redirect. Access is checked for the whole blueprint in `access`."""
from __future__ import annotations

from flask import abort, flash, url_for

from ..checkout.slots import get_rules
from ..core.htmx import is_htmx, redirect_to, render
from ..core.rules import RuleViolation, populate_errors
from ..extensions import db
from ..orders.models import Order
from ..store.current import request_context
from . import bp, service
from .forms import CancelOrderForm, LeadTimeForm, MoveForm, PauseForm


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
    return _board_page(status=422, error=" ".join(message for _, message in violation.reasons))


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
    return render("staff/dashboard.html")
