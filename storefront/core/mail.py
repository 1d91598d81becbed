"""Emails from templates: each email is a pair, `templates/emails/<name>.txt` (the plain-text
part) and `<name>.html` (its HTML alternative), both extending the shared email layout.

Mail programs drop `<style>` sheets or parts of them, so the layout's stylesheet
(`emails/_style.css`) is inlined into each element's `style` attribute by css-inline. Media
queries cannot be inlined: `emails/_media.css` stays a `<style data-css-inline="keep">` block,
with the small-screen and dark-mode rules for the programs that read it."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import css_inline
from flask import render_template

# No remote stylesheets (an email is rendered offline); custom properties resolved, since few
# mail programs know them.
_INLINER = css_inline.CSSInliner(resolve_css_variables=True, load_remote_stylesheets=False)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # a MIME type, with parameters if any: "text/calendar; method=PUBLISH"
    content: bytes


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str | None = None
    attachments: tuple[Attachment, ...] = ()


def inline_css(html: str) -> str:
    return _INLINER.inline(html)


def render_email(template: str, *, subject: str, attachments: Sequence[Attachment] = (), **context) -> Email:
    """Both parts of `emails/<template>`. Needs an application context (a request is not needed);
    the templates get what every page gets (the shop as `store`, the money filter) plus `context`."""
    context["subject"] = subject
    text = render_template(f"emails/{template}.txt", **context)
    html = inline_css(render_template(f"emails/{template}.html", **context))
    return Email(subject=subject, text=text, html=html, attachments=tuple(attachments))
