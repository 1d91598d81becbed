"""One way to answer both kinds of request: a page defines named blocks; a normal request gets
the whole page, an htmx request gets only the block it asked for. Markup exists once."""
from __future__ import annotations

from flask import Response, render_template, request
from htmx_flask import make_response
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """A request that wants a fragment (htmx, but not a boosted page load or a history restore)."""
    hx = getattr(request, "htmx", None)
    return bool(hx) and not hx.boosted and not hx.history_restore_request


def render(template: str, block: str | None = None, *, status: int = 200, **context) -> Response:
    """Render the whole page, or only `block` of it for htmx. Always `Vary: HX-Request`, so a
    cache never hands a fragment to a full-page visit."""
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def set_reswap(response: Response, swap: str) -> Response:
    """Set HX-Reswap directly. htmx-flask 0.1.0's `reswap=` checks against a list with a missing
    comma ("beforebegin" "afterbegin" run together), so it rejects `beforebegin`, `afterbegin`
    and every value with modifiers such as `innerHTML show:top`; htmx itself accepts them."""
    response.headers["HX-Reswap"] = swap
    return response


def redirect_to(location: str) -> Response:
    """Post/redirect/get for both kinds of request: 303 for a plain form, `HX-Redirect` for htmx
    (the browser would follow a 303 inside the XHR and swap a whole page into the target)."""
    if is_htmx():
        return make_response("", 200, redirect=location)
    response = make_response("", 303)
    response.headers["Location"] = location
    return response
