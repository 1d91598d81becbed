"""What the URL-map tests need: every route built from its rule, the forms and links a page
offers read with a parser, and the catalogue of hostile values."""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlsplit

import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from werkzeug.routing import Rule

from storefront.extensions import db

# Each value once in each field; together they cover what probing the shop found: NUL and other
# control characters, bidi overrides and isolates, invisible-only text, 10 KB strings, unicode
# digits, negative and huge numbers, dates in year 1 and 9999, malformed ids and wrong types.
HOSTILE_VALUES: list[object] = [
    "a\x00b",
    "\x1b[31mred",
    "line\x85next",
    "\u202eevil.exe",
    "\u200b\u200b",
    "x" * 10_000,
    "²",
    "①",
    "٣",
    "-1",
    "2147483648",
    "99999999999999999999999999",
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59Z",
    "0001-01-01T00:00+01:00",
    "",
    ["1", "two"],  # a list where one value is expected
    "FILE",  # a file upload where text is expected
    "JSON",  # the whole form as a JSON body, this field an object
]

HOSTILE_PATH_VALUES = [value for value in HOSTILE_VALUES
                       if isinstance(value, str) and value not in ("", "FILE", "JSON")] + ["0", "%2F", ".."]

MARKER_INT = 987654321
MARKER_TEXT = "sweepmarker"


def hostile_form_value(value: object):
    if value == "FILE":
        return (io.BytesIO(b"\x00\xff not what you expected"), "x.txt")
    return value


def value_label(value: object) -> str:
    text = repr(value)
    return text if len(text) < 40 else text[:30] + f"…({len(text)} chars)"


@dataclass(frozen=True)
class Route:
    rule: Rule

    @property
    def endpoint(self) -> str:
        return self.rule.endpoint

    @property
    def methods(self) -> list[str]:
        return sorted(self.rule.methods - {"HEAD", "OPTIONS"})

    @property
    def blueprint(self) -> str:
        return self.endpoint.rsplit(".", 1)[0] if "." in self.endpoint else ""

    def is_int(self, argument: str) -> bool:
        return type(self.rule._converters[argument]).__name__.lower().startswith(("int", "id"))


def routes(app: Flask) -> list[Route]:
    return [Route(rule) for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))]


class Builder:
    """Builds a route's address from known valid argument values. `values` maps an argument name,
    or (blueprint, name) where two blueprints use one name for different things, to a value."""

    def __init__(self, app: Flask, values: dict):
        self.app = app
        self.values = values

    def value_for(self, route: Route, argument: str):
        for key in ((route.blueprint, argument), argument):
            if key in self.values:
                return self.values[key]
        raise LookupError(f"the sweep does not know a valid <{argument}> for {route.rule.rule} "
                          f"({route.endpoint}): add one to the sweep's valid arguments")

    def url(self, route: Route, **overrides) -> str:
        arguments = {name: overrides.get(name, self.value_for(route, name)) for name in route.rule.arguments}
        with self.app.test_request_context():
            return self.app.url_for(route.endpoint, **arguments)

    def hostile_url(self, route: Route, argument: str, value: str) -> str:
        """The valid address with one argument replaced by `value`, percent-encoded as a browser
        would send it (url_for would refuse to build it at all)."""
        marker = MARKER_INT if route.is_int(argument) else MARKER_TEXT
        url = self.url(route, **{argument: marker})
        return url.replace(str(marker), quote(value, safe=""), 1)


@dataclass
class PageForm:
    """A form as a browser would send it: its fields' current values, and its buttons."""

    method: str
    action: str
    fields: dict[str, list[str]]
    kinds: dict[str, str]
    buttons: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> tuple:
        return self.method, urlsplit(self.action).path, tuple(sorted(self.fields))


def forms_in(html: str, page_url: str) -> list[PageForm]:
    found = []
    for element in BeautifulSoup(html, "html.parser").find_all("form"):
        method = (element.get("method") or "get").upper()
        action = element.get("action") or page_url
        values: dict[str, list[str]] = {}
        kinds: dict[str, str] = {}
        buttons = []
        for control in element.find_all(["input", "select", "textarea", "button"]):
            name = control.get("name")
            if not name:
                continue
            kind = control.name if control.name != "input" else (control.get("type") or "text").lower()
            if kind in ("submit", "button") or control.name == "button":
                buttons.append((name, control.get("value", "")))
                continue
            kinds.setdefault(name, kind)
            bucket = values.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                if control.has_attr("checked"):
                    bucket.append(control.get("value", "on"))
            elif kind == "select":
                chosen = control.find("option", selected=True) or control.find("option")
                if chosen is not None:
                    bucket.append(chosen.get("value", chosen.get_text()))
            elif kind == "textarea":
                bucket.append(control.get_text())
            else:
                bucket.append(control.get("value", ""))
        found.append(PageForm(method, action, values, kinds, buttons))
    return found


def radio_choices(html: str, name: str) -> list[str]:
    page = BeautifulSoup(html, "html.parser")
    return [i.get("value", "") for i in page.find_all("input", attrs={"name": name})]


def links_in(html: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Same-site links with a query string: the query parameters the site itself hands out."""
    found = []
    for anchor in BeautifulSoup(html, "html.parser").find_all("a", href=True):
        parts = urlsplit(anchor["href"])
        if parts.netloc or not parts.path.startswith("/") or not parts.query:
            continue
        found.append((parts.path, parse_qsl(parts.query, keep_blank_values=True)))
    return found


class RowCounter:
    """How many rows every table has, in one statement, on a connection of its own that commits
    each statement (so it holds no lock or snapshot between requests)."""

    def __init__(self):
        self.connection = db.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        self.statement = sa.select(*(sa.select(sa.func.count()).select_from(table).scalar_subquery()
                                     for table in db.metadata.sorted_tables))

    def __call__(self) -> tuple[int, ...]:
        return tuple(self.connection.execute(self.statement).one())

    def close(self) -> None:
        self.connection.close()
