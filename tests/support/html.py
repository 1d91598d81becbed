"""Reading pages in tests with a real HTML parser (never attribute-order regexes), and the Nu
HTML checker. Every helper takes a page or fragment as text, bytes or a test-client response."""
from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode

from bs4 import BeautifulSoup, Tag


def soup(html) -> Tag:
    if isinstance(html, Tag):
        return html
    if hasattr(html, "get_data"):
        html = html.get_data(as_text=True)
    if isinstance(html, bytes):
        html = html.decode()
    return BeautifulSoup(html, "html.parser")


def text_of(node: Tag) -> str:
    """The text a person reads in an element, whitespace collapsed."""
    return " ".join(node.get_text(" ").split())


def page_text(html) -> str:
    """All the text of a page or fragment, entities decoded and whitespace collapsed."""
    return text_of(soup(html))


def texts(html, selector: str) -> list[str]:
    """The text of every element matching a CSS selector, in page order."""
    return [text_of(node) for node in soup(html).select(selector)]


def one(html, selector: str) -> Tag:
    """The one element matching a CSS selector (fails when there is none or several)."""
    found = soup(html).select(selector)
    assert len(found) == 1, f"{len(found)} elements match {selector!r}"
    return found[0]


def hidden_value(html, name: str) -> str:
    field = soup(html).select_one(f'input[type="hidden"][name="{name}"]')
    assert field is not None, f"no hidden {name} field"
    return field.get("value", "")


def csrf_from(html) -> str:
    """The CSRF token, from a form's field or else from the htmx headers on <body>."""
    page = soup(html)
    field = page.select_one('input[name="csrf_token"]')
    if field is not None:
        return field["value"]
    body = page.select_one("body[data-hx-headers]")
    assert body is not None, "no csrf_token field in the page"
    return json.loads(body["data-hx-headers"])["X-CSRFToken"]


def field_errors(html) -> dict[str, str]:
    """The message beside each field, by field id, in page order (without the hidden "Error:")."""
    errors = {}
    for node in soup(html).select(".field-error"):
        shown = [part for part in node.find_all(string=True) if not part.find_parent(class_="visually-hidden")]
        errors[node["id"].removesuffix("-error")] = " ".join(" ".join(shown).split())
    return errors


def links(html, selector: str = "a[href]", *, starting: str = "") -> list[str]:
    """The href of every matching link whose address starts with `starting`, entities decoded."""
    return [a["href"] for a in soup(html).select(selector) if a.get("href", "").startswith(starting)]


def get_form_addresses(html, selector: str = 'form[method="get"]', *, starting: str = "") -> list[str]:
    """The address each named button of a GET form opens (its own name=value first, then the
    form's hidden inputs), as a link would carry it, for those starting with `starting`."""
    addresses = []
    for node in soup(html).select(selector):
        hidden = [(i["name"], i.get("value", "")) for i in node.select('input[type="hidden"][name]')]
        for button in node.select("button[name]"):
            query = urlencode([(button["name"], button.get("value", "")), *hidden], safe=":")
            address = f"{node.get('action', '')}?{query}"
            if address.startswith(starting):
                addresses.append(address)
    return addresses


def form(html, selector: str = "form") -> dict[str, str]:
    """What a browser would send for the first matching form as it stands: its inputs (checked
    boxes and radios only), each select's chosen option and its text areas. Buttons are left out."""
    node = soup(html).select_one(selector)
    assert node is not None, f"no form matches {selector!r}"
    data: dict[str, str] = {}
    for field in node.select("input[name], select[name], textarea[name]"):
        name, kind = field["name"], field.get("type", "text")
        if field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            data[name] = chosen.get("value", chosen.get_text()) if chosen else ""
        elif field.name == "textarea":
            data[name] = field.get_text()
        elif kind in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif kind not in ("submit", "button", "image", "reset", "file"):
            data[name] = field.get("value", "")
    return data


def json_ld(html) -> dict:
    node = soup(html).select_one('script[type="application/ld+json"]')
    assert node is not None, "no JSON-LD in the page"
    return json.loads(node.string)


def text(response) -> str:
    """A test client response's body as text."""
    return response.get_data(as_text=True)


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



@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


def elements(html) -> list[Element]:
    """Every element of `html` in document order, with its attributes (class as one string, as
    written) and its text."""
    return [Element(node.name, {k: " ".join(v) if isinstance(v, list) else v for k, v in node.attrs.items()},
                    node.get_text()) for node in soup(html).find_all(True)]
