"""The one input layer: which characters the shop accepts, and the URL rules that apply it to
every path and query parameter before a view runs. Forms apply the same rules to their fields
(core.forms). PostgreSQL refuses NUL in text and integers past its column range with an error,
so anything that could reach the database is checked here first.

The rules:
- control characters (Unicode category Cc: NUL, ESC, DEL, the C1 range …) are refused, except
  tab and line breaks in multi-line text;
- bidi embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069) are refused
  everywhere: they make text display differently from what it is ("Trojan Source"). The bidi
  *marks* (LRM, RLM, ALM) are harmless and needed in some names, so they stay;
- text made only of characters that show nothing (spaces, zero-width and format characters,
  combining marks on their own, the Hangul fillers) counts as empty.
"""
from __future__ import annotations

import re
import unicodedata

from flask import Flask, request
from werkzeug.routing import IntegerConverter, PathConverter, UnicodeConverter, ValidationError

from .errors import error_answer

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_CHARACTERS = frozenset("\t\n\r")
# Letters and symbols that draw nothing, used to fake an empty name.
BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me"})
# Integer primary keys are PostgreSQL `integer`s.
MAX_ID = 2**31 - 1


def is_refused(ch: str, *, multiline: bool = False) -> bool:
    if ch in BIDI_CONTROLS:
        return True
    if multiline and ch in LINE_CHARACTERS:
        return False
    # Cs: a lone surrogate, which no encoder (nor the database) accepts.
    return unicodedata.category(ch) in ("Cc", "Cs")


# `is_refused` as one pattern, for whole strings (every query parameter and form field): Cc is
# exactly U+0000–U+001F and U+007F–U+009F, Cs the surrogates U+D800–U+DFFF.
_BIDI = "".join(sorted(BIDI_CONTROLS))
_REFUSED = re.compile(f"[\x00-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")
_REFUSED_MULTILINE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff{_BIDI}]")


def has_refused(text: str, *, multiline: bool = False) -> bool:
    return (_REFUSED_MULTILINE if multiline else _REFUSED).search(text) is not None


def without_refused(text: str, *, multiline: bool = False) -> str:
    return "".join(ch for ch in text if not is_refused(ch, multiline=multiline))


def is_blank(text: str) -> bool:
    """True when `text` would show nothing: empty, or only invisible characters."""
    return all(ch in BLANK_GLYPHS or unicodedata.category(ch) in INVISIBLE_CATEGORIES for ch in text)


class SafeStringConverter(UnicodeConverter):
    """The default `<name>` converter, refusing what the input rules refuse: such a path matches
    no route, so the visitor gets the friendly 404 and the value never reaches a view."""

    def to_python(self, value: str) -> str:
        if has_refused(value):
            raise ValidationError()
        return value


class SafePathConverter(PathConverter):
    """`<path:…>` (static files) under the same rule."""

    def to_python(self, value: str) -> str:
        if has_refused(value):
            raise ValidationError()
        return value


class IdConverter(IntegerConverter):
    """`<int:id>` for database ids: ASCII digits only (`\\d` would take "٣"), and at most the
    column's largest value, so an id the database can't even compare is a 404, not a 500."""

    regex = r"[0-9]+"

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002 - werkzeug's names
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def refuse_unreadable_query():
    """A query string with refused characters gets a 400 page before any view reads it."""
    if any(has_refused(key) or has_refused(value) for key, value in request.args.items(multi=True)):
        return error_answer(400, "We couldn't read that address",
                            "It contains characters we don't accept. Please check the link and try again.")
    return None


def init_input_rules(app: Flask) -> None:
    """Call before any blueprint is registered: rules pick their converters when they are added."""
    app.url_map.converters.update(default=SafeStringConverter, string=SafeStringConverter, path=SafePathConverter,
                                  int=IdConverter)
    app.before_request(refuse_unreadable_query)
