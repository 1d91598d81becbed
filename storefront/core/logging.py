"""Logging with a request id on every line, also returned as `X-Request-ID`."""
from __future__ import annotations

import logging
import re
import secrets

from flask import Flask, g, has_request_context, request

_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(app: Flask) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger("storefront")
    root.handlers[:] = [handler]
    root.setLevel(app.config["LOG_LEVEL"])
    app.logger.handlers[:] = [handler]
    app.logger.setLevel(app.config["LOG_LEVEL"])

    @app.before_request
    def assign_request_id() -> None:
        # Keep a load balancer's id when it looks like one, so logs line up across hops.
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _INCOMING_ID.match(incoming) else secrets.token_hex(8)

    @app.after_request
    def echo_request_id(response):
        response.headers["X-Request-ID"] = g.get("request_id", "-")
        return response
