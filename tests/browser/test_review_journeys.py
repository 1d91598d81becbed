"""Review journeys in a real browser, each with JavaScript on and off: review a product one has
bought (after a first try with mistakes), review a visit with food, service and ambience,
sort and filter the list and show more, mark a review helpful and read the shop's reply, and
hostile text shown as text. Every state the reader sees is checked with the Nu HTML checker
and axe-core."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from playwright.sync_api import Locator, Page, Response, expect

from storefront.core.time import utcnow
from storefront.menu.models import Product
from storefront.reviews import service
from storefront.reviews.models import Review
from tests.support.builders import PASSWORD, make_category, make_product, make_store, make_user
from tests.support.reviews import make_order, write

from .harness import check_page

BUYER = "buyer@example.com"


def seed(db_data) -> None:
    with db_data():
        make_store(name="Loaf & Ladle")
        breads = make_category("Breads", slug="breads")
        loaf = make_product("Sourdough loaf", category=breads, slug="sourdough-loaf", price="4.80")
        make_product("Rye bread", category=breads, slug="rye-bread", price="5.20")
        buyer = make_user(BUYER, name="Bea Buyer")
        make_order(buyer, [loaf])


@contextmanager
def posting(page: Page, path: str, *, htmx: bool):
    """The block must POST to `path`: through htmx (no page load) or as a plain form post."""
    with page.expect_response(lambda r: r.request.method == "POST" and urlsplit(r.url).path == path) as answer:
        yield answer
    response: Response = answer.value
    assert (response.request.headers.get("hx-request") == "true") == htmx, f"POST {path}: wrong way to travel"
    page.wait_for_load_state("load")


def sign_in(page: Page, email: str, *, js: bool) -> None:
    page.goto("/account/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with posting(page, "/account/login", htmx=js):
        page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account")


def stars(page: Page, group: str) -> Locator:
    return page.get_by_role("group", name=group, exact=True)


def choose(page: Page, group: str, n: int) -> None:
    """Press the n-th star of a star group (its label, as a pointer user would)."""
    stars(page, group).locator("label").filter(has_text=f"{n} star").click()
    expect(stars(page, group).get_by_role("radio", name=f"{n} star", exact=False)).to_be_checked()


def list_titles(page: Page) -> Locator:
    return page.locator("#review-items article.review h3")


def test_review_a_bought_product(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed(db_data)
    sign_in(page, BUYER, js=js_enabled)
    page.goto("/menu/sourdough-loaf")
    expect(page.locator("#rating-overview")).to_contain_text("No reviews yet")
    expect(page.get_by_role("heading", name="Write a review")).to_be_visible()
    check_page(page, nu_checker, "a product with no reviews")

    # A first try with no stars and too few words: both said beside their fields.
    page.get_by_label("Your review").fill("Great")
    with posting(page, "/reviews/product/sourdough-loaf", htmx=js_enabled) as answer:
        page.get_by_role("button", name="Post review").click()
    assert answer.value.status == 422
    expect(page.locator("#rating-error")).to_contain_text("Choose a rating from 1 to 5 stars")
    expect(page.locator("#body-error")).to_contain_text("Write between 10 and 2000 characters")
    check_page(page, nu_checker, "the review form with errors")

    choose(page, "Rating", 4)
    page.get_by_label("Title (optional)").fill("Proper crust")
    page.get_by_label("Your review").fill("A crackly crust and a soft, tangy crumb.")
    with posting(page, "/reviews/product/sourdough-loaf", htmx=js_enabled):
        page.get_by_role("button", name="Post review").click()
    expect(page.locator("#write-review, #toasts")).to_contain_text(["Your review is published"])
    expect(page.locator("#rating-overview")).to_contain_text("4.0 out of 5 · 1 review")
    expect(list_titles(page)).to_have_text(["Proper crust"])
    expect(page.locator("#review-items .badge--verified")).to_have_text(["Verified purchase"])
    expect(page.get_by_role("button", name="Post review")).to_have_count(0)
    check_page(page, nu_checker, "the product after the review")

    page.goto("/menu")
    card = page.locator(".product-card", has_text="Sourdough loaf")
    expect(card.locator(".card-rating")).to_contain_text("4.0 (1 review)")
    check_page(page, nu_checker, "the menu with a rated product")


def test_review_a_visit_with_sub_ratings(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed(db_data)
    sign_in(page, BUYER, js=js_enabled)
    page.goto("/reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("Reviews of Loaf & Ladle")
    visit = page.get_by_label("Which visit?")
    expect(visit.locator("option:checked")).to_contain_text("Order T")
    check_page(page, nu_checker, "the visit review page")

    choose(page, "Rating", 5)
    # The food stars by keyboard: a real radio group, so arrows move through it.
    stars(page, "Food").get_by_role("radio", name="5 stars: Excellent").focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowRight")  # 5 → 4 in the markup's order
    expect(stars(page, "Food").get_by_role("radio", name="4 stars: Good")).to_be_checked()
    choose(page, "Service", 3)
    choose(page, "Ambience", 5)
    page.get_by_label("Your review").fill("Lovely lunch, but we waited a while for coffee.")
    with posting(page, "/reviews", htmx=js_enabled):
        page.get_by_role("button", name="Post review").click()
    expect(page.locator("#write-review, #toasts")).to_contain_text(["Your review is published"])
    review = page.locator("#review-items article.review").first
    expect(review.locator(".badge--verified")).to_have_text("Verified visit")
    for name in ("Rated 5 out of 5", "Food: 4 out of 5", "Service: 3 out of 5", "Ambience: 5 out of 5"):
        expect(review.get_by_role("img", name=name, exact=True)).to_be_visible()
    expect(page.locator("#rating-overview .sub-ratings")).to_contain_text("Service")
    check_page(page, nu_checker, "the visit review posted")


def seed_many(db_data) -> int:
    """Twelve reviews of the loaf by others (ratings 5,4,3,2,1,…), the oldest with a reply."""
    seed(db_data)
    with db_data() as session:
        loaf = session.scalar(sa.select(Product).where(Product.slug == "sourdough-loaf"))
        now = utcnow()
        for i in range(12):
            user = make_user(f"reader{i}@example.com", name=f"Reader {i}")
            review = write(user, loaf, 5 - i % 5, title=f"Review {i}")
            review.created_at = now - timedelta(days=12 - i)
        session.commit()
        first = session.scalar(sa.select(Review).where(Review.title == "Review 0"))
        service.reply(session, first.id, "Thank you for your kind words!")
        return first.id


def test_sort_filter_show_more_mark_helpful_and_read_a_reply(page: Page, live_server, js_enabled, db_data,
                                                             nu_checker):
    replied = seed_many(db_data)
    sign_in(page, BUYER, js=js_enabled)
    page.goto("/menu/sourdough-loaf")
    expect(list_titles(page)).to_have_count(10)
    expect(list_titles(page).first).to_have_text("Review 11")

    more = page.get_by_role("link", name="Show more reviews")
    more.click()
    if js_enabled:
        expect(list_titles(page)).to_have_count(12)  # appended in place
        expect(page.locator("#review-items > li").nth(10)).to_be_focused()  # the first new review
    else:
        expect(list_titles(page)).to_have_text(["Review 1", "Review 0"])  # the next page
    reply = page.locator(f"#review-{replied} .review-reply")
    expect(reply).to_contain_text("Reply from Loaf & Ladle")
    expect(reply).to_contain_text("Thank you for your kind words!")
    check_page(page, nu_checker, "more reviews with a reply")

    page.get_by_label("Sort reviews by").select_option("lowest")
    page.get_by_label("Show", exact=True).select_option("1")
    if not js_enabled:
        page.get_by_role("button", name="Show reviews").click()
    expect(list_titles(page)).to_have_text(["Review 9", "Review 4"])
    # A shareable address either way (a plain GET form also sends the empty "verified").
    expect(page).to_have_url(re.compile(r"/menu/sourdough-loaf\?sort=lowest&stars=1(&verified=)?(#reviews)?$"))
    check_page(page, nu_checker, "the lowest one-star reviews")

    helpful = page.locator("#review-items article", has_text="Review 9").get_by_role("button", name="Helpful")
    expect(helpful).to_have_attribute("aria-pressed", "false")
    with posting(page, urlsplit(page.locator("#review-items article", has_text="Review 9")
                                .locator("form.helpful-form").get_attribute("action")).path, htmx=js_enabled):
        helpful.click()
    article = page.locator("#review-items article", has_text="Review 9")
    expect(article.get_by_role("button", name="Helpful")).to_have_attribute("aria-pressed", "true")
    expect(article).to_contain_text("1 person found this helpful")
    check_page(page, nu_checker, "a review marked helpful")


def test_hostile_review_text_is_shown_as_text(page: Page, live_server, js_enabled, db_data, nu_checker):
    seed(db_data)
    with db_data() as session:
        loaf = session.scalar(sa.select(Product).where(Product.slug == "sourdough-loaf"))
        villain = make_user("villain@example.com", name="Val Villain")
        write(villain, loaf, 1, title='"><img src=x onerror=alert(1)>',
              body="<script>alert(1)</script> and <b>bold</b> claims")
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/menu/sourdough-loaf")
    article = page.locator("#review-items article").first
    expect(article.get_by_role("heading")).to_have_text('"><img src=x onerror=alert(1)>')
    expect(article.locator(".review-body")).to_have_text("<script>alert(1)</script> and <b>bold</b> claims")
    expect(page.locator("#review-items img")).to_have_count(0)
    expect(page.locator("#review-items b")).to_have_count(0)
    check_page(page, nu_checker, "a product with hostile review text")
    assert dialogs == []
