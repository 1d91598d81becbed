"""The emails in a real browser: the development page that lists them (JavaScript on and off),
and every email's HTML at phone and desktop widths, in a light and a dark colour scheme — no
WCAG violation (contrast included) and nothing wider than the screen."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from storefront.demo.emails import SAMPLES
from tests.support.builders import make_store

from .harness import AXE_PATH, check_page


def test_the_email_previews_page_lists_every_email(page, live_server, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")
    page.goto("/dev/emails")
    expect(page.get_by_role("heading", level=1)).to_have_text("Emails")
    expect(page.get_by_role("link", name="HTML of booking confirmed")).to_have_attribute(
        "href", "/dev/emails/booking_confirmed.html")
    expect(page.get_by_role("main").get_by_role("listitem")).to_have_count(len(SAMPLES))
    check_page(page, nu_checker, "email previews")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_email_reads_well_at_both_sizes(browser, live_server, db_data, scheme):
    """A mail program is not a web page: the WCAG A and AA rules apply (contrast, names, language),
    the landmark best practices do not. The email's own CSP forbids scripts, so axe is let in by
    bypassing it for the audit."""
    with db_data():
        make_store(name="Loaf & Ladle", address="12 Mill Lane, Bristol", phone="0117 496 0123")
    for width, height in ((390, 844), (1280, 800)):
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": height},
                                      color_scheme=scheme, bypass_csp=True)
        page = context.new_page()
        try:
            for name in SAMPLES:
                page.goto(f"/dev/emails/{name}.html")
                page.add_script_tag(url=live_server.url + AXE_PATH)
                violations = page.evaluate(
                    "() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})"
                    ".then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' ')))")
                assert violations == [], f"{name} at {width}px, {scheme}: {violations}"
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{name} is {overflow}px wider than a {width}px screen"
        finally:
            context.close()
