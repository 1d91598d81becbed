"""Site-wide behaviour: headers, error pages, health, the base layout."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime
from unittest import mock

import pytest

from storefront.extensions import db
from tests.support.builders import make_closure, make_hours, make_product, make_store


def test_home_page_shows_store_and_featured_products(client, app_ctx):
    make_store(name="Loaf & Ladle", address="3 Bread St")
    make_product("Sourdough loaf", is_featured=True, price="4.80")
    make_product("Hidden bun", is_featured=True, is_available=False)
    response = client.get("/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Loaf &amp; Ladle" in html and "3 Bread St" in html
    assert "Sourdough loaf" in html and "£4.80" in html
    assert "Hidden bun" not in html


def test_security_headers_on_every_response(client):
    for url in ("/", "/account/login", "/does-not-exist"):
        headers = client.get(url).headers
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert len(headers["X-Request-ID"]) >= 8


def test_session_cookie_is_httponly_and_lax(client, forms):
    forms.post("/account/login", {"email": "x@example.com", "password": "nope"})
    cookie = client.get_cookie("session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_production_sets_hsts_and_secure_cookies(monkeypatch, make_app):
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("DATABASE_URL", "sqlite://")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    app = make_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    with app.app_context():
        db.create_all()
    response = app.test_client().get("/account/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_not_found_is_a_friendly_page_and_an_htmx_toast(client, htmx_headers):
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "We couldn’t find that page" in page.get_data(as_text=True) or \
        "We couldn&#39;t find that page" in page.get_data(as_text=True)
    assert "<html" in page.get_data(as_text=True)
    fragment = client.get("/no/such/page", headers=htmx_headers)
    assert fragment.status_code == 404
    assert "<html" not in fragment.get_data(as_text=True)
    assert fragment.headers["HX-Retarget"] == "#toasts"
    assert fragment.headers["HX-Reswap"] == "beforeend"
    assert "HX-Request" in fragment.headers["Vary"]


def test_method_not_allowed_is_a_friendly_page(client):
    response = client.get("/account/logout")
    assert response.status_code == 405
    assert "That can’t be done here" in response.get_data(as_text=True) or \
        "That can&#39;t be done here" in response.get_data(as_text=True)


def test_oversized_body_is_413_not_500(client):
    response = client.post("/account/login", data={"email": "a" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_without_a_trace(make_app, caplog):
    failing = make_app()

    @failing.get("/explode")
    def explode():
        raise RuntimeError("secret internals")

    response = failing.test_client().get("/explode", headers={"X-Request-ID": "req-abcdef12"})
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "something went wrong" in body
    assert "secret internals" not in body and "Traceback" not in body
    assert response.headers["X-Request-ID"] == "req-abcdef12"
    logged = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert logged and logged[0].request_id == "req-abcdef12"


def test_healthz_reports_both_services(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "redis": "ok"}


def test_healthz_is_503_when_redis_is_down(make_app):
    broken = make_app(REDIS_URL="redis://127.0.0.1:1/0")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": "ok", "redis": "error"}


def test_healthz_is_503_when_the_database_is_down(make_app):
    broken = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "error"


def test_pages_still_render_when_the_database_is_down(make_app):
    broken = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/account/login")
    # The login page needs no query; the layout falls back to the configured shop name.
    assert response.status_code == 200
    assert "Crumb &amp; Kettle" in response.get_data(as_text=True)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.mark.parametrize("local_now, expected", [
    (datetime(2026, 11, 20, 12, 0), "Open until 14:30. Today: 08:00–14:30 and 17:30–22:00."),  # Friday lunch
    (datetime(2026, 11, 20, 15, 30), "Closed now — opens today at 17:30."),  # between the two periods
    (datetime(2026, 11, 20, 18, 0), "Open until 22:00."),                    # Friday supper
    (datetime(2026, 11, 20, 22, 30), "Closed now — opens Monday at 08:00."),  # closed at the weekend
])
def test_footer_shows_todays_split_hours_in_store_time(client, app_ctx, local_now, expected):
    from zoneinfo import ZoneInfo

    make_store()
    make_hours(0, "08:00", "14:30")
    make_hours(4, "08:00", "14:30")
    make_hours(4, "17:30", "22:00")
    moment = local_now.replace(tzinfo=ZoneInfo("Europe/London"))
    with mock.patch("storefront.store.service.utcnow", return_value=moment.astimezone(ZoneInfo("UTC"))):
        html = client.get("/").get_data(as_text=True)
    footer = visible_text(html.split('<footer', 1)[1])
    assert expected in footer


def test_footer_shows_a_closure(client, app_ctx):
    # 23:30 UTC on Wednesday 15 July is 00:30 on Thursday in the shop (BST): "today" is the shop's.
    now = datetime(2026, 7, 15, 23, 30, tzinfo=UTC)
    make_store()
    make_hours(3, "00:00", "23:59")  # Thursdays
    make_closure(date(2026, 7, 15), date(2026, 7, 17), reason="Closed for the holidays")
    make_hours(5, "07:30", "18:00")  # Saturdays
    with mock.patch("storefront.store.service.utcnow", return_value=now):
        html = visible_text(client.get("/").get_data(as_text=True))
    assert "Closed today (Closed for the holidays) — opens Saturday at 07:30." in html


def test_hours_page_shows_the_week_and_closures(client, app_ctx):
    from zoneinfo import ZoneInfo

    make_store()
    make_hours(0, "08:00", "18:00")
    make_hours(2, "07:30", "12:00")
    make_hours(2, "13:00", "17:00")
    make_closure(date(2026, 11, 30), reason="Staff training")
    friday = datetime(2026, 11, 27, 12, 0, tzinfo=ZoneInfo("Europe/London")).astimezone(ZoneInfo("UTC"))
    with mock.patch("storefront.store.service.utcnow", return_value=friday):
        response = client.get("/hours")
        home = client.get("/").get_data(as_text=True)
    page = visible_text(response.get_data(as_text=True))
    assert response.status_code == 200 and 'href="/hours"' in home
    assert "Closed today — opens Monday at 08:00." not in page  # Monday is a closure
    assert "Closed today — opens Wednesday at 07:30." in page
    assert "Today 27 November Closed" in page and "Monday 30 November Closed: Staff training" in page
    assert "Wednesday 07:30–12:00, 13:00–17:00" in page and "Monday 08:00–18:00" in page
    assert "Monday 30 November 2026: Staff training" in page


@pytest.mark.parametrize("code, phrase", [
    (400, "Something in that request was not right"),
    (403, "You can’t see this page"),
    (404, "We couldn’t find that page"),
    (405, "That can’t be done here"),
    (413, "That was too large"),
    (429, "Too many attempts"),
    (500, "Sorry, something went wrong on our side"),
])
def test_every_error_is_a_page_and_an_htmx_toast(make_app, code, phrase):
    from flask import abort

    app = make_app()

    @app.get("/fail")
    def fail():
        abort(code)

    client = app.test_client()
    page = client.get("/fail")
    fragment = client.get("/fail", headers={"HX-Request": "true"})
    unescaped = lambda r: r.get_data(as_text=True).replace("&#39;", "’").replace("'", "’")  # noqa: E731
    assert page.status_code == fragment.status_code == code
    assert "<html" in page.get_data(as_text=True) and phrase in unescaped(page)
    assert "<html" not in fragment.get_data(as_text=True) and phrase in unescaped(fragment)
    assert fragment.headers["HX-Retarget"] == "#toasts"


def test_the_sign_in_link_brings_you_back_to_the_page_you_were_on(client):
    assert 'href="/account/login?next=/menu?q%3Dbun"' in client.get("/menu?q=bun").get_data(as_text=True)
    assert 'href="/account/login?next=/menu"' in client.get("/menu").get_data(as_text=True)
    assert 'href="/account/login"' in client.get("/").get_data(as_text=True)
    assert 'href="/account/login"' in client.get("/account/register").get_data(as_text=True)
