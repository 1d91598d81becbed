"""What the browser journeys do and look at again and again: press a button and check how the
request travelled (htmx with JavaScript, a plain page load without), sign in and out, add to the
cart, go to checkout, fill in contact details; and the parts of the page every journey reads
(cart badge, toasts, field errors)."""
from __future__ import annotations

import re
from contextlib import contextmanager
from urllib.parse import urlsplit

from playwright.sync_api import Locator, Page, Response, expect

from tests.support.builders import PASSWORD

# --------------------------------------------------------------------------------------------
# Travelling
# --------------------------------------------------------------------------------------------

def _goes_to(path: str | re.Pattern, method: str, sending: str | None = None):
    def matches(response: Response) -> bool:
        if response.request.method != method:
            return False
        if sending is not None and sending not in (response.request.post_data or "").split("&"):
            return False
        where = urlsplit(response.url).path
        return bool(path.search(where)) if isinstance(path, re.Pattern) else where == path
    return matches


@contextmanager
def posting(page: Page, path: str | re.Pattern, *, htmx: bool, method: str = "POST", see_other: bool = False,
            sending: str | None = None):
    """Whatever the block does must send a request to `path` (a path, or a pattern searched in
    it), and the way it travels is checked: through htmx (no page load), or as a plain form
    submission that loads a page — answered 303 when `see_other`. With `sending` (`name=value`,
    URL-encoded), only a request whose form data holds it counts: on a page whose fields also
    post by themselves, the button's own request. Yields the answer's info."""
    with page.expect_response(_goes_to(path, method, sending)) as answer:
        yield answer
    response: Response = answer.value
    if htmx:
        assert response.request.headers.get("hx-request") == "true", f"{method} {path} was not sent by htmx"
        assert not response.request.is_navigation_request(), f"{method} {path} loaded a whole page"
    else:
        assert response.request.headers.get("hx-request") is None, f"{method} {path} was sent by htmx"
        assert response.request.is_navigation_request(), f"{method} {path} did not load a page"
        if see_other:
            assert response.status == 303, f"{method} {path} answered {response.status}, not 303"
    page.wait_for_load_state("load")


def press(page: Page, button: str, path: str | re.Pattern, *, js: bool, method: str = "POST") -> Response:
    """Press the button called exactly `button`; returns the server's answer after checking how
    the request travelled."""
    with posting(page, path, htmx=js, method=method) as answer:
        page.get_by_role("button", name=button, exact=True).click()
    return answer.value


# --------------------------------------------------------------------------------------------
# What every page shows
# --------------------------------------------------------------------------------------------

def main_nav(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Main")


def badge(page: Page) -> Locator:
    """The header's cart link; its text is "Cart", then the count and "item(s)" for screen readers."""
    return main_nav(page).locator("a#cart-badge")


def toasts(page: Page) -> Locator:
    return page.locator("#toasts")


def field_error(page: Page, field_id: str) -> Locator:
    """The message beside one field (it starts with a hidden "Error: ")."""
    return page.locator(f"#{field_id}-error")


def error_summary(page: Page) -> Locator:
    return page.get_by_role("alert").filter(has=page.get_by_role("heading", name="There is a problem"))


# --------------------------------------------------------------------------------------------
# Journeys' steps
# --------------------------------------------------------------------------------------------

def fill_sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)


def sign_in(page: Page, email: str, password: str = PASSWORD, *, js: bool) -> Response:
    """Open the sign-in page, sign in and land on the account page."""
    page.goto("/account/login")
    fill_sign_in(page, email, password)
    answer = press(page, "Sign in", "/account/login", js=js)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")
    return answer


def sign_out(page: Page, base: str) -> None:
    main_nav(page).get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(base + "/")
    expect(page.get_by_role("status")).to_contain_text("You are signed out.")
    expect(main_nav(page).get_by_role("link", name="Sign in")).to_be_visible()


def added_note(page: Page, name: str | None = None) -> Locator:
    """The live region beside a product's "Add to cart" button: a card's (by product name), or
    the product page's own."""
    if name is None:
        return page.locator("article.product-detail").get_by_role("status")
    return page.locator("article.product-card").filter(has=page.get_by_role("heading", name=name)).get_by_role("status")


def add_on_product_page(page: Page, slug: str, quantity: int, *, js: bool) -> None:
    """Open a product's page, type a quantity and press "Add to cart"."""
    page.goto(f"/menu/{slug}")
    page.get_by_label("Quantity").fill(str(quantity))
    with posting(page, "/cart/add", htmx=js, see_other=True):
        page.get_by_role("button", name="Add to cart", exact=True).click()
    expect(added_note(page)).to_contain_text(f"Added {quantity} ×")


def add_from_menu(page: Page, name: str, *, js: bool, count: int) -> None:
    """Press a menu card's "Add … to cart"; the header then says `count` items."""
    with posting(page, "/cart/add", htmx=js, see_other=True):
        page.get_by_role("button", name=f"Add {name} to cart", exact=True).click()
    expect(badge(page)).to_have_text(f"Cart {count} item{'s' if count != 1 else ''}")


def open_cart(page: Page, base: str) -> None:
    badge(page).click()
    expect(page).to_have_url(base + "/cart")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your cart")


def go_to_checkout(page: Page, base: str) -> None:
    """From anywhere: the header's cart link, then the cart's "Go to checkout" link."""
    open_cart(page, base)
    # The cart draws this link as a button (role="button"), so that is how it is announced.
    page.get_by_role("button", name="Go to checkout").click()
    expect(page).to_have_url(base + "/checkout")
    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")


def fill_details(page: Page, *, name: str, email: str, phone: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Phone number").fill(phone)
