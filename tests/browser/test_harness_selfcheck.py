"""The harness itself: `check_page` and the page watch must fail on a broken page, or the
journeys prove nothing. The pages here are made up in the browser (page.route) on the live
server's origin, under the app's real CSP."""
from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from storefront.core.security import CSP

from .harness import check_page, watch_of

_HEAD = ('<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Self-check</title>'
         '</head><body><main><h1>Self-check</h1>{}</main></body></html>')

PAGES = {
    # Valid HTML, but a text box without a label: axe's "label" rule.
    "/__selfcheck__/unlabelled": _HEAD.format('<form><input type="text" name="q"></form>'),
    # An id used twice: a Nu checker error.
    "/__selfcheck__/invalid": _HEAD.format('<p id="twice">a</p><p id="twice">b</p>'),
    # An inline style attribute: the CSP blocks it and Chromium logs the violation.
    "/__selfcheck__/csp": _HEAD.format('<p style="color: red">styled</p>'),
}


def _serve(route: Route) -> None:
    path = "/" + route.request.url.split("/", 3)[3]
    route.fulfill(status=200, headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": CSP},
                  body=PAGES[path])


def test_check_page_and_the_watch_catch_broken_pages(page: Page, nu_checker):
    page.route("**/__selfcheck__/*", _serve)

    page.goto("/__selfcheck__/invalid")
    with pytest.raises(AssertionError, match=r"(?s)HTML errors.*Duplicate ID"):
        check_page(page, nu_checker, "a page with a duplicate id")

    page.goto("/__selfcheck__/unlabelled")
    with pytest.raises(AssertionError, match=r"(?s)axe-core found .*label.*input"):
        check_page(page, nu_checker, "a page with an unlabelled input")

    page.goto("/__selfcheck__/csp")
    expect(page.get_by_text("styled")).to_be_visible()
    watch = watch_of(page)
    watch.settle()
    expect_problem = [p for p in watch.collected_problems() if "Content Security Policy" in p]
    assert expect_problem, f"the CSP violation was not noticed: {watch.collected_problems()}"
    # Seen as intended: clear it, so the watch does not fail this test after the fact.
    watch.problems.clear()
