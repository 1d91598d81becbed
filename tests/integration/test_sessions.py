"""Server-side sessions: signing out, a password change or "sign out everywhere" ends sessions
for good (a captured cookie opens nothing afterwards); sessions end after 30 idle days;
"remember me" lasts 30 days."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.support.builders import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def replay(app, cookie_value: str):
    """Another browser presenting a captured session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", cookie_value)
    return thief


def test_a_captured_cookie_opens_nothing_after_sign_out(app, client, auth, app_ctx):
    make_user("pat@example.com")
    auth.login("pat@example.com", PASSWORD, remember="y")
    captured = client.get_cookie("session").value
    assert replay(app, captured).get("/account/").status_code == 200  # the cookie is the key...
    auth.logout()
    assert replay(app, captured).get("/account/").status_code == 302  # ...until signing out
    assert app.extensions["redis_bytes"].get("session:" + captured) is None
    assert client.get_cookie("remember_token") is None


def test_the_session_cookie_holds_only_an_id(client, auth, app_ctx):
    make_user("pat@example.com")
    auth.login("pat@example.com", PASSWORD)
    value = client.get_cookie("session").value
    # A random id (no signed payload to read), naming a stored session.
    assert "." not in value and len(value) >= 40
    assert client.application.extensions["redis_bytes"].exists("session:" + value)


def test_sessions_end_after_thirty_idle_days(app, client, auth, app_ctx):
    make_user("pat@example.com")
    auth.login("pat@example.com", PASSWORD)
    client.get("/account/")
    ttl = app.extensions["redis_bytes"].ttl("session:" + client.get_cookie("session").value)
    assert timedelta(days=29, hours=23) < timedelta(seconds=ttl) <= timedelta(days=30)


def test_an_unchanged_session_is_stored_again_only_when_its_expiry_has_aged(app, client, auth, app_ctx):
    # Writing back an unchanged session on every request costs a Redis round trip each time; the
    # stored expiry is renewed once it is an hour behind a full 30 days.
    make_user("pat@example.com")
    auth.login("pat@example.com", PASSWORD)
    client.get("/account/")   # the first page after signing in adds a CSRF token (a change)
    store, key = app.extensions["redis_bytes"], "session:" + client.get_cookie("session").value
    store.expire(key, int(timedelta(days=30, minutes=-30).total_seconds()))
    client.get("/account/")
    assert store.ttl(key) <= timedelta(days=30, minutes=-30).total_seconds()   # not written back
    store.expire(key, int(timedelta(days=29).total_seconds()))
    client.get("/account/")
    assert timedelta(days=29, hours=23) < timedelta(seconds=store.ttl(key)) <= timedelta(days=30)
    store.expire(key, int(timedelta(days=30, minutes=-30).total_seconds()))
    auth.logout()   # a changed session is stored at once (here: emptied, so deleted)
    assert not store.exists(key)


def test_remember_me_keeps_the_cookie_thirty_days_and_without_it_until_the_browser_closes(client, auth, app_ctx):
    make_user("pat@example.com")
    auth.login("pat@example.com", PASSWORD)
    assert client.get_cookie("session").expires is None
    auth.logout()
    auth.login("pat@example.com", PASSWORD, remember="y")
    cookie = client.get_cookie("session")
    lasts = cookie.expires - datetime.now(timezone.utc)
    assert timedelta(days=29) < lasts <= timedelta(days=30) and cookie.http_only
    assert client.get_cookie("remember_token") is None


def test_sign_in_gives_a_new_session_id(client, forms, auth, app_ctx):
    make_user("pat@example.com")
    forms.client.get("/account/login")
    before = client.get_cookie("session").value
    auth.login("pat@example.com", PASSWORD)
    after = client.get_cookie("session").value
    assert before != after
    assert replay(client.application, before).get("/account/").status_code == 302


def test_sign_out_everywhere_ends_every_session_of_the_account(app, client, forms, auth, app_ctx):
    make_user("pat@example.com")
    other = app.test_client()
    type(auth)(type(forms)(other)).login("pat@example.com", PASSWORD)
    auth.login("pat@example.com", PASSWORD)
    captured = client.get_cookie("session").value
    page = client.get("/account/")
    assert "Sign out everywhere" in page.get_data(as_text=True)
    done = forms.post("/account/", {}, action="/account/sessions/end")
    assert done.status_code == 303
    assert other.get("/account/").status_code == 302
    assert client.get("/account/").status_code == 302
    assert replay(app, captured).get("/account/").status_code == 302
    stored = [key for key in app.extensions["redis_bytes"].scan_iter("session:*")]
    assert all(b"_user_id" not in app.extensions["redis_bytes"].get(key) for key in stored)


def test_a_password_change_deletes_the_other_sessions(app, client, forms, auth, logged_in, app_ctx):
    other = app.test_client()
    type(auth)(type(forms)(other)).login("signed.in@example.com", PASSWORD)
    captured = other.get_cookie("session").value
    forms.post("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                     "confirm": NEW_PASSWORD})
    assert app.extensions["redis_bytes"].get("session:" + captured) is None
    assert client.get("/account/").status_code == 200
