"""Absolute links for emails: the site's public address (PUBLIC_URL) plus the route's path, so
a link in a message reaches the site whichever host or proxy the request came through."""
from __future__ import annotations

from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/") + url_for(endpoint, **values)
