"""Shop upkeep in a real browser, JavaScript on and off: change a day's opening hours and see the
reservation times follow; refused input (an overlapping period, a bad postcode prefix, tables
from two areas) shows its message beside the field; a closure, a zone and a table are added.
Every upkeep page and state is checked by axe-core and the Nu HTML checker."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from storefront.accounts.models import Role
from tests.support.builders import PASSWORD, make_store, make_user
from tests.support.reservations import future_day, make_rules, make_table, open_every_day

from .harness import check_page
from .pages import field_error, posting, press

DAY = future_day(4)
DAY_LABEL = f"{DAY:%A}, {DAY.day} {DAY:%B %Y}"
WEEKDAY = f"{DAY:%A}"


def sign_in(page: Page) -> None:
    page.goto("/account/login")
    page.get_by_label("Email address", exact=True).fill("staff@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff")).to_be_visible()


def times(page: Page):
    page.goto(f"/reservations?date={DAY.isoformat()}&party=2")
    return page.get_by_role("list", name=f"Free times on {DAY_LABEL}", exact=True).get_by_role("button")


def signed_in_with_one_table(page: Page, db_data) -> None:
    """A shop open 12:00–22:00 every day with one table for two, and staff signed in."""
    with db_data():
        make_store()
        open_every_day("12:00", "22:00")
        make_rules()
        make_table("T1", 1, 2)
        make_user("staff@example.com", role=Role.STAFF)
    sign_in(page)


def upkeep(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Staff").click()
    page.get_by_role("navigation", name="Back office").get_by_role("link", name="Shop").click()
    page.get_by_role("link", name=section, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(section)


def test_change_opening_hours_and_the_reservation_times_follow(page: Page, live_server, db_data, nu_checker,
                                                               js_enabled):
    signed_in_with_one_table(page, db_data)
    expect(times(page).first).to_have_accessible_name("12:00")

    upkeep(page, "Opening hours")
    check_page(page, nu_checker, "opening hours list")

    # A second period that overlaps the first: refused beside the field, nothing saved.
    page.get_by_role("link", name="Add an opening period").click()
    page.get_by_label("Day", exact=True).select_option(label=WEEKDAY)
    page.get_by_label("Opens", exact=True).fill("21:00")
    page.get_by_label("Closes", exact=True).fill("23:00")
    press(page, "Add opening period", "/staff/shop/hours/edit", js=js_enabled)
    expect(field_error(page, "opens_at")).to_contain_text(f"This overlaps {WEEKDAY}'s 12:00–22:00.")
    check_page(page, nu_checker, "opening period refused")
    page.get_by_role("link", name="Back without saving").click()

    page.get_by_role("link", name=f"Edit opening period {WEEKDAY} 12:00–22:00").click()
    check_page(page, nu_checker, "edit an opening period")
    page.get_by_label("Opens", exact=True).fill("17:00")
    press(page, "Save changes", re.compile(r"^/staff/shop/hours/edit$"), js=js_enabled)
    expect(page.get_by_text(f"Saved opening period {WEEKDAY} 17:00–22:00.")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(f"^{WEEKDAY} 17:00 22:00"))).to_be_visible()

    shown = times(page)
    expect(shown.first).to_have_accessible_name("17:00")
    expect(shown.filter(has_text="12:00")).to_have_count(0)

    # The change is in the audit log with before and after.
    page.goto("/staff/audit?target_type=opening_period")
    expect(page.locator("#audit-results")).to_contain_text("12:00")
    expect(page.locator("#audit-results")).to_contain_text("17:00")


def test_add_a_closure_a_zone_a_table_and_refuse_a_mixed_combination(page: Page, live_server, db_data, nu_checker,
                                                                     js_enabled):
    signed_in_with_one_table(page, db_data)
    page.goto("/staff/shop/")
    check_page(page, nu_checker, "shop upkeep index")

    upkeep(page, "Closures")
    page.get_by_role("link", name="Add a closure").click()
    page.get_by_label("First day closed", exact=True).fill(DAY.isoformat())
    page.get_by_label("Reason (customers see this)", exact=True).fill("Staff training")
    press(page, "Add closure", "/staff/shop/closures/edit", js=js_enabled)
    expect(page.get_by_role("row", name=re.compile(f"^{DAY.isoformat()} {DAY.isoformat()} Staff training"))) \
        .to_be_visible()
    check_page(page, nu_checker, "closures list")
    expect(times(page)).to_have_count(0)
    expect(page.get_by_text("Staff training").first).to_be_visible()

    upkeep(page, "Delivery zones")
    page.get_by_role("link", name="Add a delivery zone").click()
    page.get_by_label("Zone name", exact=True).fill("Harbourside")
    page.get_by_label("Postcode areas and districts", exact=True).fill("BS1 XX9")
    page.get_by_label("Delivery fee (£)", exact=True).fill("-2")
    page.get_by_label("Minimum order (£)", exact=True).fill("10")
    press(page, "Add delivery zone", "/staff/shop/zones/edit", js=js_enabled)
    expect(field_error(page, "fee")).to_contain_text("Enter an amount from 0 to 100")
    page.get_by_label("Delivery fee (£)", exact=True).fill("2.75")
    press(page, "Add delivery zone", "/staff/shop/zones/edit", js=js_enabled)
    expect(field_error(page, "postcode_prefixes")).to_contain_text("Not a UK postcode area or district: XX9.")
    expect(field_error(page, "fee")).to_have_count(0)
    check_page(page, nu_checker, "zone refused")
    page.get_by_label("Postcode areas and districts", exact=True).fill("BS1")
    press(page, "Add delivery zone", "/staff/shop/zones/edit", js=js_enabled)
    expect(page.get_by_role("row", name=re.compile("^Harbourside BS1 £2.75 £10.00 Yes"))).to_be_visible()

    upkeep(page, "Tables")
    page.get_by_role("link", name="Add a table").click()
    page.get_by_label("Table name", exact=True).fill("P1")
    page.get_by_label("Area", exact=True).fill("terrace")
    page.get_by_label("Fewest guests", exact=True).fill("2")
    page.get_by_label("Most guests", exact=True).fill("4")
    page.get_by_label("Order on the book", exact=True).fill("1")
    press(page, "Add table", "/staff/shop/tables/edit", js=js_enabled)
    expect(page.get_by_role("row", name=re.compile("^P1 terrace 2–4 Yes"))).to_be_visible()
    check_page(page, nu_checker, "tables list")

    upkeep(page, "Table combinations")
    page.get_by_role("link", name="Add a combination").click()
    page.get_by_label("Combination name", exact=True).fill("T1+P1")
    page.get_by_label("T1 (inside)", exact=True).check()
    page.get_by_label("P1 (terrace)", exact=True).check()
    page.get_by_label("Fewest guests", exact=True).fill("3")
    page.get_by_label("Most guests", exact=True).fill("6")
    press(page, "Add combination", "/staff/shop/combinations/edit", js=js_enabled)
    expect(field_error(page, "tables")).to_contain_text("Tables from different areas cannot be joined")
    check_page(page, nu_checker, "combination refused")


def test_a_delete_asks_first_then_deletes(page: Page, live_server, db_data, nu_checker, js_enabled):
    signed_in_with_one_table(page, db_data)
    upkeep(page, "Tables")
    step = page.locator("details.confirm-step")
    step.get_by_text("Delete…").click()
    expect(step.get_by_text("Delete table T1 for good?")).to_be_visible()
    check_page(page, nu_checker, "delete a table: the question")
    with posting(page, "/staff/shop/tables/delete", htmx=False, see_other=True):
        page.get_by_role("button", name="Yes, delete T1", exact=True).click()
    expect(page.get_by_text("Deleted table T1.")).to_be_visible()
    expect(page.get_by_text("No tables yet.")).to_be_visible()
