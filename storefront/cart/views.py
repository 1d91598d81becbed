"""The cart: a page, and actions that are plain form posts (303) enhanced with htmx (the cart
region, the header badge and a toast update in place)."""
from __future__ import annotations

import logging

from flask import abort, flash, g, render_template, request, session, url_for
from flask_login import user_logged_in
from htmx_flask import make_response

from ..core.confirm import ask_first, confirmed
from ..core.errors import error_answer
from ..core.htmx import is_htmx, redirect_to, render
from ..core.pagecache import visitor_part
from ..core.rules import RuleViolation
from ..core.security import safe_next
from ..extensions import db
from ..menu.models import Product
from ..store.current import current_store, money
from . import bp, service
from .forms import AddToCartForm, EmptyForm, UpdateLineForm
from .session import GUEST_TOKEN_KEY, badge_count, cart_summary, current_cart, guest_cart, know_summary, note_summary
from .store import CartStore, CartUnavailable

log = logging.getLogger(__name__)

CART_UPDATED = "cart-updated"


@bp.record_once
def _wire(state) -> None:
    # Keep the guest cart's token through the session renewal at sign-in, then merge it.
    state.app.extensions.setdefault("session_keys_kept_at_sign_in", set()).add(GUEST_TOKEN_KEY)
    user_logged_in.connect(_merge_guest_cart, state.app)


def _merge_guest_cart(app, user) -> None:
    token = session.pop(GUEST_TOKEN_KEY, None)
    if not isinstance(token, str):
        return
    try:
        notices = service.merge_into(db.session, CartStore(app.extensions["redis"], f"u:{user.id}"),
                                     guest_cart(token), money)
    except CartUnavailable:
        session[GUEST_TOKEN_KEY] = token  # try again at the next sign-in; nothing is lost
        log.warning("cart merge at sign-in skipped: Redis unavailable")
        return
    for notice in notices:
        flash(notice, "info")


@bp.app_errorhandler(CartUnavailable)
def cart_unavailable(error):
    # App-wide: checkout, reorder and any other page that reads the cart answer the same way.
    log.warning("cart unavailable: %s", error)
    return error_answer(503, "Your cart is temporarily unavailable",
                        "We can’t reach it just now. Nothing has been lost: please try again in a minute.")


def _cart_view():
    cart = current_cart()
    view = service.view_cart(db.session, cart, money, kept_rows=True) if cart else service.CartView(lines=[])
    note_summary(view)
    return view


def _summary_shown():
    """What the badge and the cart bar show: the count and the total (None: cart unreadable)."""
    summary = cart_summary()
    return None if summary is None else (summary.item_count, summary.subtotal)


visitor_part("cart-badge", "cart/_badge.html", _summary_shown)
visitor_part("cart-bar", "cart/_bar.html", _summary_shown)


def line_key(line) -> tuple:
    """Everything a product line's row in the cart shows (core.fragments): the product's name,
    address and picture, the prices and quantity, worded in the shop's currency and locale."""
    product, store = line.product, current_store()
    return (product.id, product.slug, product.name, product.image_path, line.unit_price, line.quantity,
            line.total, store.currency, store.locale, request.script_root)


@bp.app_context_processor
def cart_badge_context() -> dict:
    return {"cart_count": badge_count, "cart_summary": cart_summary, "cap_for": service.cap_for,
            "just_added": just_added, "cart_line_key": line_key}


UNDO_KEY = "cart_undo"


@bp.get("")
def view():
    # After a removal without JavaScript, the page offers the undo the htmx toast would have.
    undo = session.pop(UNDO_KEY, None)
    return render("cart/page.html", "cart", cart=_cart_view(), undo=undo if isinstance(undo, dict) else None)


def _back_to(default: str) -> str:
    return safe_next(request.form.get("next")) or default


def _answer(message: str, *, ok: bool, back: str, cart_region: bool = False, undo=None):
    """Tell the customer what happened: a flash and a redirect without JavaScript; with htmx the
    toast and header badge swap in place (and the cart region when the request came from it)."""
    if not is_htmx():
        flash(message, "success" if ok else "error")
        return redirect_to(back)
    status = 200 if ok else 422
    body = render_template("cart/_feedback.html", message=message, ok=ok, undo=undo,
                           cart=_cart_view() if cart_region else None)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    if not cart_region:
        response.headers["HX-Trigger"] = CART_UPDATED
        response.headers["HX-Reswap"] = "none"
    return response


ADDED_KEY = "cart_added"


def just_added(product_id: int) -> dict | None:
    """The answer to an add made without JavaScript, for the product it was about: shown beside
    that product's button (where the redirect's #fragment lands), once."""
    if "cart_added" not in g:
        g.cart_added = session.pop(ADDED_KEY, None)
    added = g.cart_added
    return added if isinstance(added, dict) and added.get("product_id") == product_id else None


def _answer_beside_button(product_id: int, message: str, *, ok: bool, back: str, quantity: int = 0):
    """An add from a product's own form: the answer goes beside the pressed button (a live
    region), and the badge and cart bar follow out of band. Without JavaScript the redirect
    comes back to the product (`#product-<id>`) and shows the same words there."""
    if not is_htmx():
        session[ADDED_KEY] = {"product_id": product_id, "message": message, "ok": ok, "quantity": quantity}
        return redirect_to(f"{back.partition('#')[0]}#product-{product_id}")
    body = render_template("cart/_added.html", added={"product_id": product_id, "message": message,
                                                      "ok": ok, "quantity": quantity})
    response = make_response(body, 200 if ok else 422)
    response.vary.add("HX-Request")
    response.headers["HX-Trigger"] = CART_UPDATED
    return response


def _added_here(product_id) -> bool:
    """Was the add pressed on a product's own form (not an Undo in a toast)?"""
    if request.form.get("undo"):
        return False
    if not is_htmx():
        return product_id is not None
    return request.headers.get("HX-Target") == f"added-{product_id}"


@bp.post("/add")
def add():
    form = AddToCartForm()
    back = _back_to(url_for("cart.view"))
    beside = _added_here(form.product_id.data)
    if not form.validate():
        if form.product_id.errors:
            abort(404)
        message = (form.quantity.errors or form.form_errors)[0]
        if beside:
            return _answer_beside_button(form.product_id.data, message, ok=False, back=back)
        return _answer(message, ok=False, back=back)
    try:
        outcome = service.add_product(db.session, current_cart(for_writing=True), form.product_id.data,
                                      form.quantity.data)
    except service.UnknownProduct:
        abort(404)
    except RuleViolation as violation:
        if beside:
            return _answer_beside_button(form.product_id.data, violation.reasons[0][1], ok=False, back=back)
        return _answer(violation.reasons[0][1], ok=False, back=back)
    know_summary(outcome.summary)
    if request.form.get("undo") and outcome.quantity == form.quantity.data:
        return _answer(f"Put {outcome.quantity} × {outcome.product.name} back in your cart.", ok=True, back=back)
    if beside:
        return _answer_beside_button(outcome.product.id, outcome.message, ok=True, back=back,
                                     quantity=outcome.quantity)
    return _answer(outcome.message, ok=True, back=back)


def _cart_or_404() -> CartStore:
    cart = current_cart()
    if cart is None:
        abort(404)
    return cart


@bp.post("/lines/<int:product_id>")
def update(product_id: int):
    form = UpdateLineForm()
    back = url_for("cart.view")
    if not form.validate():
        message = form.quantity.errors[0] if form.quantity.errors else "Please try again."
        product = db.session.get(Product, product_id)
        if product is not None:
            message = f"{message} for {product.name}."
        return _answer(message, ok=False, back=back, cart_region=True)
    try:
        outcome = service.set_quantity(db.session, _cart_or_404(), product_id, form.quantity.data)
    except service.NotInCart:
        abort(404)
    except RuleViolation as violation:
        return _answer(violation.reasons[0][1], ok=False, back=back, cart_region=True)
    return _answer(outcome.message, ok=True, back=back, cart_region=True)


@bp.post("/lines/<int:product_id>/remove")
def remove(product_id: int):
    EmptyForm().validate_on_submit()  # CSRF is checked globally; nothing else to read
    try:
        outcome = service.remove_line(db.session, _cart_or_404(), product_id)
    except service.NotInCart:
        abort(404)
    undo = {"product_id": product_id, "quantity": outcome.quantity} if outcome.product else None
    if undo and not is_htmx():
        session[UNDO_KEY] = {**undo, "message": outcome.message}
        return redirect_to(url_for("cart.view"))
    return _answer(outcome.message, ok=True, back=url_for("cart.view"), cart_region=True, undo=undo)


@bp.post("/clear")
def clear():
    if not confirmed():
        return ask_first(heading="Empty your cart?", question="Everything in your cart will be taken out.",
                         yes="Yes, empty my cart", no="Keep my cart", back=url_for("cart.view"))
    cart = current_cart()
    if cart is not None:
        cart.clear()
    return _answer("Your cart is empty.", ok=True, back=url_for("cart.view"), cart_region=True)
