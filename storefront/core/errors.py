"""Friendly error answers: a full page for a browser, a toast fragment for htmx. Never a trace."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..extensions import db
from .htmx import is_htmx, render, set_reswap

log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Something in that request was not right",
          "Please go back, reload the page and try again."),
    403: ("You can't see this page", "Your account does not have access to it."),
    404: ("We couldn't find that page", "It may have moved, or the link may be mistyped."),
    405: ("That can't be done here", "This address does not accept that kind of request."),
    413: ("That was too large", "The upload or form was larger than we accept. Please send something smaller."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: ("Sorry, something went wrong on our side", "We've been told. Please try again in a moment."),
    503: ("Temporarily unavailable", "Part of the site is not answering right now. Please try again shortly."),
}


def error_answer(status: int, title: str | None = None, detail: str | None = None):
    """A friendly error: JSON for API-ish callers, a toast for htmx, a whole page otherwise.
    Features raise or return through this so every error looks and behaves the same."""
    default_title, default_detail = MESSAGES.get(status, MESSAGES[500] if status >= 500 else MESSAGES[400])
    context = {"code": status, "title": title or default_title, "detail": detail or default_detail}
    if request.path == "/healthz" or request.accept_mimetypes.best == "application/json":
        return jsonify(error=context["title"], status=status), status
    if is_htmx():
        # Shown as a toast wherever the request came from; the caller's target stays intact.
        response = render("errors/error.html", "toast", status=status, **context)
        response.headers["HX-Retarget"] = "#toasts"
        return set_reswap(response, "beforeend")
    return render("errors/error.html", status=status, **context)


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        from .health import redis_ok

        if not redis_ok():
            # The form's token lives in the session, which lives in Redis: the form is fine.
            return error_answer(503, "Temporarily unavailable",
                                "We can’t keep track of your visit just now, so nothing was saved. "
                                "Please try again in a minute.")
        return error_answer(400, "This form has expired",
                       "For your security, forms time out. Please reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        detail = None
        if error.code == 429:
            # A limit with its own message (see accounts' sign-in back-off) says it as it is.
            limit = getattr(error, "limit", None)
            detail = error.description if limit is not None and limit.error_message else \
                f"Please wait a little before trying again (limit: {error.description})."
        return error_answer(error.code, detail=detail)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        # Leave the session clean for the next request on this thread.
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, request.path)
        return error_answer(InternalServerError.code)
