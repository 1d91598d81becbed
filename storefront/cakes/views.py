"""`/cakes`: the builder. One form; "Update price" (or, with JavaScript, htmx's GET of
`/cakes/price` on every change) shows the server's itemised price, "Add cake to cart" checks
everything and puts the cake in the cart. `?line=` opens a cake from the cart to change it."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, current_app, flash, make_response, render_template, request, send_from_directory, url_for
from flask_login import current_user
from jinja2_fragments.flask import render_block
from werkzeug.datastructures import MultiDict

from ..cart.forms import EmptyForm, UpdateLineForm
from ..cart.service import view_cart
from ..cart.session import current_cart
from ..core.htmx import is_htmx, redirect_to, render
from ..core.pagecache import shared_page
from ..core.rules import RuleViolation, populate_errors
from ..extensions import db
from ..store.current import money, request_context
from . import bp, photos, service
from . import cart as cake_cart
from .forms import PRICE_FIELDS, CakeForm, optional_date
from .models import CakePhoto


def _show_total(form: CakeForm, state: service.Builder) -> None:
    """The total shown travels with "Add cake to cart", to be compared with the real one."""
    if state.preview.priced is not None:
        form.shown_total.data = str(state.preview.priced.total)


def _page(form: CakeForm, state: service.Builder, *, status: int = 200):
    form.fill_choices(state.catalogue)
    _show_total(form, state)
    editing = _editing()
    stored = cake_cart.stored_in(current_cart(), editing) if editing else None
    return render("cakes/builder.html", "summary", status=status, form=form, state=state,
                  editing_photo=bool(stored and stored.get("photo")))


def _editing() -> str | None:
    """The cart line being changed, if it is a cake in this visitor's cart."""
    field = request.values.get("line", "")
    if not field.startswith(cake_cart.PREFIX):
        return None
    cart = current_cart()
    if cart is None or field not in cart.lines():
        return None
    return field


@bp.get("")
def builder():
    ctx = request_context()
    catalogue = service.load_catalogue(db.session)
    editing = _editing()
    stored = cake_cart.stored_in(current_cart(), editing) if editing else None
    form = CakeForm(formdata=None, data=stored or (service.default_choice(catalogue).__dict__ | {"decorations": []}))
    state = service.builder(db.session, form.choice(), ctx.tz, ctx.now)
    if not form.due_on.data:
        first = state.first_day
        form.due_on.data = first.day.isoformat() if first else ""
    return _page(form, state)


@bp.get("/price")
@shared_page(*service.PRICE_TABLES)
def price():
    """The price summary for the choices in the address (htmx asks on every change): the same
    for everyone, so it is kept in the page cache and needs neither a CSRF token nor the session.
    Every address that reaches it (core.inputs turns away refused characters first) answers 200
    with the summary: what cannot be priced is listed in it."""
    # Only the fields the price depends on, and no CSRF field (it would read the session).
    args = MultiDict([(name, value) for name in PRICE_FIELDS for value in request.args.getlist(name)])
    form = CakeForm(formdata=args, meta={"csrf": False})
    state = service.price_summary(db.session, form.choice())
    _show_total(form, state)
    return make_response(render_block("cakes/builder.html", "summary", form=form, state=state))


@bp.post("")
def submit():
    form = CakeForm()
    ctx = request_context()
    state = service.builder(db.session, form.choice(), ctx.tz, ctx.now)
    if request.form.get("action") != "add" or is_htmx():
        # "Update price", or htmx asking for the summary after a change.
        return _page(form, state)
    if form.validate():
        cart, editing = current_cart(for_writing=True), _editing()
        kept = (cake_cart.stored_in(cart, editing) or {}).get("photo") if editing else None
        upload, problems = _upload(form, cart)
        try:
            message = cake_cart.add_cake(db.session, cart, cake_cart.Wanted(
                choice=form.choice(), due_on=optional_date(form.due_on.data), notes=form.notes.data or "",
                shown_total=form.shown_total.data, photo=kept), ctx, replacing=editing, upload=upload,
                problems=problems)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash(message, "success")
            return redirect_to(url_for("cart.view"))
    return _page(form, state, status=422)


def _upload(form: CakeForm, cart) -> tuple[cake_cart.Upload | None, list[tuple[str, str]]]:
    file = form.photo.data
    if not file or not getattr(file, "filename", ""):
        return None, []
    try:
        image = photos.clean(file.stream)
    except RuleViolation as violation:
        return None, violation.reasons
    return cake_cart.Upload(image, current_app.instance_path, cart.owner_key,
                            current_user.id if current_user.is_authenticated else None), []


@bp.get("/photos/<name>")
def photo(name: str):
    """A reference photo, for its uploader and staff only; anyone else gets the 404 page."""
    row = db.session.scalars(sa.select(CakePhoto).where(CakePhoto.name == name)).first()
    cart = current_cart()
    user_id = current_user.id if current_user.is_authenticated else None
    if not photos.may_see(db.session, row, cart.owner_key if cart else None, user_id,
                          current_user.is_authenticated and current_user.is_staff):
        abort(404)
    response = send_from_directory(photos.folder(current_app.instance_path), f"{row.name}.jpg",
                                   mimetype="image/jpeg", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _cake_line_or_404(field: str):
    cart = current_cart()
    if not field.startswith(cake_cart.PREFIX) or cart is None or field not in cart.lines():
        abort(404)
    return cart


def _cart_answer(cart, message: str, *, ok: bool = True):
    """The cart again: a flash and a redirect without JavaScript, the cart region with htmx."""
    if not is_htmx():
        flash(message, "success" if ok else "error")
        return redirect_to(url_for("cart.view"))
    body = render_template("cart/_feedback.html", message=message, ok=ok, cart=view_cart(db.session, cart, money),
                           undo=None)
    response = make_response(body, 200 if ok else 422)
    response.vary.add("HX-Request")
    return response


@bp.post("/lines/<field>/remove")
def remove(field: str):
    EmptyForm().validate_on_submit()  # CSRF is checked globally; nothing else to read
    cart = _cake_line_or_404(field)
    cart.remove(field)
    return _cart_answer(cart, "Removed the cake from your cart.")


@bp.post("/lines/<field>")
def update(field: str):
    cart = _cake_line_or_404(field)
    form = UpdateLineForm()
    if not form.validate_on_submit():
        return _cart_answer(cart, form.quantity.errors[0] if form.quantity.errors else "Please reload the page.",
                            ok=False)
    try:
        message = cake_cart.set_quantity(db.session, cart, field, form.quantity.data)
    except RuleViolation as violation:
        return _cart_answer(cart, violation.reasons[0][1], ok=False)
    return _cart_answer(cart, message)
