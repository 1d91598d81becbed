"""Back-office upkeep in a real browser, each with JavaScript on and off: hide a review and see
the product's average change, reply to a review and read it on the product page, keep a block
list; see the cakes due; as an admin, invite a member of staff and deactivate a customer. Every
page is checked with axe-core and the Nu HTML checker."""
from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from storefront.accounts.models import Role
from storefront.cakes.models import CakeConfiguration
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.orders.models import Status
from tests.support.builders import make_product, make_store, make_user
from tests.support.orders import make_order
from tests.support.reviews import write

from .harness import check_page
from .test_staff_journeys import sign_in


def average(page: Page):
    return page.locator("#rating-overview .rating-average")


def test_hide_a_review_and_reply_to_another_on_the_product_page(page: Page, live_server, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("staff@example.com", role=Role.STAFF)
        loaf = make_product("Sourdough loaf", slug="sourdough-loaf")
        write(make_user("g@example.com", name="Gwen Good"), loaf, rating=5, body="The best sourdough in town.")
        bad = write(make_user("b@example.com", name="Bo Bad"), loaf, rating=1, body="Awful, stale, never again.").id
        write(make_user("h@example.com"), loaf, rating=5, body="Cheap loaves at www.example.com friends")
    page.goto("/menu/sourdough-loaf")
    expect(average(page)).to_contain_text("3.0 out of 5 · 2 reviews")

    sign_in(page)
    page.goto("/staff/")
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Reviews").click()
    expect(page.get_by_role("heading", name="Held for you (1)")).to_be_visible()
    check_page(page, nu_checker, "staff reviews")
    page.get_by_role("button", name=f"Hide review {bad}").click()
    expect(page.get_by_text(f"Review {bad} is hidden.")).to_be_visible()

    gwen = page.locator("article.staff-review", has_text="The best sourdough in town.")
    gwen.get_by_text("Write a reply").click()
    gwen.get_by_label("The shop’s public reply").fill("Thank you, Gwen — see you on Saturday!")
    gwen.get_by_role("button", name=re.compile("^Publish the reply")).click()
    expect(page.get_by_text(re.compile(r"Your reply to review \d+ is published\."))).to_be_visible()

    page.get_by_label("Blocked words").fill("soggy\nmouldy")
    page.get_by_role("button", name="Save the block list").click()
    expect(page.get_by_text("The block list has 2 words.", exact=False)).to_be_visible()
    check_page(page, nu_checker, "staff reviews after decisions")

    page.goto("/menu/sourdough-loaf")
    expect(average(page)).to_contain_text("5.0 out of 5 · 1 review")
    expect(page.get_by_text("Awful, stale, never again.")).to_have_count(0)
    expect(page.locator(".review-reply")).to_contain_text("Thank you, Gwen — see you on Saturday!")


def test_a_bad_reply_is_refused_beside_its_box(page: Page, live_server, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("staff@example.com", role=Role.STAFF)
        review = write(make_user("g@example.com"), make_product("Bun"), body="A very fine bun indeed.").id
    sign_in(page)
    page.goto("/staff/reviews")
    box = page.locator(f"#staff-review-{review}")
    box.get_by_text("Write a reply").click()
    box.get_by_label("The shop’s public reply").fill("Thanks \u202efor the kind words")
    box.get_by_role("button", name=re.compile("^Publish the reply")).click()
    expect(page.locator(f"#reply-{review}-error")).to_contain_text("We can't accept control or text-direction")
    check_page(page, nu_checker, "staff reviews with a refused reply")


def test_the_cakes_due_screen(page: Page, live_server, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("staff@example.com", role=Role.STAFF)
        order = make_order(status=Status.CONFIRMED, due=utcnow() + timedelta(days=2), quantity=1)
        db.session.add(CakeConfiguration(order_line_id=order.lines[0].id, due_on=(utcnow() + timedelta(days=2)).date(),
                                         choices=[["Size", "8-inch"], ["Sponge", "Lemon"]], items=[["8-inch", "30.00"]],
                                         message="Happy birthday Ada", notes="Candles please", cakes_claimed=1))
        number = order.number
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    expect(page.get_by_role("region", name="Cakes due today")).to_contain_text("1 in the next seven days")
    page.get_by_role("link", name="See the cakes due").click()
    cake = page.locator("article.cake-due")
    expect(cake).to_contain_text(number)
    expect(cake).to_contain_text("“Happy birthday Ada”")
    expect(cake).to_contain_text("Candles please")
    check_page(page, nu_checker, "cakes due")


def test_an_admin_invites_staff_and_deactivates_a_customer(page: Page, live_server, db_data, nu_checker):
    with db_data():
        make_store()
        make_user("admin@example.com", role=Role.ADMIN, name="Ada Admin")
        make_user("casey@example.com", name="Casey Crumb")
    sign_in(page, "admin@example.com")
    page.goto("/staff/")
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="People").click()
    check_page(page, nu_checker, "people")
    page.get_by_label("Name", exact=True).fill("Sam Baker")
    page.get_by_label("Email address").fill("not an email")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator("#email-error")).to_contain_text("Enter an email address like")
    check_page(page, nu_checker, "people with a refused invitation")
    page.get_by_label("Email address").fill("sam@example.com")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text("Sam Baker is invited as staff", exact=False)).to_be_visible()
    expect(page.get_by_role("table", name="Staff and admin accounts")).to_contain_text("sam@example.com")

    page.get_by_label("Name, email or phone").fill("crumb")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Casey Crumb").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Crumb")
    check_page(page, nu_checker, "a customer's account")
    page.get_by_role("button", name="Deactivate the account").click()
    expect(page.get_by_text("Casey Crumb’s account is deactivated", exact=False)).to_be_visible()
    expect(page.get_by_role("button", name="Reactivate the account")).to_be_visible()
