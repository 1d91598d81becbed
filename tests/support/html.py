"""Helpers for reading pages in tests: the CSRF token, the Nu HTML checker, and the elements of
a document (with the standard library's parser)."""
from __future__ import annotations

import json
import re
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser

_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"'
                   r'|"X-CSRFToken": "([^"]+)"')


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


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs))
        self.elements.append(element)
        if tag not in VOID_ELEMENTS:
            self._open.append(element)

    def handle_endtag(self, tag):
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


def elements(html: str) -> list[Element]:
    """Every element of `html` in document order, with its attributes and its text."""
    collector = _Collector()
    collector.feed(html)
    return collector.elements
