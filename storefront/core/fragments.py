"""Parts of a page rendered once per what they show, and kept in each process.

A template wraps a part in `{% call kept("name", key) %}…{% endcall %}`; the view computes `key`
from everything the part shows (its values, choices, wording, the shop's locale…), so the part's
HTML is a pure function of the key and a change is seen at once: it is a new key. A key of None
means "render it afresh" (a part showing errors, or what someone typed, is never kept).

Nothing of a visitor's own is kept: a part with forms (`with_token=True`) is kept with a hole
where the CSRF token goes (as `core.pagecache` keeps pages), filled with this visitor's token on
the way out, or left for the page cache to fill when the whole page is being kept.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app, g
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .pagecache import CSRF_HOLE, holes_open

MAX_FRAGMENTS = 500  # per process; each is a few KB at most


def _store() -> OrderedDict:
    return current_app.extensions.setdefault("kept_fragments", OrderedDict())


def _render(caller: Callable[[], str], with_token: bool) -> Markup:
    if not with_token or holes_open():
        return Markup(caller())
    g.page_holes = True  # the templates' csrf_token() leaves its hole
    try:
        return Markup(caller())
    finally:
        g.page_holes = False


def kept(name: str, key: Hashable | None, with_token: bool = False, *, caller: Callable[[], str]) -> Markup:
    """The part `caller` renders, kept under (name, key); rendered afresh when `key` is None, and
    while templates reload themselves (development), so an edited template shows at once."""
    if key is None or current_app.jinja_env.auto_reload:
        return Markup(caller())
    store, full_key = _store(), (name, key)
    html = store.get(full_key)
    if html is None:
        html = store[full_key] = _render(caller, with_token)
        while len(store) > MAX_FRAGMENTS:
            store.popitem(last=False)
    else:
        store.move_to_end(full_key)
    if with_token and not holes_open():
        return Markup(str.replace(html, CSRF_HOLE, generate_csrf()))  # Markup.replace would escape the hole
    return html


def init_fragments(app) -> None:
    app.jinja_env.globals["kept"] = kept
