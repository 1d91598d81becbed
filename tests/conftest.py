"""Fixtures for every level. The suite runs on SQLite by default and on PostgreSQL when
TEST_DATABASE_URL is set; Redis is a real server when TEST_REDIS_URL (or REDIS_URL) is set,
otherwise fakeredis."""
from __future__ import annotations

import contextvars
import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from storefront import create_app
from storefront.config import database_url
from storefront.core import pagecache
from storefront.extensions import db, limiter
from tests.support.html import NuChecker, csrf_from
from tests.support.servers import accepts_connections, free_port, wait_until

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _database_url(tmp_root: Path) -> str:
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_root / 'test.sqlite3'}"


class IsolatedClient(FlaskClient):
    """Runs every request in a fresh context, as a real server does. Flask otherwise reuses an app
    context the test has pushed, and with it `g` (cached CSRF token, signed-in user) across
    requests. After each request the test's own session forgets what it had loaded."""

    def open(self, *args, **kwargs):
        response = contextvars.Context().run(super().open, *args, **kwargs)
        if has_app_context():
            db.session.expire_all()
        return response


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    tmp_root = tmp_path_factory.mktemp("storefront")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": database_url(_database_url(tmp_root)),
        "MAIL_FILE_DIR": str(tmp_root / "mail"),
        "PUBLIC_URL": "http://127.0.0.1",
    })
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def clean_database() -> None:
    tables = list(reversed(db.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(f'"{t.name}"' for t in tables)
        db.session.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Each test starts with empty tables, an empty Redis database and fresh rate limits."""
    if "no_db" in request.keywords:
        yield
        return
    with app.app_context():
        clean_database()
        app.extensions["redis"].flushdb()
        pagecache.clear()
        limiter.reset()
        db.session.remove()
    yield


@pytest.fixture
def make_app(app):
    """Build another app (a broken database, another environment). Flask-Limiter keeps its
    storage on the one global Limiter, which every init_app rebinds, so it is restored after."""
    saved = dict(vars(limiter))

    def factory(config: str | dict | None = None, **overrides):
        if isinstance(config, str):
            return create_app(config)
        return create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                           "MAIL_FILE_DIR": app.config["MAIL_FILE_DIR"], **(config or {}), **overrides})

    yield factory
    vars(limiter).clear()
    vars(limiter).update(saved)


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def htmx_headers():
    return {"HX-Request": "true"}


class FormClient:
    """Posts forms the way a browser does: GET the page, take its CSRF token, POST."""

    def __init__(self, client):
        self.client = client

    def post(self, page_url: str, data: dict, *, action: str | None = None, htmx: bool = False, **kwargs):
        page = self.client.get(page_url)
        token = csrf_from(page.data)
        headers = kwargs.pop("headers", {})
        if htmx:
            headers = {"HX-Request": "true", **headers}
        return self.client.post(action or page_url, data={"csrf_token": token, **data}, headers=headers, **kwargs)


@pytest.fixture
def forms(client):
    return FormClient(client)


class Auth:
    def __init__(self, forms: FormClient):
        self.forms = forms

    def login(self, email: str, password: str, **extra):
        return self.forms.post("/account/login", {"email": email, "password": password, **extra})

    def logout(self):
        return self.forms.post("/account/", {}, action="/account/logout")


@pytest.fixture
def auth(forms):
    return Auth(forms)


@pytest.fixture
def logged_in(app, auth):
    """A client signed in as a fresh customer; returns that user."""
    from tests.support.builders import PASSWORD, make_user

    with app.app_context():
        user = make_user("signed.in@example.com")
        user_id = user.id
    response = auth.login("signed.in@example.com", PASSWORD)
    assert response.status_code == 303
    return user_id


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` records every SQL statement sent to the database. Kept
    pages (core.pagecache) are forgotten first, so a page counted is rendered, not served from
    memory (unless `keep_pages=True`); the caches below it (settings, cards) stay warm."""

    @contextmanager
    def counting(keep_pages: bool = False):
        counter = QueryCounter()

        def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        with app.app_context():
            engine = db.engine
            if not keep_pages:
                pagecache.clear()
        sa.event.listen(engine, "before_cursor_execute", before_cursor_execute)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", before_cursor_execute)

    return counting


@pytest.fixture(scope="session")
def nu_checker():
    """The Nu HTML checker (vnu.jar from npm) as a local HTTP service: one JVM start per run."""
    jar = PROJECT_ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not jar.exists() or java is None:
        pytest.fail("the Nu HTML checker needs Java and `npm ci` (vnu-jar); run `make setup`")
    port = free_port()
    process = subprocess.Popen(
        [java, "-Xss1024k", "-Dnu.validator.servlet.bind-address=127.0.0.1", "-cp", str(jar),
         "nu.validator.servlet.Main", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        try:
            wait_until(lambda: accepts_connections(port), "the Nu HTML checker", process, timeout=90)
        except RuntimeError as problem:
            pytest.fail(str(problem))
        yield NuChecker(f"http://127.0.0.1:{port}/")
    finally:
        process.terminate()
        process.wait(timeout=10)
