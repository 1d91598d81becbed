"""Pages that are the same for every signed-out visitor (home, menu, search, product pages, the
table finder, the cake price summary) rendered once and served from memory with the visitor's
own parts filled in.

A page is kept in each process under:
- its address (path and query) and the htmx headers that choose a fragment;
- the Redis versions (`core.cache`) of the tables it shows, so a committed write — a staff
  edit, a stock claim, a new review or booking — renews it in every process at once;
- the store's clock to the minute (`PAGE_CACHE_SECONDS`), since "open now", today's times and
  "sold out today" move with it.

What differs between visitors is never kept: the kept page has holes (HTML comments, which no
escaped text can contain) where the CSRF token, the cart badge and the cart bar go, and they are
filled for each request. Only visitors who are signed out and have nothing one-shot waiting
(a flash message, an "added" note) are served this way; everyone else gets the page rendered
for them as before. The answer stays `private, no-store`: it carries the visitor's token.
"""
from __future__ import annotations

import functools
from collections import OrderedDict
from collections.abc import Callable

from flask import Response, current_app, g, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from .cache import versions
from .compression import compressed_for_request
from .sessions import may_be_signed_in

# Tables every page's layout reads: the shop's name and address, today's hours, closures, the
# ordering switch, the categories in the nav.
LAYOUT_TABLES = ("store_settings", "opening_periods", "closures", "ordering_rules", "categories")
# What a card shows (menu.cards caches the same).
CATALOGUE_TABLES = ("products", "product_diets", "product_allergens", "review_summaries", "categories")

CSRF_HOLE = "<!--visitor:csrf-->"
# Parts of the layout filled in for each visitor: name -> (template, what the part depends on).
_PARTS: dict[str, tuple[str, Callable[[], object]]] = {}
MAX_PARTS = 500
# Session keys that make a page one visitor's own until they are shown once.
ONE_SHOT_KEYS = ("_flashes", "cart_added")
# htmx headers that pick a fragment or change the answer's headers.
HTMX_HEADERS = ("HX-Request", "HX-Boosted", "HX-History-Restore-Request", "HX-Target", "HX-Trigger",
                "HX-Trigger-Name")
KEPT_STATUSES = (200, 422)
MAX_PAGES = 300  # per process; each is a few tens of KB
# A kept page's key holds its address: a longer one (no link or form of the shop makes one) is
# rendered for its request and not kept, so MAX_PAGES bounds the memory whatever is sent.
MAX_KEPT_ADDRESS = 2048
_DROPPED_HEADERS = ("Content-Length", "Set-Cookie")


def hole(name: str) -> Markup:
    return Markup(f"<!--visitor:{name}-->")


def holes_open() -> bool:
    """True while a page is being rendered to be kept (templates leave holes instead)."""
    return g.get("page_holes", False)


def csrf_token_or_hole() -> str:
    """The templates' `csrf_token()`: the visitor's token, or its hole in a kept page."""
    return Markup(CSRF_HOLE) if holes_open() else generate_csrf()


def _pages() -> OrderedDict:
    return current_app.extensions.setdefault("page_cache", OrderedDict())


def _shareable() -> bool:
    if request.method not in ("GET", "HEAD") or not current_app.config.get("PAGE_CACHE_SECONDS"):
        return False
    if any(key in session for key in ONE_SHOT_KEYS):
        return False
    return not may_be_signed_in() or not current_user.is_authenticated


def _minute() -> int:
    from ..store import current  # the clock the pages themselves read (tests may set it)

    return int(current.utcnow().timestamp() // current_app.config["PAGE_CACHE_SECONDS"])


def visitor_part(name: str, template: str, depends_on: Callable[[], object]) -> None:
    """Declare a part of the layout that differs between visitors (`{{ visitor_hole(name) }}` in
    a template). `depends_on()` returns, for this request, everything the part shows besides the
    page's address (the cart's count and total, say): the part is rendered once per value."""
    _PARTS[name] = (template, depends_on)


def _part(name: str) -> str:
    template, depends_on = _PARTS[name]
    parts = current_app.extensions.setdefault("page_parts", OrderedDict())
    key = (name, request.endpoint, depends_on(), versions(("store_settings",)))  # currency, locale
    if key not in parts:
        parts[key] = render_template(template)
        while len(parts) > MAX_PARTS:
            parts.popitem(last=False)
    return parts[key]


def _fill(body: str) -> str:
    if CSRF_HOLE in body:
        body = body.replace(CSRF_HOLE, generate_csrf())
    for name in _PARTS:
        marker = hole(name)
        if marker in body:
            body = body.replace(marker, _part(name))
    return body


def _answer(status: int, body: str, headers: list[tuple[str, str]], variants: dict | None) -> Response:
    if variants is None:  # it has holes: filled, then compressed like any answer
        return Response(_fill(body), status, headers=headers)
    # The same for everyone (an htmx fragment with no form): compressed once per encoding.
    data, encoding = compressed_for_request(variants.setdefault("identity", body.encode()), variants)
    response = Response(data, status, headers=headers)
    if encoding:
        response.headers["Content-Encoding"] = encoding
        response.vary.add("Accept-Encoding")
    return response


def shared_page(*tables: str) -> Callable:
    """Serve the view's answer from the page cache for signed-out visitors. `tables`: what the
    page shows beyond the layout (LAYOUT_TABLES are always included)."""
    watched = tuple(dict.fromkeys((*LAYOUT_TABLES, *tables)))

    def decorate(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if not _shareable() or len(request.full_path) > MAX_KEPT_ADDRESS:
                return view(*args, **kwargs)
            version = versions(watched)
            if version is None:  # Redis is not answering: nothing can be kept safely
                return view(*args, **kwargs)
            key = (request.endpoint, request.full_path, tuple(request.headers.get(h) for h in HTMX_HEADERS),
                   version, _minute())
            pages = _pages()
            kept = pages.get(key)
            if kept is not None:
                pages.move_to_end(key)
                return _answer(*kept)
            # Flask-Login's first look at a session may mark it (`_fresh`): taken before the
            # render's own changes to the session are watched.
            current_user._get_current_object()
            g.page_holes, had_token, keys_before = True, "csrf_token" in g, set(session)
            try:
                response = current_app.make_response(view(*args, **kwargs))
            finally:
                g.page_holes = False
            if response.is_streamed or response.direct_passthrough:
                return response
            body = response.get_data(as_text=True)
            kept = (response.status_code, body,
                    [(k, v) for k, v in response.headers.items() if k not in _DROPPED_HEADERS],
                    {} if response.status_code == 200 and response.mimetype == "text/html"
                    and "<!--visitor:" not in body else None)
            # A page that asked for the visitor's token or wrote to their session is theirs alone.
            personal = ("csrf_token" in g and not had_token) or set(session) != keys_before
            if personal:
                current_app.logger.warning("page cache: %s is personal, not kept", request.endpoint)
            elif response.status_code in KEPT_STATUSES:
                pages[key] = kept
                while len(pages) > MAX_PAGES:
                    pages.popitem(last=False)
            return _answer(*kept)

        return wrapper

    return decorate


def clear() -> None:
    """Forget every kept page of this process (after writes the cache could not see)."""
    _pages().clear()


def init_page_cache(app) -> None:
    # Flask-WTF registers its own `csrf_token`; the pages' one leaves a hole while being kept.
    app.jinja_env.globals["csrf_token"] = csrf_token_or_hole
    app.context_processor(lambda: {"csrf_token": csrf_token_or_hole})
    app.jinja_env.globals.update(holes_open=holes_open, visitor_hole=hole)
