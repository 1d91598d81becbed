"""Browser journeys: Playwright driving Debian's Chromium against the app on a live server.

Every test that takes `page` runs twice, with JavaScript on ("js") and off ("nojs"), and fails
if the page logged a console error, a CSP violation or an uncaught exception. `check_page`
(tests/browser/harness.py) validates the HTML and runs axe-core.

    from .harness import check_page

    def test_something(page, live_server, db_data, nu_checker):
        with db_data():
            make_store(name="Loaf & Ladle")
        page.goto("/")                       # base_url is the live server
        expect(page.get_by_role("heading", level=1)).to_have_text("Loaf & Ladle")
        check_page(page, nu_checker, "home")
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import pytest

from storefront.extensions import db
from tests.support.servers import LiveServer

from .harness import AXE_FILE, AxeAssetMiddleware, JsAuditor, PageWatch

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

_WATCHES_KEY = pytest.StashKey[list]()


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download its own browsers here), one per session."""
    if not CHROMIUM.exists():
        pytest.fail(f"browser tests need Chromium at {CHROMIUM}: `apt-get install -y chromium`")
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": list(CHROMIUM_ARGS)}


@pytest.fixture(scope="session")
def live_server(app):
    """The session app served on 127.0.0.1:<free port>; `.url` is its base address."""
    if not AXE_FILE.exists():
        pytest.fail(f"axe-core is missing at {AXE_FILE}: run `npm ci` (or `make setup`)")
    server = LiveServer(AxeAssetMiddleware(app)).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def base_url(live_server):
    """pytest-playwright passes this to every context, so relative URLs open on the live server:
    `page.goto("/account/login")`."""
    return live_server.url


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js_enabled(request) -> bool:
    return request.param


@pytest.fixture
def context(new_context, js_enabled):
    return new_context(java_script_enabled=js_enabled)


@pytest.fixture(scope="session")
def js_auditor(browser, live_server):
    """Runs axe-core, which needs JavaScript, for pages seen with JavaScript off."""
    auditor = JsAuditor(browser, live_server.url)
    yield auditor
    auditor.close()


@pytest.fixture
def page(request, context, js_enabled, live_server, js_auditor):
    """A page whose console errors, CSP violations and uncaught exceptions fail the test."""
    page = context.new_page()
    watch = PageWatch(page, js_enabled=js_enabled, base_url=live_server.url,
                      auditor=None if js_enabled else js_auditor)
    request.node.stash.setdefault(_WATCHES_KEY, []).append(watch)
    yield page
    watch.detach()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    result = yield
    # Only reached when the test body passed: then the browser must have been quiet too.
    for watch in item.stash.get(_WATCHES_KEY, []):
        watch.assert_clean()
    return result


@pytest.fixture
def db_data(app):
    """`with db_data() as session:` runs in an app context on the test database that the live
    server uses; it commits on exit. Read what you need (ids, emails) inside the block: rows are
    detached afterwards. The root conftest empties every table before each test."""

    @contextmanager
    def data():
        with app.app_context():
            try:
                yield db.session
                db.session.commit()
            finally:
                db.session.remove()

    return data
