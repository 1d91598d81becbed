"""Flask-Login wiring: the cookie names a user id and that user's session nonce."""
from __future__ import annotations

from functools import wraps

from flask import Flask, abort
from flask_login import current_user, login_required

from ..extensions import db, login_manager
from .models import User


def init_login(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    # "basic" marks a restored session non-fresh rather than dropping it when the IP changes,
    # which phones do all the time.
    login_manager.session_protection = "basic"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    raw_id, _, nonce = user_id.partition(":")
    if not raw_id.isdigit() or not nonce:
        return None
    user = db.session.get(User, int(raw_id))
    if user is None or user.session_nonce != nonce or not user.is_active:
        return None
    return user


def staff_required(view):
    """For the back office: a visitor who is not signed in is sent to sign in (and back); a
    signed-in customer gets the friendly 403 page, which says nothing about what is behind it."""
    @wraps(view)
    @login_required
    def guarded(*args, **kwargs):
        if not current_user.is_staff:
            abort(403)
        return view(*args, **kwargs)

    return guarded
