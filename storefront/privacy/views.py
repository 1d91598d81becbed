"""Privacy pages: the account page's "Your data" section, "download my data", marketing
consent and "delete my account". HTTP only."""
from __future__ import annotations

import json
import logging

from flask import Response, current_app, flash, session, url_for
from flask_login import current_user, login_required, logout_user

from ..accounts import consent
from ..accounts.sections import Section, add_section
from ..cart.store import CartStore, CartUnavailable
from ..core import sessions
from ..core.htmx import redirect_to, render
from ..core.rules import RuleViolation, populate_errors
from ..extensions import db, limiter
from ..reservations.context import email_links
from ..store.current import current_shop
from . import bp, erasure, export
from .forms import ConsentForm, DeleteAccountForm

log = logging.getLogger(__name__)
DELETE_LIMIT = "10/minute;30/hour"  # password guesses through this form count like sign-ins


def account_section(session_, user_id: int) -> dict:
    answer = consent.current(session_, user_id)
    return {"consent": answer,
            "consent_form": ConsentForm(formdata=None, data={"marketing": answer.given})}


bp.record(lambda state: add_section(state.app, Section("privacy/_account.html", account_section)))


@bp.get("/export.json")
@login_required
def download():
    document = export.export(db.session, current_user._get_current_object(), store_name=current_shop().name)
    body = json.dumps(document, indent=2, ensure_ascii=False)
    response = Response(body, mimetype="application/json")
    day = document["exported_at"][:10]
    response.headers["Content-Disposition"] = f'attachment; filename="my-data-{day}.json"'
    return response


@bp.post("/consent")
@login_required
def set_consent():
    form = ConsentForm()
    if form.validate_on_submit():
        changed = consent.set_for_account(db.session, current_user._get_current_object(), bool(form.marketing.data))
        if changed:
            flash("We will email you news and offers." if form.marketing.data
                  else "You will get no more news and offers from us.", "success")
        else:
            flash("Nothing to change: your choice is saved.", "info")
        return redirect_to(url_for("accounts.profile"))
    flash("That form had expired, so nothing changed. Please try again.", "error")
    return redirect_to(url_for("accounts.profile"))


@bp.route("/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(DELETE_LIMIT, methods=["POST"])
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            deleted = erasure.delete_account(db.session, user, password=form.password.data,
                                             confirmed=bool(form.confirm.data), shop=current_shop(),
                                             links=email_links())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            _forget_browser(deleted.user_id)
            flash("Your account is deleted. We have emailed you to confirm. Thank you for coming by.", "success")
            return redirect_to(url_for("menu.home"))
    if form.is_submitted():
        return render("privacy/delete.html", "form", status=422, form=form)
    return render("privacy/delete.html", form=form)


def _forget_browser(user_id: int) -> None:
    """The Redis side of a deletion: the cart, every session of the account, this one too."""
    try:
        CartStore(current_app.extensions["redis"], f"u:{user_id}").clear()
    except CartUnavailable as exc:
        log.warning("cart of deleted account %s not emptied (Redis unavailable): %s", user_id, exc)
    sessions.end_all(user_id)
    logout_user()
    sessions.renew()
    session.clear()
