"""Helpers for reading pages in tests: the CSRF token, and the Nu HTML checker."""
from __future__ import annotations

import json
import re
import urllib.request

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
                   r'|"X-CSRFToken": "([^"]+)"')


def text(response) -> str:
    """A test client response's body as text."""
    return response.get_data(as_text=True)


def csrf_from(html: str | bytes) -> str:
    text = html.decode() if isinstance(html, bytes) else html
    match = _CSRF.search(text)
    assert match, "no csrf_token field in the page"
    return match.group(1) or match.group(2) or match.group(3)


class NuChecker:
    """Client of a running Nu HTML checker (vnu.jar's HTTP service)."""

    def __init__(self, url: str):
        self.url = url

    def errors(self, html: str | bytes) -> list[dict]:
        body = html.encode() if isinstance(html, str) else html
        request = urllib.request.Request(self.url + "?out=json", data=body, method="POST",
                                         headers={"Content-Type": "text/html; charset=utf-8"})
        with urllib.request.urlopen(request, timeout=60) as response:
            messages = json.load(response)["messages"]
        return [m for m in messages if m.get("type") == "error"
                or (m.get("type") == "non-document-error")]

    def assert_valid(self, html: str | bytes, where: str = "page") -> None:
        errors = self.errors(html)
        assert not errors, f"HTML errors in {where}:\n" + "\n".join(
            f"  line {e.get('lastLine')}: {e['message']}  «{e.get('extract', '').strip()}»" for e in errors)
