"""People pages (admins only): staff accounts and customers. HTTP only; the rules are in
`people` and `accounts.service.invite`."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, flash, request, url_for
from flask_login import current_user

from ..accounts import service as accounts
from ..accounts.models import Role
from ..core import sessions
from ..core.htmx import redirect_to, render
from ..core.links import external_url
from ..core.rules import FORM, RuleViolation, populate_errors
from ..extensions import db
from ..store.current import current_store
from . import bp
from . import people as rules
from .forms import ActiveForm, CustomerSearchForm, InviteForm, RoleForm

INVITE_MAX_AGE = timedelta(hours=72)


@bp.before_request
def admins_only():
    if (request.endpoint or "").startswith("staff.people") and current_user.role != Role.ADMIN:
        abort(403)


def _people_page(*, status: int = 200, invite_form: InviteForm | None = None):
    search = CustomerSearchForm(request.args)
    valid = search.validate()
    query = (search.q.data or "") if valid else ""
    return render("staff/people.html", status=status if valid else 422, staff=rules.staff_accounts(db.session),
                  customers=rules.search_customers(db.session, query), search=search, query=query,
                  invite_form=invite_form or InviteForm(formdata=None))


@bp.get("/people")
def people():
    return _people_page()


@bp.post("/people/invite")
def people_invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = accounts.invite(
                db.session, accounts.Invitation(name=form.name.data, email=form.email.data, role=Role(form.role.data),
                                                inviter=current_user.name),
                link_for=lambda token: external_url("accounts.reset_password", token=token),
                max_age=INVITE_MAX_AGE, store_name=current_store().name, actor_id=current_user.id)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash(f"{user.name} is invited as {user.role.value}: they have been emailed a link to choose a password.",
                  "success")
            return redirect_to(url_for("staff.people"))
    return _people_page(status=422, invite_form=form)


def _account_page(user_id: int, *, status: int = 200, error: str | None = None, role_form: RoleForm | None = None):
    found = rules.account(db.session, user_id)
    if found is None:
        abort(404)
    seen = rules.state_of(found.user)
    role_form = role_form or RoleForm(formdata=None, data={"role": found.user.role.value, "seen": seen})
    role_form.seen.data = seen
    return render("staff/person.html", status=status, account=found, role_form=role_form, seen=seen,
                  active_form=ActiveForm(formdata=None), error=error)


@bp.get("/people/<int:user_id>")
def people_account(user_id: int):
    return _account_page(user_id)


@bp.post("/people/<int:user_id>/role")
def people_role(user_id: int):
    form = RoleForm()
    if form.validate_on_submit():
        try:
            user = rules.set_role(db.session, user_id, form.role.data, form.seen.data, current_user.id)
        except RuleViolation as violation:
            populate_errors(form, violation)
            return _account_page(user_id, status=422, error=" ".join(form.form_errors) or None, role_form=form)
        before = Role(form.seen.data.split(":")[0])  # checked against the account by set_role
        if rules.RANK[user.role] < rules.RANK[before]:
            sessions.end_all(user.id)  # fewer rights: their sessions end now
        flash(f"{user.name} is now {user.role.value}.", "success")
        return redirect_to(url_for("staff.people_account", user_id=user.id))
    return _account_page(user_id, status=422, role_form=form)


@bp.post("/people/<int:user_id>/active")
def people_active(user_id: int):
    form = ActiveForm()
    try:
        if not form.validate_on_submit() or form.active.data not in ("on", "off"):
            raise RuleViolation.on(FORM, "That form was incomplete. Nothing was changed.")
        user = rules.set_active(db.session, user_id, form.active.data == "on", form.seen.data, current_user.id)
    except RuleViolation as violation:
        return _account_page(user_id, status=422, error=" ".join(m for _, m in violation.reasons))
    if not user.is_active_account:
        sessions.end_all(user.id)
    news = "active again" if user.is_active_account else "deactivated: they are signed out and cannot sign in"
    flash(f"{user.name}’s account is {news}.", "success")
    return redirect_to(url_for("staff.people_account", user_id=user.id))
