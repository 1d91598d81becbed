"""`/checkout`: one page; every button posts the whole form. Without JavaScript the page comes
back; with htmx only the form is swapped. Placing the order redirects to its page."""
from __future__ import annotations

from flask import request, session
from flask_login import current_user

from ..accounts import consent
from ..cart.session import current_cart, note_summary
from ..core import formkeys
from ..core.htmx import redirect_to, render
from ..core.identity import customer_email_key
from ..core.links import external_url
from ..core.rules import RuleViolation, populate_errors
from ..core.slots import parse_slot_value
from ..extensions import db, limiter
from ..orders.models import Fulfilment
from ..orders.viewing import may_view, number_url, order_url, remember_order_token, when_words
from ..store.current import money, request_context
from . import bp, kept_parts, service
from .forms import MAX_POINTS, CheckoutForm
from .payments import PAYMENT_LABELS
from .promo import normalise_code

PROMO_LIMIT = "10/minute;60/hour"
# Orders placed, per client address and per customer email; refused attempts do not count.
ORDER_LIMIT = "5/hour"


# The promo codes this session has had checked (kept server-side, so a client cannot claim one):
# the live refreshes carry the code again with every change, and only a new code counts as an
# attempt against PROMO_LIMIT.
CHECKED_CODES = "checkout_checked_codes"


def _code_already_checked() -> bool:
    code = normalise_code(request.form.get("promo_code", ""))
    return not code or code in session.get(CHECKED_CODES, [])


def _remember_code(code: str) -> None:
    code = normalise_code(code)
    checked = session.get(CHECKED_CODES, [])
    if code and code not in checked:
        session[CHECKED_CODES] = (checked + [code])[-5:]


def _not_placing() -> bool:
    return request.form.get("action") != "place"


def _placed(response) -> bool:
    return response.status_code == 303 or "HX-Redirect" in response.headers


def _order_email_key() -> str:
    return "order-email:" + customer_email_key(request.form.get("email", ""))[:254]


def _details(form: CheckoutForm) -> service.CheckoutDetails:
    fulfilment = Fulfilment.DELIVERY if form.fulfilment.data == Fulfilment.DELIVERY.value else Fulfilment.PICKUP
    return service.CheckoutDetails(
        fulfilment=fulfilment, when=form.when.data or "", name=form.name.data or "", email=form.email.data or "",
        phone=form.phone.data or "", note=form.note.data or "", address_line=form.address_line.data or "",
        city=form.city.data or "", postcode=form.postcode.data or "", promo_code=form.promo_code.data or "",
        points=_points(form), promo_seen=form.promo_seen.data or "")


def _points(form: CheckoutForm) -> int:
    """The points asked for, when the field holds a number in range (else its own error says why)."""
    points = form.points.data
    return points if isinstance(points, int) and 0 <= points <= MAX_POINTS else 0


def _page(form: CheckoutForm, quote: service.Quote, *, status: int = 200, notices=(), keep_time: bool = False):
    # Whatever is shown is what "Place order" will be checked against: the total, and the answer
    # to the promo code (a refused code the customer has seen is left off, not a reason to stop).
    form.shown_total.data = str(quote.totals.total)
    form.promo_seen.data = form.promo_code.data or ""
    note_summary(quote.cart)
    picked = service.pick_time(quote, form.day.data or "", form.when.data or "")
    if not keep_time:
        form.when.data = picked.when
    form.day.data = picked.day.day.isoformat() if picked.day else ""
    for field, message in quote.problems:
        target = getattr(form, field, None)
        if target is not None and message not in target.errors:
            target.errors = list(target.errors) + [message]
    for field in form:  # one message per field: the first, about the value now in it
        field.errors = list(field.errors)[:1] if field.errors else field.errors
    # After "Remove code" the code's box takes the focus the vanished button had.
    focus_promo = request.method == "POST" and request.form.get("action") == "remove_promo" and not form.errors
    payment = PAYMENT_LABELS["pay_on_delivery" if form.fulfilment.data == "delivery" else "pay_at_pickup"]
    return render("checkout/page.html", "checkout", status=status, form=form, quote=quote, notices=list(notices),
                  picked=picked, focus_promo=focus_promo, payment_label=payment,
                  kept_keys=kept_parts.keys(form, quote, picked))


def _day_mismatch(form: CheckoutForm, quote: service.Quote) -> str | None:
    """Without JavaScript a customer can change the day and press "Place order" with a time from
    the day shown before: say so rather than order for a day they did not choose."""
    chosen = next((day for day in quote.days if day.day.isoformat() == form.day.data), None)
    start = parse_slot_value(form.when.data)
    if chosen is None or start is None or any(slot.start == start for slot in chosen.slots):
        return None
    if not any(slot.start == start for day in quote.days for slot in day.slots):
        return None  # not a time on any day: the service says so
    return f"Choose a time on {chosen.day:%A %-d %B}, then place the order."


def _show(form: CheckoutForm, quote: service.Quote, action: str):
    """Any button but "Place order", and the live refreshes ("refresh"): show the page for these
    choices. Only the parts the customer asked about get messages; the rest wait for "Place
    order" (a refresh's messages are the quote's: postcode, promo code, the cakes' day)."""
    form.validate()
    for name in ("name", "email", "phone", "address_line", "city", "postcode", "note"):
        if action != "update" or not getattr(form, name).data:
            getattr(form, name).errors = []
    if action == "apply_promo" and not form.promo_code.data:
        form.promo_code.errors = ["Enter a promo code"]
    has_errors = any(f.errors for f in form) or quote.problems
    return _page(form, quote, status=422 if has_errors else 200)


def _record_consent(form: CheckoutForm, email: str) -> None:
    """The marketing box, when ticked: a yes for the account or the guest's email."""
    if form.marketing.data:
        consent.given_at_checkout(db.session, email=email,
                                  user_id=current_user.id if current_user.is_authenticated else None)


@bp.get("")
def index():
    form = CheckoutForm()
    form.key.data = formkeys.issue()
    if current_user.is_authenticated:
        form.name.data, form.email.data, form.phone.data = current_user.name, current_user.email, current_user.phone
    quote = service.quote(db.session, current_cart(), _details(form), request_context(), kept_rows=True)
    quote.problems = []  # nothing entered yet: no errors on first sight
    return _page(form, quote)


@bp.post("")
@limiter.limit(PROMO_LIMIT, methods=["POST"], exempt_when=lambda: _code_already_checked())
@limiter.limit(ORDER_LIMIT, methods=["POST"], exempt_when=_not_placing, deduct_when=_placed)
@limiter.limit(ORDER_LIMIT, methods=["POST"], exempt_when=_not_placing, deduct_when=_placed,
               key_func=_order_email_key)
def submit():
    form = CheckoutForm()
    # No button named: the pickup/delivery radio posting itself through htmx, or Enter in a text
    # box under htmx (which sends no submitter). Both mean "show me", as Enter does without
    # JavaScript (the first submit button is "Update options"); only "Place order" places.
    action = request.form.get("action", "update")
    if action == "remove_promo":
        form.promo_code.data = ""
    if action != "place" and not formkeys.is_mine(form.key.data):
        form.key.data = formkeys.issue()
    ctx = request_context()
    cart = current_cart()
    _remember_code(form.promo_code.data or "")
    if action == "place":
        return _place(form, cart, ctx)
    return _show(form, service.quote(db.session, cart, _details(form), ctx), action)


def _place(form: CheckoutForm, cart, ctx):
    """"Place order": the checks a page would show first, then the order. The whole quote (every
    day's times) is built only for a page that says why nothing was placed."""
    drafted = service.draft(db.session, cart, _details(form), ctx)  # the cart as it stands, read once

    def page(drafted=drafted, **kwargs):
        return _page(form, service.quote(db.session, current_cart(), _details(form), ctx, drafted=drafted),
                     status=422, **kwargs)

    if not formkeys.claim(form, "This form has expired. Please check the details and place the order again."):
        return page()
    replayed = service.find_by_key(db.session, form.key.data)
    if replayed is not None:
        # A double click or a resubmitted form: the first order is the answer, if this browser
        # can open it (a guest's link may not have reached the session yet).
        if may_view(replayed, None):
            return redirect_to(order_url(replayed))
        form.key.data = formkeys.issue()
        form.form_errors.append("This form was already used to place an order. Check the details and place it again.")
        return page()
    valid = form.validate()
    if cart is None or not valid or _may_mismatch(form, ctx) \
            or form.shown_total.data != str(drafted.pricing.totals.total):
        refused = _refused(form, service.quote(db.session, cart, _details(form), ctx, drafted=drafted), cart, valid)
        if refused is not None:
            return refused
    mail = service.Mail(link_for=lambda number, token: external_url("orders.detail", number=number, key=token),
                        when_words=when_words)
    try:
        placed = service.place_order(db.session, cart, _details(form), form.key.data, ctx, mail=mail,
                                     drafted=drafted)
    except RuleViolation as violation:
        populate_errors(form, violation)
        return page(None, keep_time=True)  # read again: a refused claim may have changed the cart
    if placed.replayed:  # the same key won a race with this request
        if may_view(placed.order, None):
            return redirect_to(order_url(placed.order))
        form.form_errors.append("This form was already used to place an order. Check the details and place it again.")
        return page()
    cart.clear_after_order()
    _record_consent(form, placed.email)
    remember_order_token(placed.number, placed.access_token)
    return redirect_to(number_url(placed.number, placed.access_token))


def _may_mismatch(form: CheckoutForm, ctx) -> bool:
    """Whether `_day_mismatch` could object: only when the chosen time is not on the day shown
    (a time's day is its local date)."""
    start = parse_slot_value(form.when.data)
    return start is not None and start.astimezone(ctx.tz).date().isoformat() != form.day.data


def _refused(form: CheckoutForm, quote: service.Quote, cart, valid: bool):
    """The page saying why the order cannot be placed as sent, or None when it can."""
    mismatch = _day_mismatch(form, quote)
    if mismatch:
        form.when.errors = [mismatch]
        return _page(form, quote, status=422)
    if not valid:
        return _page(form, quote, status=422, keep_time=True)
    if form.shown_total.data != str(quote.totals.total):
        # In the error summary (an alert that takes focus), not a quiet notice: the customer pressed
        # "Place order" and must learn, with a screen reader too, why nothing was placed.
        form.form_errors.append(f"Your total has changed to {money(quote.totals.total)} to reflect your choices. "
                                "Please check it and place the order again.")
        return _page(form, quote, status=422)
    if cart is None:
        form.form_errors.append("Your cart is empty, so there is nothing to order yet.")
        return _page(form, quote, status=422)
    return None
