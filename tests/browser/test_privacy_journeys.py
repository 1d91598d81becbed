"""Privacy journeys in a real browser, each with JavaScript on and off: download my data, delete
my account (a wrong password first), and confirm an email address from its link."""
from __future__ import annotations

import json
import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.core.outbox import OutboxMessage
from tests.support.builders import PASSWORD, make_product, make_store, make_user
from tests.support.reviews import make_order

from .harness import check_page
from .pages import field_error, fill_sign_in, sign_in
from .pages import press as submit


def test_download_my_data(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")
        me = make_user("quillon@example.com", name="Quillon Marchetti")
        make_order(me, [make_product("Rye loaf")])
        other = make_user("zebedee@example.com", name="Zebedee Okonkwo")
        make_order(other, [make_product("Seeded loaf")])

    sign_in(page, "quillon@example.com", js=js_enabled)
    section = page.get_by_role("region", name="Your data and privacy")
    expect(section).to_be_visible()
    expect(page.get_by_role("checkbox", name=re.compile("Email me news and offers"))).not_to_be_checked()
    check_page(page, nu_checker, "account page with its privacy section")

    with page.expect_download() as download:
        section.get_by_role("link", name="Download my data").click()
    assert re.fullmatch(r"my-data-\d{4}-\d\d-\d\d\.json", download.value.suggested_filename)
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["profile"]["email"] == "quillon@example.com"
    assert [line["name"] for order in data["orders"] for line in order["lines"]] == ["Rye loaf"]
    assert "Zebedee" not in json.dumps(data) and "Seeded loaf" not in json.dumps(data)


def test_delete_my_account(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")
        make_user("quillon@example.com", name="Quillon Marchetti")

    sign_in(page, "quillon@example.com", js=js_enabled)
    page.get_by_role("link", name="Delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    check_page(page, nu_checker, "delete account page")

    # A wrong password: the form again, the reason beside the field, nothing deleted.
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label(re.compile("I understand")).check()
    answer = submit(page, "Delete my account", "/account/privacy/delete", js=js_enabled)
    assert answer.status == 422
    expect(field_error(page, "password")).to_contain_text("That is not your password. Nothing was deleted.")
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    check_page(page, nu_checker, "delete account page with an error")

    page.get_by_label("Your password").fill(PASSWORD)
    if not page.get_by_label(re.compile("I understand")).is_checked():
        page.get_by_label(re.compile("I understand")).check()
    submit(page, "Delete my account", "/account/privacy/delete", js=js_enabled)
    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("status")).to_contain_text("Your account is deleted")
    check_page(page, nu_checker, "home page after deleting the account")

    # Signed out, and the old password opens nothing.
    page.goto("/account/login")
    fill_sign_in(page, "quillon@example.com", PASSWORD)
    answer = submit(page, "Sign in", "/account/login", js=js_enabled)
    assert answer.status == 422
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")


def test_confirm_my_email_address(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")

    page.goto("/account/register")
    page.get_by_label("Full name").fill("Robin Rye")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_label("Create a password").fill("long enough pass")
    page.get_by_label("Confirm password").fill("long enough pass")
    submit(page, "Create account", "/account/register", js=js_enabled)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    nudge = page.locator(".verify-nudge")
    expect(nudge).to_contain_text("Please confirm your email address")
    check_page(page, nu_checker, "account page of an unconfirmed address")

    with db_data() as session:
        body = session.scalars(sa.select(OutboxMessage.body_text).where(
            OutboxMessage.subject.startswith("Confirm your email address"))).one()
    link = re.search(r"/account/verify/[A-Za-z0-9_-]+", body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your email address")
    check_page(page, nu_checker, "email confirmation page")
    submit(page, "Confirm my email address", link, js=js_enabled)
    expect(page.get_by_role("status")).to_contain_text("robin@example.com is confirmed")
    expect(page.locator(".verify-nudge")).to_have_count(0)
