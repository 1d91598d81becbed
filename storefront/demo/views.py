"""`/dev/emails`: every email rendered with demo data, to look at in a browser. Registered only
when EMAIL_PREVIEWS is on (development and tests), never in production."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template

from ..core import outbox
from .emails import render_sample, render_samples

bp = Blueprint("dev", __name__)

# An email is a document of its own with inline styles: the site's CSP would strip them.
EMAIL_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'"


@bp.get("/emails")
def emails():
    return render_template("dev/emails.html", samples=render_samples())


def _sample(name: str):
    email = render_sample(name)
    if email is None:
        abort(404)
    return email


@bp.get("/emails/<name>.html")
def email_html(name: str):
    response = Response(_sample(name).html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = EMAIL_CSP
    return response


@bp.get("/emails/<name>.txt")
def email_text(name: str):
    return Response(_sample(name).text, mimetype="text/plain")


@bp.get("/emails/<name>.eml")
def email_file(name: str):
    """The whole message as it would be sent (text, HTML and attachments): opens in a mail program."""
    message = outbox.draft_email(to="robin@example.com", email=_sample(name))
    response = Response(bytes(outbox.build_email(message, current_app.config["MAIL_DEFAULT_SENDER"])),
                        mimetype="message/rfc822")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.eml"'
    return response
