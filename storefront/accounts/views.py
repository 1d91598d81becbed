"""Account pages. HTTP only: read the form, call the service, answer with a page, a fragment or
a redirect."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, flash, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..core import sessions
from ..core.htmx import redirect_to, render
from ..core.links import external_url
from ..core.rules import RuleViolation, populate_errors
from ..core.security import safe_next
from ..extensions import db, limiter
from . import bp, service, verification
from .forms import (
    ChangePasswordForm,
    EmailEchoForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
    VerifyForm,
)
from .sections import sections_for

# Per-IP limits stop one client hammering. Failed sign-ins are limited per account *and*
# address, so a stranger guessing a known email locks out only themselves; and per account from
# all addresses together, a back-off against a botnet that the owner passes with a reset link
# (resets are not limited by failed sign-ins, and a reset signs in).
IP_LIMIT = "20/minute;100/hour"
ACCOUNT_LIMIT = "5/minute;30/hour"
ACCOUNT_BACKOFF = "20/hour"
BACKOFF_NOTICE = ("This account has had too many failed sign-ins, so it is resting for a while. If it is yours, "
                  "reset your password: the emailed link signs you in straight away.")


def _email_key() -> str:
    return "acct:" + service.normalise_email(request.form.get("email", ""))[:254]


def _email_and_address_key() -> str:
    return _email_key() + "|" + (request.remote_addr or "")


def _failed(response) -> bool:
    return response.status_code == 422


def _invalid(template: str, **context):
    """The form again with its errors: 422, so htmx swaps it in and browsers don't cache it."""
    return render(template, "form", status=422, **context)


def _verify_links() -> service.VerifyLinks:
    return service.VerifyLinks(link_for=lambda token: external_url("accounts.verify_email", token=token),
                               store_name=current_app.config["STORE_NAME"])


def _start_session(user, remember: bool) -> None:
    # A fresh session at sign-in, under a new id: nothing set before it carries over, except the
    # keys features ask to keep (the guest cart's token, so its lines can join the customer's cart).
    kept = {key: session[key] for key in current_app.extensions.get("session_keys_kept_at_sign_in", ())
            if key in session}
    sessions.renew()
    session.clear()
    session.update(kept)
    # "Remember me" keeps the session cookie for the session's lifetime; the session itself is
    # the only credential, so signing out ends it everywhere it was copied to.
    session.permanent = remember
    login_user(user)
    sessions.track(user.id)


def _end_every_session(user) -> None:
    sessions.end_all(user.id)
    logout_user()
    sessions.renew()
    session.clear()


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(IP_LIMIT, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect_to(url_for("accounts.profile"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = service.register(db.session, service.Registration(
                name=form.name.data, email=form.email.data, password=form.password.data, phone=form.phone.data,
                marketing=bool(form.marketing.data)), verify=_verify_links())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            _start_session(user, remember=False)
            flash(f"Welcome, {user.name}! Your account is ready. We have emailed you a link to confirm your "
                  "email address.", "success")
            return redirect_to(url_for("accounts.profile"))
    if form.is_submitted():
        return _invalid("accounts/register.html", form=form)
    return render("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(IP_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, methods=["POST"], key_func=_email_and_address_key, deduct_when=_failed)
@limiter.limit(ACCOUNT_BACKOFF, methods=["POST"], key_func=_email_key, deduct_when=_failed,
               error_message=BACKOFF_NOTICE)
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = safe_next(request.args.get("next")) or ""
    if current_user.is_authenticated and request.method == "GET":
        return redirect_to(safe_next(form.next.data) or url_for("accounts.profile"))
    if form.validate_on_submit():
        user = service.authenticate(db.session, form.email.data, form.password.data)
        if user is None:
            form.form_errors.append("The email or password is not right")
            form.password.errors = list(form.password.errors) + ["Check your password and try again"]
        else:
            _start_session(user, remember=form.remember.data)
            flash(f"Welcome back, {user.name}.", "success")
            return redirect_to(safe_next(form.next.data) or url_for("accounts.profile"))
    if form.is_submitted():
        return _invalid("accounts/login.html", form=form)
    return render("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    sessions.renew()  # the stored session is deleted; the flash below travels under a new id
    session.clear()
    flash("You are signed out.", "info")
    return redirect_to(url_for("menu.home"))


@bp.post("/sessions/end")
@login_required
def sign_out_everywhere():
    user = current_user._get_current_object()
    service.sign_out_everywhere(db.session, user)
    _end_every_session(user)
    flash("You are signed out on every device, this one too.", "info")
    return redirect_to(url_for("accounts.login"))


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile():
    form = ProfileForm(obj=current_user if request.method == "GET" else None)
    if form.validate_on_submit():
        try:
            service.update_profile(db.session, current_user, service.ProfileChange(
                name=form.name.data, email=form.email.data, phone=form.phone.data,
                current_password=form.current_password.data), verify=_verify_links())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            flash("Your details are saved.", "success")
            return redirect_to(url_for("accounts.profile"))
    if form.is_submitted():
        return _invalid("accounts/profile.html", form=form, sections=sections_for(db.session, current_user.id))
    return render("accounts/profile.html", form=form, sections=sections_for(db.session, current_user.id))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit(IP_LIMIT, methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            user = service.change_password(db.session, current_user._get_current_object(),
                                           form.current_password.data, form.password.data)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            # Every session of the account ends; this browser signs in again under the new nonce.
            _end_every_session(user)
            _start_session(user, remember=False)
            flash("Your password is changed. Other devices have been signed out.", "success")
            return redirect_to(url_for("accounts.profile"))
    if form.is_submitted():
        return _invalid("accounts/password.html", form=form)
    return render("accounts/password.html", form=form)


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(IP_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, methods=["POST"], key_func=_email_key)
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        config = current_app.config
        service.request_password_reset(
            db.session, form.email.data,
            link_for=lambda token: external_url("accounts.reset_password", token=token),
            max_age=timedelta(seconds=config["PASSWORD_RESET_MAX_AGE_SECONDS"]),
            store_name=config["STORE_NAME"],
        )
        return redirect_to(url_for("accounts.reset_sent"))
    if form.is_submitted():
        return _invalid("accounts/reset_request.html", form=form)
    return render("accounts/reset_request.html", form=form)


@bp.get("/reset/sent")
def reset_sent():
    return render("accounts/reset_sent.html")


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(IP_LIMIT, methods=["POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    if len(token) > 128 or not service.reset_token_is_valid(db.session, token):
        return render("accounts/reset_invalid.html", status=404 if request.method in ("GET", "HEAD") else 400)
    if form.validate_on_submit():
        try:
            user = service.reset_password(db.session, token, form.password.data)
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            _end_every_session(user)
            _start_session(user, remember=False)
            flash("Your password is reset and you are signed in.", "success")
            return redirect_to(url_for("accounts.profile"))
    if form.is_submitted():
        return _invalid("accounts/reset_password.html", form=form, token=token)
    return render("accounts/reset_password.html", form=form, token=token)


@bp.route("/verify/<token>", methods=["GET", "POST"])
@limiter.limit(IP_LIMIT, methods=["POST"])
def verify_email(token: str):
    """A verification link opens a page with one button, so a mail scanner fetching the link
    changes nothing; the button proves the address."""
    form = VerifyForm()
    signed_in = current_user.id if current_user.is_authenticated else None
    try:
        if form.validate_on_submit():
            user = verification.verify(db.session, token, signed_in)
            flash(f"Thank you: {user.email} is confirmed.", "success")
            return redirect_to(url_for("accounts.profile") if signed_in else url_for("menu.home"))
        verification.check(db.session, token, signed_in)
    except RuleViolation as violation:
        reason = violation.reasons[0][1]
        return render("accounts/verify.html", "form", form=form, token=token, refused=reason,
                      status=404 if request.method in ("GET", "HEAD") else 422)
    if form.is_submitted():  # the CSRF token expired: the same page again, nothing written
        return render("accounts/verify.html", "form", form=form, token=token, refused=None, status=422)
    return render("accounts/verify.html", form=form, token=token, refused=None)


@bp.post("/verify")
@login_required
@limiter.limit(IP_LIMIT)
def resend_verification():
    form = VerifyForm()
    if not form.validate_on_submit():
        flash("That form had expired, so nothing was sent. Please try again.", "error")
        return redirect_to(url_for("accounts.profile"))
    links = _verify_links()
    try:
        verification.resend(db.session, current_user._get_current_object(), link_for=links.link_for,
                            store_name=links.store_name)
    except RuleViolation as violation:
        flash(violation.reasons[0][1], "info")
    else:
        flash(f"We have sent a new link to {current_user.email}. Earlier links no longer work.", "success")
    return redirect_to(url_for("accounts.profile"))


@bp.get("/email-echo")
def email_echo():
    """The checkout's and booking form's "We'll send the confirmation to …" line, for htmx."""
    form = EmailEchoForm(request.args)
    email = form.email.data if form.validate() else None
    return render("accounts/email_echo.html", email=email)
