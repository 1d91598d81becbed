"""Account rules without HTTP: registration, sign-in, profile and email changes, password change
and the single-use, expiring reset link. The clock is injected where expiry matters."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.accounts import service
from storefront.accounts.models import PasswordResetToken, User
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.core.rules import RuleViolation
from storefront.core.security import verify_password
from storefront.extensions import db
from tests.support.builders import PASSWORD, make_user

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
TAKEN = "An account with this email already exists. Sign in, or reset your password."


@pytest.fixture(autouse=True)
def clock():
    """The service's clock, fixed; move it with `clock.return_value = …`."""
    with mock.patch("storefront.accounts.service.utcnow", return_value=NOW) as fixed:
        yield fixed


def refused(call, *args, **kwargs) -> tuple[str, str]:
    with pytest.raises(RuleViolation) as caught:
        call(db.session, *args, **kwargs)
    (reason,) = caught.value.reasons
    return reason


def rows(model) -> list:
    return list(db.session.scalars(sa.select(model).order_by(model.id)))


# --- registration and sign-in --------------------------------------------------------------------

def test_registration_tidies_the_details_and_hashes_the_password(app_ctx):
    user = service.register(db.session, service.Registration(name="  Robin Rye ", email=" Robin@Example.COM ",
                                                              password="a long enough secret", phone="  "))
    assert (user.name, user.email, user.phone) == ("Robin Rye", "robin@example.com", None)
    assert user.password_hash != "a long enough secret" and verify_password(user.password_hash, "a long enough secret")


def test_an_email_registers_once_whatever_its_case(app_ctx):
    make_user("robin@example.com")
    registration = service.Registration(name="Robin", email="ROBIN@example.com", password="another secret")
    assert refused(service.register, registration) == ("email", TAKEN)
    assert len(rows(User)) == 1


def test_sign_in_needs_the_right_password_of_an_active_account(app_ctx):
    make_user("pat@example.com")
    make_user("gone@example.com", is_active_account=False)
    assert service.authenticate(db.session, "pat@example.com", "wrong password") is None
    assert service.authenticate(db.session, "nobody@example.com", PASSWORD) is None
    assert service.authenticate(db.session, "gone@example.com", PASSWORD) is None
    user = service.authenticate(db.session, " PAT@example.com", PASSWORD)
    assert user is not None and user.email == "pat@example.com" and user.last_login_at == NOW


# --- profile and password ---------------------------------------------------------------------------

def test_name_and_phone_change_without_the_password(app_ctx):
    user = make_user("pat@example.com")
    service.update_profile(db.session, user, service.ProfileChange(name=" Pat Oat ", email="pat@example.com",
                                                                   phone=" 0117 496 0000 "))
    assert (user.name, user.phone) == ("Pat Oat", "0117 496 0000")
    assert rows(AuditEntry) == []


@pytest.mark.parametrize("password", [None, "", "not the password"])
def test_a_new_email_needs_the_current_password(app_ctx, password):
    user = make_user("pat@example.com")
    change = service.ProfileChange(name="Pat", email="new@example.com", phone=None, current_password=password)
    assert refused(service.update_profile, user, change) == (
        "current_password", "Enter your current password to change your email")
    db.session.expire_all()
    assert db.session.get(User, user.id).email == "pat@example.com"


def test_a_new_email_must_be_free_and_the_change_is_audited(app_ctx):
    user = make_user("pat@example.com")
    make_user("taken@example.com")
    taken = service.ProfileChange(name="Pat", email="Taken@example.com", phone=None, current_password=PASSWORD)
    assert refused(service.update_profile, user, taken) == ("email", "Another account already uses this email")
    service.update_profile(db.session, user, service.ProfileChange(name="Pat", email="New@Example.com", phone=None,
                                                                   current_password=PASSWORD))
    assert user.email == "new@example.com"
    (entry,) = rows(AuditEntry)
    assert (entry.action, entry.actor_id, entry.details) == (
        "account.email_changed", user.id, {"old": "pat@example.com", "new": "new@example.com"})


def test_a_password_change_needs_the_current_one_and_signs_out_other_sessions(app_ctx):
    user = make_user("pat@example.com")
    nonce = user.session_nonce
    assert refused(service.change_password, user, "wrong", "a brand new secret") == (
        "current_password", "Your current password is not right")
    service.change_password(db.session, user, PASSWORD, "a brand new secret")
    assert verify_password(user.password_hash, "a brand new secret") and user.session_nonce != nonce
    assert [entry.action for entry in rows(AuditEntry)] == ["account.password_changed"]


# --- password reset ---------------------------------------------------------------------------------

def ask_for_reset(email: str) -> str | None:
    """Request a reset link; returns the token the email carries (None when no email was sent)."""
    links = []
    service.request_password_reset(db.session, email, link_for=lambda token: links.append(token) or f"LINK/{token}",
                                   max_age=timedelta(hours=1), store_name="Test Bakery")
    return links[0] if links else None


def test_a_reset_link_is_mailed_only_to_an_active_account(app_ctx):
    make_user("gone@example.com", is_active_account=False)
    assert ask_for_reset("nobody@example.com") is None and ask_for_reset("gone@example.com") is None
    assert rows(OutboxMessage) == [] and rows(PasswordResetToken) == []
    user = make_user("pat@example.com", name="Pat")
    token = ask_for_reset("PAT@example.com")
    (message,) = rows(OutboxMessage)
    assert (message.to_address, message.subject) == ("pat@example.com", "Reset your password – Test Bakery")
    assert f"LINK/{token}" in message.body_text and "within 60 minutes" in message.body_text
    (stored,) = rows(PasswordResetToken)
    assert stored.user_id == user.id and stored.token_hash != token  # only a digest is kept
    assert stored.expires_at == NOW + timedelta(hours=1)


def test_a_reset_link_works_once_and_takes_the_other_links_with_it(app_ctx):
    user = make_user("pat@example.com")
    older, newer = ask_for_reset("pat@example.com"), ask_for_reset("pat@example.com")
    assert service.reset_token_is_valid(db.session, older) and service.reset_token_is_valid(db.session, newer)
    service.reset_password(db.session, newer, "a brand new secret")
    assert verify_password(user.password_hash, "a brand new secret")
    for used in (newer, older):
        assert not service.reset_token_is_valid(db.session, used)
        assert refused(service.reset_password, used, "yet another secret") == ("password", service.INVALID_RESET)
    assert [entry.action for entry in rows(AuditEntry)] == ["account.password_reset"]


def test_a_reset_link_expires(app_ctx, clock):
    make_user("pat@example.com")
    token = ask_for_reset("pat@example.com")
    clock.return_value = NOW + timedelta(minutes=59)
    assert service.reset_token_is_valid(db.session, token)
    clock.return_value = NOW + timedelta(hours=1)
    assert not service.reset_token_is_valid(db.session, token)
    assert refused(service.reset_password, token, "a brand new secret") == ("password", service.INVALID_RESET)
    assert not service.reset_token_is_valid(db.session, "not-a-token")
