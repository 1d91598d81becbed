"""Links in review invitations. A visit link carries a signed token naming the booking or
order, so a diner who booked without signing in can still tie their review to that visit once
they sign in; the token opens nothing else, and expires."""
from __future__ import annotations

from flask import current_app, has_request_context, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer

INVITE_MAX_AGE = 60 * 24 * 3600  # an invitation is good for 60 days
KINDS = ("reservation", "order")


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="review-invite")


def invite_token(kind: str, visit_id: int) -> str:
    return _serializer().dumps([kind, visit_id])


def read_invite(token: str | None) -> tuple[str, int] | None:
    """(kind, id) from a token, or None when it is missing, forged, malformed or too old."""
    if not token or len(token) > 200:
        return None
    try:
        kind, visit_id = _serializer().loads(token, max_age=INVITE_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    if kind not in KINDS or not isinstance(visit_id, int):
        return None
    return kind, visit_id


def _external(endpoint: str, **values) -> str:
    """An absolute link on the public address, from a request, a CLI command or a test."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    if has_request_context():
        return base + url_for(endpoint, **values)
    with current_app.test_request_context("/"):
        return base + url_for(endpoint, **values)


def visit_link(kind: str, visit_id: int) -> str:
    return _external("reviews.index", invite=invite_token(kind, visit_id), _anchor="write-review")


def product_link(slug: str) -> str:
    return _external("menu.product", slug=slug, _anchor="write-review")
