"""Destructive actions ask first, with or without JavaScript. The page offers the action behind a
disclosure whose button posts `confirm=yes` (`templates/macros/confirm.html`); a post without it
(an old page, a bare form, a script) acts on nothing and gets the question on a page of its own."""
from __future__ import annotations

from flask import Response, request

from .htmx import render


def confirmed() -> bool:
    return request.form.get("confirm") == "yes"


def ask_first(*, heading: str, question: str, yes: str, no: str, back: str,
              fields: dict[str, str] | None = None) -> Response:
    """The confirmation page for the action just posted to (it posts back to the same address)."""
    return render("confirm.html", heading=heading, question=question, yes=yes, no=no, back=back,
                  action=request.path, fields=fields or {})
