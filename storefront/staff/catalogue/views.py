"""The upkeep screens: one list page and one edit page per table (upkeep.Table), registered on
the staff blueprint so its guard applies, plus what only promo codes and cakes have. HTTP only."""
from __future__ import annotations

import enum
from datetime import datetime

from flask import abort, current_app, flash, make_response, request, url_for

from ...core.htmx import redirect_to, render
from ...core.rules import RuleViolation, populate_errors
from ...extensions import db
from ...store.current import request_context
from .. import bp
from . import images, promos, tables, upkeep
from .forms import CakeSettingsForm, GenerateForm, PostForm


class ActionForm(PostForm):
    """Delete, restore, deactivate: a button and its CSRF token."""


def _form_for(table: upkeep.Table, row, tz):
    """The table's form filled from `row` (or empty for a new row), with choices from the database."""
    form = table.form(obj=row) if request.method == "GET" and row is not None else table.form()
    if request.method == "GET" and row is None and "is_active" in form:
        form.is_active.data = True
    if request.method == "GET" and row is None and "is_available" in form:
        form.is_available.data = True
    if request.method == "GET":
        for f in form:
            # A select's coerce (str) turns an enum into "Kind.NAME" (Python 3.11), which matches no
            # choice: read the row's own value so the page shows what is saved.
            saved = getattr(row, f.name, None) if row is not None else None
            if isinstance(saved, enum.Enum):
                f.data = saved.value
            elif isinstance(f.data, enum.Enum):
                f.data = f.data.value
            elif isinstance(f.data, datetime) and f.data.tzinfo is not None:
                f.data = tables.utc_to_local(f.data, tz)
    if table.prepare:
        table.prepare(form, db.session)
    return form


def _values(table: upkeep.Table, form, tz) -> dict:
    values = table.values(form)
    for name, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            values[name] = tables.local_to_utc(value, tz)
    return values


def _row_or_404(table: upkeep.Table, row_id: int):
    row = upkeep.find(db.session, table, row_id)
    if row is None:
        abort(404)
    return row


def edit_page(table: upkeep.Table, row, *, form, status: int = 200, **extra):
    return render("staff/upkeep/edit.html", "editor", status=status, table=table, row=row, form=form,
                  action_form=ActionForm(), extra=extra)


def _image_step(table: upkeep.Table, form):
    """Products: check an uploaded photo before anything is written; store it once the row passes."""
    upload = request.files.get("image") if table is tables.PRODUCTS else None
    if upload is None or not upload.filename:
        return None
    image = images.check(upload.stream)
    if not form.image_alt.data:
        raise RuleViolation.on("image_alt", "Describe the photo for people who cannot see it, like "
                                            "“A glazed cinnamon bun on a plate”")

    def attach(product):
        product.image_path = images.store(image, current_app.static_folder)

    return attach


def edit(table: upkeep.Table, row_id: int | None):
    ctx = request_context()
    row = _row_or_404(table, row_id) if row_id is not None else None
    form = _form_for(table, row, ctx.tz)
    if form.validate_on_submit():
        try:
            attach = _image_step(table, form)
            row = upkeep.save(db.session, table, row, _values(table, form, ctx.tz), actor_id=ctx.user_id,
                              after_apply=attach)
        except RuleViolation as violation:
            db.session.rollback()
            populate_errors(form, violation)
        else:
            flash(f"Saved {table.label(row)}.", "success")
            return redirect_to(url_for(f"staff.{table.name}_edit", **{table.id_arg: row.id}))
    status = 422 if form.is_submitted() else 200
    return edit_page(table, row, form=form, status=status, **_extra(table, row))


def _extra(table: upkeep.Table, row) -> dict:
    if table is tables.PROMOS and row is not None:
        return {"usage": promos.usage(db.session, [row.id]).get(row.id, promos.NO_USE),
                "generate_form": GenerateForm(formdata=None)}
    return {}


def list_page(table: upkeep.Table):
    rows = upkeep.rows(db.session, table)
    extra = {"usage": promos.usage(db.session)} if table is tables.PROMOS else {}
    return render("staff/upkeep/list.html", table=table, rows=rows, extra=extra)


def set_deleted(table: upkeep.Table, row_id: int, deleted: bool):
    row = _row_or_404(table, row_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    upkeep.set_deleted(db.session, table, row, deleted, actor_id=request_context().user_id)
    flash(f"{'Deleted' if deleted else 'Restored'} {table.label(row)}.", "success")
    return redirect_to(url_for(f"staff.{table.name}_list"))


def _register(table: upkeep.Table) -> None:
    base, arg = f"/{table.name}", table.id_arg
    bp.add_url_rule(base, f"{table.name}_list", lambda: list_page(table))
    bp.add_url_rule(f"{base}/new", f"{table.name}_new", lambda: edit(table, None), methods=["GET", "POST"])
    bp.add_url_rule(f"{base}/<int:{arg}>", f"{table.name}_edit", lambda **kw: edit(table, kw[arg]),
                    methods=["GET", "POST"])
    if table.soft_delete:
        bp.add_url_rule(f"{base}/<int:{arg}>/delete", f"{table.name}_delete",
                        lambda **kw: set_deleted(table, kw[arg], True), methods=["POST"])
        bp.add_url_rule(f"{base}/<int:{arg}>/restore", f"{table.name}_restore",
                        lambda **kw: set_deleted(table, kw[arg], False), methods=["POST"])


for _table in tables.TABLES:
    _register(_table)


# --- promo codes: deactivate, generate single-use codes -----------------------------------------

@bp.post("/promos/<int:promo_id>/deactivate")
def promos_deactivate(promo_id: int):
    promo = _row_or_404(tables.PROMOS, promo_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    promos.deactivate(db.session, promo, actor_id=request_context().user_id)
    flash(f"{promo.code} is deactivated: customers can no longer use it.", "success")
    return redirect_to(url_for("staff.promos_edit", promo_id=promo.id))


@bp.post("/promos/<int:promo_id>/generate")
def promos_generate(promo_id: int):
    promo = _row_or_404(tables.PROMOS, promo_id)
    form = GenerateForm()
    if form.validate_on_submit():
        codes = promos.generate(db.session, promo, form.count.data, form.prefix.data,
                                actor_id=request_context().user_id)
        response = make_response(promos.codes_csv(promo, codes), 200)
        response.mimetype = "text/csv"
        response.headers["Content-Disposition"] = f'attachment; filename="{promo.code.lower()}-codes.csv"'
        return response
    ctx = request_context()
    edit_form = _form_for(tables.PROMOS, promo, ctx.tz)
    extra = _extra(tables.PROMOS, promo) | {"generate_form": form}
    return edit_page(tables.PROMOS, promo, form=edit_form, status=422, **extra)


# --- cake rules: notice, capacity, cutoff -------------------------------------------------------

@bp.route("/cake-settings", methods=["GET", "POST"])
def cake_settings():
    ctx = request_context()
    row = tables.cake_settings_row(db.session)
    form = CakeSettingsForm(obj=row) if request.method == "GET" else CakeSettingsForm()
    if form.validate_on_submit():
        values = {name: form[name].data for name in tables.CAKE_SETTINGS.fields}
        upkeep.save(db.session, tables.CAKE_SETTINGS, row if row.id else None, values, actor_id=ctx.user_id)
        flash("Saved the cake rules.", "success")
        return redirect_to(url_for("staff.cake_settings"))
    return render("staff/upkeep/edit.html", "editor", status=422 if form.is_submitted() else 200,
                  table=tables.CAKE_SETTINGS, row=row if row.id else None, form=form, action_form=ActionForm(),
                  extra={"settings": True})
