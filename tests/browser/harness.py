"""What the browser journeys share: the live server, a watch on every page for console errors
and CSP violations, and `check_page` (Nu HTML checker + axe-core on what the user sees)."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urldefrag

from playwright.sync_api import Browser, Page, Response, Route, expect

PROJECT_ROOT = Path(__file__).resolve().parents[2]
AXE_PATH = "/__test__/axe.min.js"
AXE_FILE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"


# --------------------------------------------------------------------------------------------
# Live server
# --------------------------------------------------------------------------------------------

class AxeAssetMiddleware:
    """Answers GET /__test__/axe.min.js with axe-core from node_modules and hands every other
    request to the app. The CSP allows only same-origin scripts, so axe is injected from our
    own origin and the journeys run with the real CSP (no bypass_csp).

    Flask refuses `add_url_rule` once the session app has served a request (other test modules
    share it), so instead of registering a route this wraps the app at the WSGI level. The
    wrapper is handed to the live server only: the shared `app` object (and every test client
    built from it) is left untouched."""

    def __init__(self, app, axe_file: Path = AXE_FILE):
        self.app = app
        self.axe = axe_file.read_bytes()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") == AXE_PATH and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            start_response("200 OK", [
                ("Content-Type", "text/javascript; charset=utf-8"),
                ("Content-Length", str(len(self.axe))),
                ("Cache-Control", "max-age=3600"),
            ])
            return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [self.axe]
        return self.app(environ, start_response)


# --------------------------------------------------------------------------------------------
# Watching a page
# --------------------------------------------------------------------------------------------

_FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of (\d{3})")
# Answers the app gives on purpose (422 for a form with errors, 404 for an expired link …) to a
# page load or an htmx request. Chromium logs each as "Failed to load resource", but they are
# not page errors: the journey asserts what the user sees instead. A 4xx for a stylesheet,
# script, image or font, and any 5xx, is a defect.
_APP_ANSWER_TYPES = {"document", "xhr", "fetch"}

_WATCHES: dict[int, PageWatch] = {}


class PageWatch:
    """Listens to one page: console errors (Chromium reports CSP violations there), uncaught
    exceptions, failed sub-resources; and keeps the last document the server sent."""

    def __init__(self, page: Page, *, js_enabled: bool, base_url: str, label: str = "",
                 auditor: JsAuditor | None = None):
        self.page = page
        self.auditor = auditor
        self.js_enabled = js_enabled
        self.base_url = base_url
        self.label = label
        self.problems: list[str] = []
        self._status_logs: list[tuple[str, int, str]] = []
        self._answers: dict[tuple[str, int], set[str]] = {}
        self.document: Response | None = None
        self._document_body: bytes | None = None
        self.document_validated = False  # the last document went through the Nu checker
        self.htmx_swapped = False  # an htmx answer arrived after the last document
        self._listeners = [("console", self._on_console), ("pageerror", self._on_pageerror),
                           ("response", self._on_response), ("requestfailed", self._on_requestfailed)]
        for event, listener in self._listeners:
            page.on(event, listener)
        _WATCHES[id(page)] = self

    def _on_console(self, message) -> None:
        if message.type != "error":
            return
        url = (message.location or {}).get("url", "")
        match = _FAILED_LOAD.match(message.text)
        if match:
            self._status_logs.append((url, int(match.group(1)), message.text))
        else:
            self.problems.append(f"console error: {message.text} (at {url or 'unknown'})")

    def _on_pageerror(self, error) -> None:
        self.problems.append(f"uncaught exception: {error}")

    def _on_response(self, response: Response) -> None:
        request = response.request
        kind = request.resource_type
        self._answers.setdefault((response.url, response.status), set()).add(kind)
        if response.status >= 500:
            self.problems.append(f"server error {response.status} for {request.method} {response.url}")
        elif response.status >= 400 and kind not in _APP_ANSWER_TYPES:
            self.problems.append(f"{kind} {response.url} answered {response.status}")
        if (request.is_navigation_request() and response.frame == self.page.main_frame
                and not 300 <= response.status < 400):
            self.document = response
            self._document_body = None
            self.document_validated = False
            self.htmx_swapped = False
        elif kind in ("xhr", "fetch") and request.headers.get("hx-request") == "true":
            self.htmx_swapped = True

    def _on_requestfailed(self, request) -> None:
        failure = request.failure or ""
        # ERR_ABORTED: a load cancelled because the page navigated on (e.g. after HX-Redirect).
        if "ERR_ABORTED" not in failure:
            self.problems.append(f"request failed: {request.method} {request.url}: {failure}")

    def document_body(self) -> bytes:
        """The bytes of the last page load exactly as the server sent them."""
        assert self.document is not None, "no page has been loaded"
        if self._document_body is None:
            self._document_body = self.document.body()
        return self._document_body

    def settle(self) -> None:
        """Let queued browser events reach the listeners (any round trip to the browser does)."""
        if not self.page.is_closed():
            self.page.title()

    def collected_problems(self) -> list[str]:
        problems = list(self.problems)
        for url, status, text in self._status_logs:
            kinds = self._answers.get((url, status), set())
            if not (400 <= status < 500 and kinds and kinds <= _APP_ANSWER_TYPES):
                problems.append(f"console error: {text} (at {url})")
        prefix = f"[{self.label}] " if self.label else ""
        return [prefix + p for p in problems]

    def assert_clean(self) -> None:
        self.settle()
        problems = self.collected_problems()
        assert not problems, "the browser reported problems:\n" + "\n".join(f"  {p}" for p in problems)

    def detach(self) -> None:
        for event, listener in self._listeners:
            self.page.remove_listener(event, listener)
        if _WATCHES.get(id(self.page)) is self:
            del _WATCHES[id(self.page)]


def watch_of(page: Page) -> PageWatch:
    try:
        return _WATCHES[id(page)]
    except KeyError:
        raise AssertionError("this page was not opened by the browser fixtures (use `page`)") from None


# --------------------------------------------------------------------------------------------
# check_page
# --------------------------------------------------------------------------------------------

def check_page(page: Page, nu_checker, where: str) -> None:
    """Zero Nu HTML checker errors and zero axe-core violations for what the user sees now.

    HTML: the page as the server sent it is validated — the raw bytes of the last document
    response, captured from the browser's own load (so it is also right for the answer to a
    POST, where re-fetching `page.url` would GET a different page, and nothing the HTML parser
    silently repairs in the DOM can hide an error). When htmx has swapped a fragment in since
    that load, the page the user sees exists only as the live DOM, so `page.content()` is
    validated as well: that is the served document plus the served fragment, and the only
    things htmx adds (settle classes, `disabled` on the submit button) are valid HTML.

    Accessibility: with JavaScript on, axe runs in the page itself. With it off it cannot, so a
    JS-on context sharing the storage state opens the same URL, answered with the very response
    the no-JS page got (a fresh GET would lose a flash message or a POST's error re-render)."""
    watch = watch_of(page)
    page.wait_for_load_state("load")
    if watch.js_enabled:
        # Audit the page at rest: no htmx request, swap or settle under way (a half-swapped
        # page, or a transition caught half-way, is not what the user ends up looking at).
        expect(page.locator(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added")).to_have_count(0)
    watch.settle()

    document = watch.document
    assert document is not None, f"{where}: no page has been loaded"
    if not watch.document_validated:
        nu_checker.assert_valid(watch.document_body(), f"{where} (as served: {document.url})")
        watch.document_validated = True
    if watch.htmx_swapped:
        nu_checker.assert_valid(page.content(), f"{where} (live DOM after an htmx swap: {page.url})")

    if watch.js_enabled:
        violations = run_axe(page, watch.base_url)
    else:
        assert watch.auditor is not None, "no JS-on auditor for this no-JS page"
        violations = watch.auditor.audit(page, watch)
    assert not violations, f"axe-core found {len(violations)} violation(s) on {where} ({page.url}):\n" + \
        format_violations(violations)


def run_axe(page: Page, base_url: str) -> list[dict]:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(url=base_url + AXE_PATH)
    return page.evaluate("() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations)")


_DROP_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "set-cookie"}


class JsAuditor:
    """A JavaScript-on context that runs axe for pages seen with JavaScript off. One per session
    (so axe.min.js comes from the browser cache after the first audit); before each audit it
    takes the storage state of the no-JS context (its cookies: the app keeps nothing in
    localStorage), and the page it opens is answered with the exact response the no-JS page
    received, CSP header included."""

    def __init__(self, browser: Browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self._context = None
        self._page: Page | None = None
        self._watch: PageWatch | None = None
        self._answer: tuple[str, int, dict, bytes] | None = None

    def _open(self) -> None:
        self._context = self.browser.new_context(base_url=self.base_url, java_script_enabled=True)
        self._page = self._context.new_page()
        self._page.route("**/*", self._serve)

    def _serve(self, route: Route) -> None:
        answer = self._answer
        if answer and route.request.is_navigation_request() and route.request.url == answer[0]:
            _, status, headers, body = answer
            route.fulfill(status=status, headers=headers, body=body)
        else:
            route.fallback()

    def audit(self, page: Page, watch: PageWatch) -> list[dict]:
        if self._context is None:
            self._open()
        state = page.context.storage_state()
        self._context.clear_cookies()
        if state["cookies"]:
            self._context.add_cookies(state["cookies"])
        document = watch.document
        headers = {k: v for k, v in document.all_headers().items() if k.lower() not in _DROP_HEADERS}
        self._answer = (urldefrag(page.url).url, document.status, headers, watch.document_body())
        self._watch = PageWatch(self._page, js_enabled=True, base_url=self.base_url,
                                label=f"JS-on audit of {page.url}")
        try:
            self._page.goto(page.url)
            self._page.wait_for_load_state("load")
            violations = run_axe(self._page, self.base_url)
            self._watch.settle()
            # The audit page runs the same HTML with JavaScript on: what it reports is real.
            watch.problems.extend(self._watch.collected_problems())
            return violations
        finally:
            self._answer = None
            self._watch.detach()

    def close(self) -> None:
        if self._context is not None:
            self._context.close()
            self._context = None


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v.get('impact')}] {v['id']}: {v['help']} ({v.get('helpUrl', '')})")
        for node in v.get("nodes", []):
            lines.append(f"      target {node.get('target')}: {node.get('html', '')[:160]}")
            summary = (node.get("failureSummary") or "").replace("\n", " / ")
            if summary:
                lines.append(f"        {summary[:300]}")
    return "\n".join(lines)
