"""Who may use the back office, and for how long.

- Every `/staff` request passes `guard` first, so a new route is protected without remembering
  to decorate it: a guest is sent to sign in (and back), a customer gets the friendly 403 page.
- A staff member's session ends after `STAFF_IDLE_MINUTES` without a request. The last request's
  time is kept in the session itself, so this works whatever stores the session; a session that
  has no such time (restored from a "remember me" cookie) counts as expired."""
from __future__ import annotations

import time

from flask import abort, current_app, flash, request, session
from flask_login import current_user, logout_user, user_logged_in

from ..core.sessions import may_be_signed_in
from ..extensions import login_manager
from . import bp

LAST_SEEN = "staff_last_seen"


@bp.before_request
def guard():
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if not current_user.is_staff:
        abort(403)
    return None


def _idle_limit() -> float:
    return current_app.config["STAFF_IDLE_MINUTES"] * 60


@bp.before_app_request
def expire_idle_staff():
    if request.endpoint == "static" or not may_be_signed_in():
        return
    if not current_user.is_authenticated or not current_user.is_staff:
        return
    now = time.time()
    last = session.get(LAST_SEEN)
    if not isinstance(last, (int, float)) or now - last > _idle_limit():
        logout_user()
        session.clear()
        flash("You were signed out after a while without activity. Please sign in again.", "info")
        return
    session[LAST_SEEN] = now


@user_logged_in.connect
def _stamp_sign_in(app, user, **extra):
    # Stamped for everyone (a customer's stamp is never read): the user handed in may be the
    # current_user proxy itself, which must not be touched while it is being replaced.
    session[LAST_SEEN] = time.time()
