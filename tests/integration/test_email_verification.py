"""Email verification over HTTP: the link a new account gets, its refusals (expired, reused, for
another account, after the address changed), the account page's nudge, `is_verified`; and the
address read back at checkout and booking."""
from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.accounts.models import EmailVerificationToken, MarketingConsent, User
from storefront.accounts.verification import is_verified
from storefront.core.outbox import OutboxMessage
from storefront.core.time import utcnow
from storefront.extensions import db
from tests.support.builders import PASSWORD, make_category, make_product, make_user
from tests.support.checkout import FIXED_NOW, CheckoutClient, open_shop
from tests.support.html import csrf_from, one, soup

LINK = re.compile(r"http://[^\s\"<]+/account/verify/([A-Za-z0-9_-]+)")


def text(response) -> str:
    return response.get_data(as_text=True)


def links_to(address: str) -> list[str]:
    db.session.expire_all()
    bodies = db.session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.to_address == address)
                                .order_by(OutboxMessage.id)).all()
    return [m.group(1) for body in bodies for m in LINK.finditer(body)]


def register(forms, email="robin@example.com"):
    return forms.post("/account/register", {"name": "Robin Rye", "email": email, "phone": "",
                                            "password": "long enough pass", "confirm": "long enough pass"})


def user(email="robin@example.com") -> User:
    db.session.expire_all()
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def confirm(client, token, **kwargs):
    page = client.get(f"/account/verify/{token}")
    return client.post(f"/account/verify/{token}", data={"csrf_token": csrf_from(page.data)}, **kwargs)


def test_a_new_account_is_nudged_until_its_link_is_used_once(client, forms, app_ctx):
    assert register(forms).status_code == 303
    (token,) = links_to("robin@example.com")
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.subject.startswith("Confirm your email address") and mail.body_html
    stored = db.session.scalars(sa.select(EmailVerificationToken)).one()
    assert stored.token_hash != token and len(stored.token_hash) == 64  # only the digest is kept
    assert stored.expires_at - stored.created_at == timedelta(hours=24)
    account = text(client.get("/account/"))
    assert "Please confirm your email address" in account and not is_verified(user())
    opened = client.get(f"/account/verify/{token}")  # opening the link alone changes nothing
    assert opened.status_code == 200 and "Confirm my email address" in text(opened) and not is_verified(user())
    done = confirm(client, token)
    assert done.status_code == 303 and is_verified(user())
    assert "Please confirm your email address" not in text(client.get("/account/"))
    reused = confirm(client, token)
    assert reused.status_code == 422 and "already used" in text(reused)
    assert client.get(f"/account/verify/{token}").status_code == 404


def test_an_expired_link_is_refused(client, forms, app_ctx):
    register(forms)
    (token,) = links_to("robin@example.com")
    with mock.patch("storefront.accounts.verification.utcnow", return_value=utcnow() + timedelta(hours=24, seconds=1)):
        response = confirm(client, token)
    assert response.status_code == 422 and "expired" in text(response) and not is_verified(user())


def test_a_link_for_another_account_is_refused(app, client, forms, auth, app_ctx):
    register(forms)
    (token,) = links_to("robin@example.com")
    make_user("sam@example.com", verified=False)
    other = app.test_client()
    page = other.get("/account/login")
    other.post("/account/login", data={"csrf_token": csrf_from(page.data), "email": "sam@example.com",
                                       "password": PASSWORD})
    page = other.get(f"/account/verify/{token}")
    assert page.status_code == 404 and "for another account" in text(page)
    csrf = csrf_from(other.get("/account/").data)
    posted = other.post(f"/account/verify/{token}", data={"csrf_token": csrf})
    assert posted.status_code == 422 and "for another account" in text(posted)
    assert not is_verified(user()) and not is_verified(user("sam@example.com"))


@pytest.mark.parametrize("token", ["nope", "x" * 300, "%00", "a\u202eb"])
def test_unknown_or_hostile_links_are_refused_without_error(client, app_ctx, token):
    response = client.get(f"/account/verify/{token}")
    assert response.status_code == 404


def test_missing_csrf_verifies_nothing(client, forms, app_ctx):
    register(forms)
    (token,) = links_to("robin@example.com")
    response = client.post(f"/account/verify/{token}", data={})
    assert response.status_code == 400 and not is_verified(user())


def test_changing_the_email_sends_a_new_link_and_a_notice_to_the_old_address(client, forms, app_ctx):
    register(forms)
    (first,) = links_to("robin@example.com")
    confirm(client, first)
    assert is_verified(user())
    response = forms.post("/account/", {"name": "Robin Rye", "email": "robin.new@example.com", "phone": "",
                                        "current_password": "long enough pass"})
    assert response.status_code == 303
    changed = user("robin.new@example.com")
    assert not is_verified(changed)
    (new_link,) = links_to("robin.new@example.com")
    notices = db.session.scalars(sa.select(OutboxMessage.subject).where(
        OutboxMessage.to_address == "robin@example.com")).all()
    assert "Your account's email address was changed" in notices
    assert confirm(client, new_link).status_code == 303 and is_verified(user("robin.new@example.com"))


def test_an_old_link_dies_with_the_address_it_was_sent_to(client, forms, app_ctx):
    register(forms)
    (old,) = links_to("robin@example.com")
    forms.post("/account/", {"name": "Robin Rye", "email": "robin.new@example.com", "phone": "",
                             "current_password": "long enough pass"})
    response = confirm(client, old)
    assert response.status_code == 422 and not is_verified(user("robin.new@example.com"))


def test_send_the_link_again(client, forms, app_ctx):
    register(forms)
    (first,) = links_to("robin@example.com")
    assert forms.post("/account/", {}, action="/account/verify").status_code == 303
    first_again, second = links_to("robin@example.com")
    assert first_again == first and second != first
    assert confirm(client, first).status_code == 422  # replaced by the newer one
    assert confirm(client, second).status_code == 303 and is_verified(user())
    forms.post("/account/", {}, action="/account/verify")
    assert len(links_to("robin@example.com")) == 2  # already confirmed: nothing sent
    assert client.post("/account/verify", data={}).status_code == 400  # no CSRF token


def test_is_verified_for_nobody_is_false():
    assert is_verified(None) is False


# --- the address read back ------------------------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    ("robin@example.com", "We'll send the confirmation to robin@example.com — is that right?"),
    ("robin@", "check it is right"),
    ("", "check it is right"),
    ("a\x00b@example.com", "check it is right"),
    ("x" * 10_000, "check it is right"),
])
def test_the_email_echo_answers_every_value_without_error(client, app_ctx, value, shown):
    response = client.get("/account/email-echo", query_string={"email": value}, headers={"HX-Request": "true"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert shown in " ".join(one(response.data, "#email-echo").get_text().split())


@pytest.fixture
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


def test_checkout_reads_the_email_back_and_records_a_ticked_consent(client, frozen_clock, app_ctx):
    open_shop()
    product = make_product("Croissant", price="2.00", category=make_category("Pastries", slug="pastries")).id
    checkout = CheckoutClient(client)
    checkout.add(product)
    page = soup(checkout.page())
    box = page.select_one("input#marketing")
    assert box is not None and not box.has_attr("checked")
    shown = checkout.post({**checkout.form(), "action": "update", "email": "robin@exmaple.com"})
    echo = " ".join(one(shown.data, "#email-echo").get_text().split())
    assert echo == "We'll send the confirmation to robin@exmaple.com — is that right?"
    assert checkout.place().status_code == 303
    assert db.session.scalars(sa.select(MarketingConsent)).all() == []  # unticked: nothing recorded
    checkout.add(product)
    assert checkout.place(marketing="y", email="sam@example.com").status_code == 303
    row = db.session.scalars(sa.select(MarketingConsent)).one()
    assert (row.email, row.given, row.source, row.user_id) == ("sam@example.com", True, "checkout", None)


def test_the_booking_form_reads_the_email_back(client, app_ctx):
    from tests.support.html import form, get_form_addresses
    from tests.support.reservations import future_day, make_room

    make_room()
    search = client.get("/reservations", query_string={"date": future_day(3).isoformat(), "party": 2})
    link = get_form_addresses(search.data, starting="/reservations/book?")[0]
    page = client.get(link)
    assert "We'll send the confirmation to the email address above" in " ".join(
        one(page.data, "#email-echo").get_text().split())
    data = {**form(page, "#book-form"), "name": "Robin Rye", "email": "robin@exmaple.com", "phone": "call me"}
    refused = client.post("/reservations/book", data=data)
    assert refused.status_code == 422
    echo = " ".join(one(refused.data, "#email-echo").get_text().split())
    assert echo == "We'll send the confirmation to robin@exmaple.com — is that right?"
