"""Account journeys in a real browser, each with JavaScript on and off: the home page, register,
sign out and in, reset a forgotten password, and the sign-in form by keyboard."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from storefront.core.outbox import OutboxMessage
from tests.support.builders import PASSWORD, make_product, make_store, make_user

from .harness import check_page
from .pages import field_error, fill_sign_in, main_nav, sign_out
from .pages import press as submit

NEW_PASSWORD = "plum crumble at midnight"


def test_home_page(page: Page, live_server, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")
        make_product("Sourdough loaf", is_featured=True, price="4.80")

    response = page.goto("/")
    assert response.status == 200
    expect(page).to_have_title(re.compile("Loaf & Ladle"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Loaf & Ladle")
    favourites = page.get_by_role("region", name="Today’s favourites")
    expect(favourites.get_by_role("heading", name="Sourdough loaf")).to_be_visible()
    expect(favourites).to_contain_text("£4.80")
    nav = main_nav(page)
    expect(nav.get_by_role("link", name="Sign in")).to_be_visible()
    check_page(page, nu_checker, "home page")

    # The skip link is the first stop for the keyboard, shows itself, and moves focus to <main>.
    skip = page.get_by_role("link", name="Skip to main content")
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    expect(page).to_have_url(live_server.url + "/#main")


def test_register_sign_out_and_sign_in(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")

    page.goto("/account/register")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an account")
    check_page(page, nu_checker, "register page")

    # Nothing filled in: the form comes back (422) with a summary and an error at each field.
    answer = submit(page, "Create account", "/account/register", js=js_enabled)
    assert answer.status == 422
    expect(page).to_have_url(live_server.url + "/account/register")
    summary = page.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    # Focus lands on the summary (not lost to <body>), so the next Tab goes to its links.
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    expect(summary.get_by_role("link", name="Enter your name")).to_be_focused()
    for message in ("Enter your name", "Enter your email address", "Enter a password", "Confirm your password"):
        expect(summary.get_by_role("link", name=message)).to_be_visible()
    expect(field_error(page, "name")).to_have_text("Error: Enter your name")
    expect(field_error(page, "email")).to_have_text("Error: Enter your email address")
    expect(field_error(page, "password")).to_have_text("Error: Enter a password")
    expect(field_error(page, "confirm")).to_have_text("Error: Confirm your password")
    expect(page.get_by_label("Full name")).to_have_attribute("aria-invalid", "true")
    check_page(page, nu_checker, "register page with errors")

    # A valid registration signs the new customer in.
    page.get_by_label("Full name").fill("Robin Baker")
    page.get_by_label("Email address").fill("robin@example.com")
    page.get_by_label("Phone number (optional)").fill("0117 496 0000")
    page.get_by_label("Create a password").fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    submit(page, "Create account", "/account/register", js=js_enabled)
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("status")).to_contain_text("Welcome, Robin Baker! Your account is ready.")
    expect(page.get_by_text("Signed in as robin@example.com")).to_be_visible()
    check_page(page, nu_checker, "account page after registering")

    sign_out(page, live_server.url)
    check_page(page, nu_checker, "home page after signing out")

    # A wrong password is refused with a clear message …
    main_nav(page).get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    check_page(page, nu_checker, "sign-in page")
    fill_sign_in(page, "robin@example.com", "not my password")
    answer = submit(page, "Sign in", "/account/login", js=js_enabled)
    assert answer.status == 422
    expect(page).to_have_url(live_server.url + "/account/login")
    expect(page.get_by_role("alert")).to_contain_text("The email or password is not right")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(field_error(page, "password")).to_have_text("Error: Check your password and try again")
    expect(page.get_by_label("Email address")).to_have_value("robin@example.com")
    check_page(page, nu_checker, "sign-in page with a wrong password")

    # … and the right one signs in.
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    submit(page, "Sign in", "/account/login", js=js_enabled)
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("status")).to_contain_text("Welcome back, Robin Baker.")
    check_page(page, nu_checker, "account page after signing in")


def _reset_link_path(db_data, email: str) -> str:
    with db_data() as session:
        bodies = session.scalars(sa.select(OutboxMessage.body_text)
                                 .where(OutboxMessage.to_address == email)).all()
    assert len(bodies) == 1, f"expected one email to {email}, found {len(bodies)}"
    match = re.search(r"http://127\.0\.0\.1(/account/reset/[A-Za-z0-9_-]+)", bodies[0])
    assert match, f"no reset link in the email:\n{bodies[0]}"
    return match.group(1)


def test_reset_a_forgotten_password(page: Page, live_server, js_enabled, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")
        make_user("sam@example.com", name="Sam Crust")

    page.goto("/account/login")
    check_page(page, nu_checker, "sign-in page")
    page.get_by_role("link", name="Forgotten your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reset your password")
    check_page(page, nu_checker, "reset request page")

    page.get_by_label("Email address").fill("sam@example.com")
    submit(page, "Send reset link", "/account/reset", js=js_enabled)
    expect(page).to_have_url(live_server.url + "/account/reset/sent")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    check_page(page, nu_checker, "reset sent page")

    link = _reset_link_path(db_data, "sam@example.com")
    response = page.goto(link)
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    check_page(page, nu_checker, "new password page")

    # The confirmation must match.
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD + "!")
    answer = submit(page, "Set new password", link, js=js_enabled)
    assert answer.status == 422
    expect(page).to_have_url(live_server.url + link)
    expect(page.get_by_role("alert")).to_contain_text("The passwords do not match")
    expect(page.get_by_role("alert")).to_be_focused()
    expect(field_error(page, "confirm")).to_have_text("Error: The passwords do not match")
    check_page(page, nu_checker, "new password page with errors")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm new password").fill(NEW_PASSWORD)
    submit(page, "Set new password", link, js=js_enabled)
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    expect(page.get_by_role("status")).to_contain_text("Your password is reset and you are signed in.")
    expect(page.get_by_text("Signed in as sam@example.com")).to_be_visible()
    check_page(page, nu_checker, "account page after the reset")

    # The new password is the one that works now.
    sign_out(page, live_server.url)
    check_page(page, nu_checker, "home page after signing out")
    page.goto("/account/login")
    fill_sign_in(page, "sam@example.com", NEW_PASSWORD)
    submit(page, "Sign in", "/account/login", js=js_enabled)
    expect(page).to_have_url(live_server.url + "/account/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    sign_out(page, live_server.url)

    # The link worked once.
    response = page.goto(link)
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("This link has expired")
    expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
    check_page(page, nu_checker, "used reset link")


def test_sign_in_form_by_keyboard(page: Page, db_data, nu_checker):
    with db_data():
        make_store(name="Loaf & Ladle")

    page.goto("/account/login")
    check_page(page, nu_checker, "sign-in page")
    email = page.get_by_label("Email address")

    # Tab through the header until the first field; it must come within a few stops.
    for _ in range(15):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement && document.activeElement.id") == "email":
            break
    expect(email).to_be_focused()

    stops = [email, page.get_by_label("Password", exact=True), page.get_by_label("Keep me signed in on this device"),
             page.get_by_role("button", name="Sign in", exact=True)]
    for index, control in enumerate(stops):
        if index:
            page.keyboard.press("Tab")
        expect(control).to_be_focused()
        expect(control).not_to_have_css("outline-style", "none")


def test_sign_out_everywhere(page: Page, live_server, js_enabled, new_context, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("robin@example.com", name="Robin Baker")
    phone = new_context(java_script_enabled=js_enabled).new_page()
    for browser_page in (phone, page):
        browser_page.goto("/account/login")
        browser_page.get_by_label("Email address").fill("robin@example.com")
        browser_page.get_by_label("Password", exact=True).fill(PASSWORD)
        browser_page.get_by_role("button", name="Sign in", exact=True).click()
        expect(browser_page.get_by_role("heading", level=1)).to_have_text("Your account")
    check_page(page, nu_checker, "account page with sign out everywhere")

    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page).to_have_url(live_server.url + "/account/login")
    expect(page.get_by_role("status")).to_contain_text("You are signed out on every device, this one too.")
    check_page(page, nu_checker, "sign-in page after signing out everywhere")
    phone.goto("/account/")
    expect(phone).to_have_url(re.compile(r"/account/login\?next="))
