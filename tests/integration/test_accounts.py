"""Accounts over HTTP: register, sign in and out, profile, password change and reset."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from storefront.accounts.models import PasswordResetToken, User
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.core.time import utcnow
from storefront.extensions import db
from tests.support.builders import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


def text(response) -> str:
    return response.get_data(as_text=True)


def register_data(**overrides) -> dict:
    data = {"name": "Robin Rye", "email": "Robin@Example.com", "phone": "0117 496 0000",
            "password": "long enough pass", "confirm": "long enough pass"}
    data.update(overrides)
    return data


# --- registration -------------------------------------------------------------------------

def test_register_creates_a_signed_in_customer_with_an_argon2id_hash(client, forms, app_ctx):
    response = forms.post("/account/register", register_data())
    assert response.status_code == 303 and response.headers["Location"] == "/account/"
    user = db.session.scalars(sa.select(User)).one()
    assert user.email == "robin@example.com"  # normalised
    assert user.password_hash.startswith("$argon2id$")
    assert user.role.value == "customer"
    assert "Signed in as <strong>robin@example.com</strong>" in text(client.get("/account/"))


@pytest.mark.parametrize("overrides, field, message", [
    ({"name": ""}, "name", "Enter your name"),
    ({"name": "x" * 121}, "name", "Use at most 120 characters"),
    ({"email": ""}, "email", "Enter your email address"),
    ({"email": "not-an-email"}, "email", "Enter an email address like name@example.com"),
    ({"email": "a" * 250 + "@x.com"}, "email", "Use at most 254 characters"),
    ({"phone": "call me"}, "phone", "Enter a phone number"),
    ({"password": "short", "confirm": "short"}, "password", "Use between 10 and 128 characters"),
    ({"password": "p" * 129, "confirm": "p" * 129}, "password", "Use between 10 and 128 characters"),
    ({"confirm": "something else"}, "confirm", "The passwords do not match"),
])
def test_register_rejects_bad_input_beside_the_field(forms, app_ctx, overrides, field, message):
    response = forms.post("/account/register", register_data(**overrides))
    html = text(response)
    assert response.status_code == 422
    assert f'id="{field}-error"' in html and message in html
    assert f'<a href="#{field}">' in html  # the summary links to the field
    assert 'aria-invalid="true"' in html
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_register_with_a_taken_email_says_so(forms, app_ctx):
    make_user("robin@example.com")
    response = forms.post("/account/register", register_data())
    assert response.status_code == 422
    assert "An account with this email already exists" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 1


def test_register_over_htmx_answers_a_fragment_then_redirects(forms, app_ctx):
    invalid = forms.post("/account/register", register_data(name=""), htmx=True)
    assert invalid.status_code == 422
    assert "<html" not in text(invalid) and text(invalid).lstrip().startswith("<form")
    assert "HX-Request" in invalid.headers["Vary"]
    valid = forms.post("/account/register", register_data(), htmx=True)
    assert valid.status_code == 200 and valid.headers["HX-Redirect"] == "/account/"


def test_forms_without_a_csrf_token_are_refused(client, app_ctx):
    response = client.post("/account/register", data=register_data())
    assert response.status_code == 400
    assert "This form has expired" in text(response)
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


def test_forms_with_a_forged_csrf_token_are_refused(client, app_ctx):
    client.get("/account/register")
    response = client.post("/account/register", data={**register_data(), "csrf_token": "forged.token.value"})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(User.id))) == 0


# --- signing in and out ---------------------------------------------------------------------

def test_login_and_logout(client, auth, app_ctx):
    make_user("pat@example.com")
    response = auth.login("PAT@example.com ", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/account/"
    assert client.get("/account/").status_code == 200
    out = auth.logout()
    assert out.status_code == 303 and out.headers["Location"] == "/"
    assert client.get("/account/").status_code == 302


@pytest.mark.parametrize("email", ["pat@example.com", "nobody@example.com"])
def test_login_failure_says_the_same_for_unknown_email_and_wrong_password(auth, app_ctx, email):
    make_user("pat@example.com")
    response = auth.login(email, "wrong password!")
    assert response.status_code == 422
    assert "The email or password is not right" in text(response)


def test_login_renews_the_session(client, auth, app_ctx):
    make_user("pat@example.com")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    auth.login("pat@example.com", PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"].startswith(f"{db.session.scalar(sa.select(User.id))}:")


@pytest.mark.parametrize("target, expected", [
    ("/account/password", "/account/password"),
    ("https://evil.example/steal", "/account/"),
    ("//evil.example/steal", "/account/"),
    ("/\\evil.example", "/account/"),
    ("javascript:alert(1)", "/account/"),
])
def test_login_follows_next_only_to_same_site_paths(client, forms, app_ctx, target, expected):
    make_user("pat@example.com")
    page = client.get("/account/login", query_string={"next": target})
    response = forms.post(f"/account/login?next={target}", {"email": "pat@example.com", "password": PASSWORD,
                                                           "next": target}, action="/account/login")
    assert page.status_code == 200
    assert response.headers["Location"] == expected


def test_private_pages_send_guests_to_sign_in(client):
    response = client.get("/account/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


def test_logout_needs_a_post(client):
    assert client.get("/account/logout").status_code == 405


def test_login_is_rate_limited_per_account_with_a_friendly_page(auth, app_ctx):
    make_user("pat@example.com")
    statuses = [auth.login("pat@example.com", f"guess number {i}").status_code for i in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    limited = auth.login("pat@example.com", PASSWORD)
    assert limited.status_code == 429
    assert "Too many attempts" in text(limited)


def test_login_rate_limit_per_account_does_not_block_other_accounts(auth, app_ctx):
    make_user("pat@example.com")
    make_user("sam@example.com")
    for i in range(6):
        auth.login("pat@example.com", f"guess number {i}")
    assert auth.login("sam@example.com", PASSWORD).status_code == 303


# --- profile and password -------------------------------------------------------------------

def test_profile_update(client, forms, logged_in, app_ctx):
    response = forms.post("/account/", {"name": "New Name", "email": "signed.in@example.com", "phone": "07700 900123"})
    assert response.status_code == 303
    user = db.session.get(User, logged_in)
    assert (user.name, user.phone) == ("New Name", "07700 900123")


def test_changing_email_needs_the_current_password(forms, logged_in, app_ctx):
    refused = forms.post("/account/", {"name": "N", "email": "new@example.com"})
    assert refused.status_code == 422
    assert "Enter your current password to change your email" in text(refused)
    accepted = forms.post("/account/", {"name": "N", "email": "new@example.com", "current_password": PASSWORD})
    assert accepted.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, logged_in).email == "new@example.com"
    assert db.session.scalars(sa.select(AuditEntry.action)).all() == ["account.email_changed"]


def test_changing_email_to_a_taken_one_is_refused(forms, logged_in, app_ctx):
    make_user("taken@example.com")
    response = forms.post("/account/", {"name": "N", "email": "taken@example.com", "current_password": PASSWORD})
    assert response.status_code == 422 and "Another account already uses this email" in text(response)


def test_change_password_signs_out_other_sessions(app, client, forms, auth, logged_in, app_ctx):
    other = app.test_client()
    other_forms = type(forms)(other)
    assert other_forms.post("/account/login", {"email": "signed.in@example.com", "password": PASSWORD}).status_code == 303
    wrong = forms.post("/account/password", {"current_password": "not it at all", "password": NEW_PASSWORD,
                                             "confirm": NEW_PASSWORD})
    assert wrong.status_code == 422 and "Your current password is not right" in text(wrong)
    changed = forms.post("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                               "confirm": NEW_PASSWORD})
    assert changed.status_code == 303
    assert client.get("/account/").status_code == 200  # this browser stays signed in
    assert other.get("/account/").status_code == 302   # the other one is out
    auth.logout()
    assert auth.login("signed.in@example.com", PASSWORD).status_code == 422
    assert auth.login("signed.in@example.com", NEW_PASSWORD).status_code == 303


# --- password reset -------------------------------------------------------------------------

def reset_link_path() -> str:
    body = db.session.scalars(sa.select(OutboxMessage.body_text)).one()
    match = re.search(r"http://127\.0\.0\.1(/account/reset/[A-Za-z0-9_-]+)", body)
    assert match, body
    return match.group(1)


def test_reset_request_answers_the_same_for_known_and_unknown_emails(forms, app_ctx):
    make_user("pat@example.com")
    unknown = forms.post("/account/reset", {"email": "nobody@example.com"})
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0
    known = forms.post("/account/reset", {"email": "pat@example.com"})
    assert unknown.status_code == known.status_code == 303
    assert unknown.headers["Location"] == known.headers["Location"] == "/account/reset/sent"
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1


def test_reset_link_is_stored_hashed_works_once_and_signs_in(client, forms, auth, app_ctx):
    make_user("pat@example.com")
    forms.post("/account/reset", {"email": "pat@example.com"})
    path = reset_link_path()
    token = path.rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(PasswordResetToken.token_hash)).one()
    assert token not in stored and len(stored) == 64
    assert client.get(path).status_code == 200
    mismatch = forms.post(path, {"password": NEW_PASSWORD, "confirm": "different words"})
    assert mismatch.status_code == 422 and "The passwords do not match" in text(mismatch)
    done = forms.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and client.get("/account/").status_code == 200
    auth.logout()
    again = client.get(path)
    assert again.status_code == 404 and "This link has expired" in text(again)
    assert auth.login("pat@example.com", NEW_PASSWORD).status_code == 303


def test_an_expired_reset_link_is_refused(client, forms, app_ctx):
    make_user("pat@example.com")
    forms.post("/account/reset", {"email": "pat@example.com"})
    path = reset_link_path()
    row = db.session.scalars(sa.select(PasswordResetToken)).one()
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("token", ["forged", "x" * 500, "../../etc/passwd"])
def test_forged_reset_tokens_are_refused(client, token):
    response = client.get(f"/account/reset/{token}")
    assert response.status_code == 404


def test_reset_request_is_rate_limited(forms, app_ctx):
    make_user("pat@example.com")
    statuses = [forms.post("/account/reset", {"email": "pat@example.com"}).status_code for _ in range(6)]
    assert statuses == [303] * 5 + [429]
    assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 5


# --- reset links die with a password or email change -------------------------------------------

def outstanding_reset_link(forms, email: str) -> str:
    forms.post("/account/reset", {"email": email})
    bodies = db.session.scalars(sa.select(OutboxMessage.body_text).order_by(OutboxMessage.id.desc())).all()
    return re.search(r"http://127\.0\.0\.1(/account/reset/[A-Za-z0-9_-]+)", bodies[0]).group(1)


def test_an_email_change_voids_reset_links_and_tells_the_old_address(client, forms, logged_in, app_ctx):
    link = outstanding_reset_link(forms, "signed.in@example.com")
    assert client.get(link).status_code == 200
    changed = forms.post("/account/", {"name": "N", "email": "new@example.com", "current_password": PASSWORD})
    assert changed.status_code == 303
    assert client.get(link).status_code == 404
    notice = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == "signed.in@example.com")
                                .order_by(OutboxMessage.id.desc())).first()
    assert "new@example.com" in notice.body_text
    assert "password reset links sent before this change no longer work" in notice.body_text


@pytest.mark.parametrize("how", ["change", "reset"])
def test_a_password_change_or_reset_voids_every_outstanding_reset_link(client, forms, logged_in, app_ctx, how):
    first = outstanding_reset_link(forms, "signed.in@example.com")
    second = outstanding_reset_link(forms, "signed.in@example.com")
    if how == "change":
        forms.post("/account/password", {"current_password": PASSWORD, "password": NEW_PASSWORD,
                                         "confirm": NEW_PASSWORD})
    else:
        assert forms.post(second, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 303
    assert client.get(first).status_code == 404 and client.get(second).status_code == 404
    notice = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert notice.to_address == "signed.in@example.com" and "password of your account was changed" in notice.body_text
    assert "reset links sent before this change no longer work" in notice.body_text


# --- sign-in limits: per account and address, and a back-off the owner can pass -----------------

def attempt(client, forms, address: str, password: str, email: str = "pat@example.com"):
    client.environ_base["REMOTE_ADDR"] = address
    return forms.post("/account/login", {"email": email, "password": password})


def test_someone_guessing_from_another_address_does_not_lock_the_owner_out(client, forms, app_ctx):
    make_user("pat@example.com")
    statuses = [attempt(client, forms, "203.0.113.9", f"guess {i}").status_code for i in range(6)]
    assert statuses == [422] * 5 + [429]
    assert attempt(client, forms, "198.51.100.1", PASSWORD).status_code == 303


def test_many_addresses_guessing_one_account_slow_it_down_but_a_reset_link_still_signs_in(client, forms, app_ctx):
    make_user("pat@example.com")
    statuses = [attempt(client, forms, f"203.0.113.{i}", f"guess {i}").status_code for i in range(21)]
    assert statuses == [422] * 20 + [429]
    held = attempt(client, forms, "198.51.100.1", PASSWORD)
    assert held.status_code == 429 and "reset your password" in text(held)
    forms.post("/account/reset", {"email": "pat@example.com"})
    done = forms.post(reset_link_path(), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and client.get("/account/").status_code == 200


def test_account_page_puts_bookings_and_orders_before_the_profile_form(client, logged_in, app_ctx):
    page = text(client.get("/account/"))
    orders, bookings, details = (page.index(marker) for marker in ("Your orders", "Your reservations", "Your details"))
    assert orders < details and bookings < details
    # Sign out is on the page too (the phone header leaves it out).
    main = page.split("<main", 1)[1]
    assert 'action="/account/logout"' in main and ">Sign out</button>" in main
