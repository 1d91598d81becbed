"""Shop upkeep over HTTP (`/staff/shop`): store details, opening hours, closures, ordering rules,
delivery zones, tables, combinations, turn times and booking rules. Each change shows on the
customer's side on the next request and leaves an audit row with before and after; each refusal
puts its message beside the field, writes nothing and is never a 500."""
from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.checkout.models import DeliveryZone, OrderingRules
from storefront.checkout.slots import available_days, get_rules
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.reservations.models import DiningTable, ReservationSettings, TableCombination, TurnTime
from storefront.store.models import Closure, OpeningPeriod, StoreSettings
from tests.support.builders import PASSWORD, make_category, make_closure, make_product, make_user
from tests.support.checkout import FIXED_NOW, CheckoutClient, open_shop
from tests.support.html import csrf_from, field_errors, form, get_form_addresses, links, page_text, soup, texts
from tests.support.orders import make_order
from tests.support.reservations import LONDON, local, make_combination, make_reservation, make_table
from tests.support.sweep import HOSTILE_VALUES, RowCounter, forms_in, hostile_form_value, value_label

HTMX = {"HX-Request": "true"}
TODAY = FIXED_NOW.astimezone(LONDON).date()  # Friday 20 November 2026


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW), \
            mock.patch("storefront.reservations.service.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def shop(app_ctx):
    open_shop()  # 08:00–17:00 every day, 15-minute slots, zone Centre (BS1 BS2, £2.50)
    make_user("staff@example.com", role=Role.STAFF)


@pytest.fixture
def staff(shop, client, auth):
    auth.login("staff@example.com", PASSWORD)
    return client


def post(client, path: str, data: dict, *, page: str | None = None, headers=None):
    """Post as the page's form would: its CSRF token and what it showed (`seen`), then `data`."""
    shown = soup(client.get(page or path))
    seen = shown.select_one('input[name="seen"]')
    extra = {"seen": seen.get("value", "")} if seen is not None else {}
    return client.post(path, data={"csrf_token": csrf_from(shown), **extra, **data}, headers=headers or {})


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def audits(kind: str | None = None) -> list[AuditEntry]:
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if kind:
        query = query.where(AuditEntry.target_type == kind)
    return list(db.session.scalars(query))


def reservation_times(client, day: date, party: int = 2) -> list[str]:
    page = client.get("/reservations", query_string={"date": day.isoformat(), "party": party})
    return [href.split("start=")[1][11:16]
            for href in get_form_addresses(page, starting=f"/reservations/book?start={day.isoformat()}T")]


def order_slot_days() -> dict[date, int]:
    db.session.expire_all()
    days = available_days(db.session, get_rules(db.session), LONDON, FIXED_NOW)
    return {d.day: len(d.slots) for d in days}


# --- pages ---------------------------------------------------------------------------------------

PAGES = ["/staff/shop/", "/staff/shop/store", "/staff/shop/ordering", "/staff/shop/booking-rules",
         "/staff/shop/hours", "/staff/shop/hours/edit", "/staff/shop/closures", "/staff/shop/closures/edit",
         "/staff/shop/zones", "/staff/shop/zones/edit", "/staff/shop/tables", "/staff/shop/tables/edit",
         "/staff/shop/combinations", "/staff/shop/combinations/edit", "/staff/shop/turn-times",
         "/staff/shop/turn-times/edit"]


def test_every_upkeep_page_opens_for_staff_and_links_from_the_back_office(staff):
    for path in PAGES:
        assert staff.get(path).status_code == 200, path
    index = staff.get("/staff/shop/")
    assert "/staff/shop/" in links(staff.get("/staff/"), ".staff-nav a")
    assert set(links(index, "main .tile a")) == {
        "/staff/shop/store", "/staff/shop/hours", "/staff/shop/closures", "/staff/shop/ordering", "/staff/shop/zones",
        "/staff/shop/tables", "/staff/shop/combinations", "/staff/shop/turn-times", "/staff/shop/booking-rules"}


def test_list_pages_cost_the_same_statements_with_more_rows(staff, count_queries):
    def fill(n: int, start: int) -> None:
        tables = [make_table(f"A{start + i}", 1, 4, area="inside") for i in range(n)]
        for i in range(0, n - 1, 2):
            make_combination(f"C{start + i}", tables[i:i + 2], 2, 8)
        for i in range(n):
            make_closure(TODAY + timedelta(days=start + i), reason=f"Closed {i}")
            db.session.add(DeliveryZone(name=f"Zone {start + i}", postcode_prefixes=f"BS{start + i}", fee=Decimal("1"),
                                        is_active=False))
            db.session.add(TurnTime(party_from=start + i, minutes=90))
            db.session.add(OpeningPeriod(weekday=(start + i) % 7, opens_at=time(18, i), closes_at=time(19, i)))
        db.session.commit()

    lists = ["/staff/shop/hours", "/staff/shop/closures", "/staff/shop/zones", "/staff/shop/tables",
             "/staff/shop/combinations", "/staff/shop/turn-times"]
    fill(2, 10)
    few = {}
    for path in lists:
        staff.get(path)
        with count_queries() as counter:
            assert staff.get(path).status_code == 200
        few[path] = counter.count
    fill(8, 20)
    for path in lists:
        staff.get(path)  # the new rows renewed the cached hours and tables: the first read rebuilds
        with count_queries() as counter:
            page = staff.get(path)
        assert page.status_code == 200
        assert counter.count == few[path], (path, few[path], counter.count)
    assert "C20" in page_text(staff.get("/staff/shop/combinations"))


# --- store details and ordering rules -------------------------------------------------------------

def test_store_details_change_the_shop_everywhere_and_are_audited(staff):
    before = db.session.scalars(sa.select(StoreSettings)).one().name
    response = post(staff, "/staff/shop/store", {"name": "Crumb & Kettle Clifton", "address": "2 Park Row, Bristol",
                                                 "phone": "0117 496 0999", "email": "clifton@example.com"})
    assert response.status_code == 303 and response.headers["Location"] == "/staff/shop/store"
    assert "Crumb & Kettle Clifton" in page_text(staff.get("/"))
    entry = audits("store_settings")[-1]
    assert entry.action == "store_settings.update"
    assert entry.details["before"]["name"] == before
    assert entry.details["after"]["name"] == "Crumb & Kettle Clifton"


def test_ordering_rules_change_checkout_at_once(staff):
    assert order_slot_days()[TODAY + timedelta(days=1)] == 36  # 08:00…16:45 every 15 min, last orders 16:45
    data = form(staff.get("/staff/shop/ordering"), "#shop-form")
    response = post(staff, "/staff/shop/ordering", {**data, "slot_minutes": "30", "tax_rate": "12.5"})
    assert response.status_code == 303
    assert order_slot_days()[TODAY + timedelta(days=1)] == 18  # 08:00…16:30
    rules = db.session.scalars(sa.select(OrderingRules)).one()
    assert (rules.slot_minutes, rules.tax_rate) == (30, Decimal("12.50"))
    entry = audits("ordering_rules")[-1]
    assert (entry.details["before"]["slot_minutes"], entry.details["after"]["slot_minutes"]) == (15, 30)
    assert (entry.details["before"]["tax_rate"], entry.details["after"]["tax_rate"]) == ("20.00", "12.50")


@pytest.mark.parametrize("field, value, message", [
    ("preparation_minutes", "-5", "Enter a whole number from 0 to 240 minutes"),
    ("orders_per_slot", "0", "Enter a whole number from 1 to 500"),
    ("days_ahead", "²", "Enter a whole number from 0 to 60 days"),
    ("slot_minutes", "", "Enter a whole number from 5 to 120 minutes"),
    ("tax_rate", "-1", "Enter a rate from 0 to 100, like 20 or 12.5"),
    ("tax_rate", "NaN", "Enter a rate from 0 to 100, like 20 or 12.5"),
    ("tax_rate", "101", "Enter a rate from 0 to 100, like 20 or 12.5"),
    ("cancel_minutes", "99999999999999999999", "Enter a whole number from 0 to 10080 minutes"),
])
def test_bad_ordering_rules_are_refused_beside_the_field(staff, field, value, message):
    data = form(staff.get("/staff/shop/ordering"), "#shop-form")
    for headers in ({}, HTMX):
        response = post(staff, "/staff/shop/ordering", {**data, field: value}, headers=headers)
        assert response.status_code == 422
        assert field_errors(response)[field] == message
    assert "<html" not in response.get_data(as_text=True)  # htmx got the form block only
    assert audits() == []
    assert db.session.scalars(sa.select(OrderingRules)).one().slot_minutes == 15


# --- opening hours --------------------------------------------------------------------------------

def test_a_split_day_is_two_periods_and_reservation_times_follow(staff):
    day = TODAY + timedelta(days=3)  # a Monday
    open_shop_tables()
    assert reservation_times(staff, day)[0] == "08:00"
    monday = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == day.weekday())).one()
    response = post(staff, f"/staff/shop/hours/edit?id={monday.id}",
                    {"weekday": str(day.weekday()), "opens_at": "12:00", "closes_at": "14:30"})
    assert response.status_code == 303
    response = post(staff, "/staff/shop/hours/edit", {"weekday": str(day.weekday()), "opens_at": "18:00",
                                                       "closes_at": "22:00"})
    assert response.status_code == 303
    times = reservation_times(staff, day)
    assert times[0] == "12:00" and "11:45" not in times and "15:00" not in times and "18:00" in times
    hours = texts(staff.get("/staff/shop/hours"), "tbody tr")
    assert "Monday 12:00 14:30" in " | ".join(hours) and "Monday 18:00 22:00" in " | ".join(hours)
    entries = audits("opening_period")
    assert [e.action for e in entries] == ["opening_period.update", "opening_period.create"]
    assert entries[0].details["before"] == {"weekday": day.weekday(), "opens_at": "08:00", "closes_at": "17:00"}
    assert entries[0].details["after"] == {"weekday": day.weekday(), "opens_at": "12:00", "closes_at": "14:30"}


def open_shop_tables() -> None:
    make_table("T1", 1, 2)
    make_table("T2", 2, 4)


@pytest.mark.parametrize("opens, closes, field, message", [
    ("16:00", "19:00", "opens_at", "This overlaps Monday's 08:00–17:00."),
    ("07:00", "08:30", "opens_at", "This overlaps Monday's 08:00–17:00."),
    ("19:00", "18:00", "closes_at", "Closing time must be after 19:00."),
    ("25:00", "26:00", "opens_at", "Enter a time like 08:00"),
    ("", "18:00", "opens_at", "Enter the time it opens, like 08:00"),
])
def test_overlapping_or_backwards_periods_are_refused(staff, opens, closes, field, message):
    response = post(staff, "/staff/shop/hours/edit", {"weekday": "0", "opens_at": opens, "closes_at": closes})
    assert response.status_code == 422
    assert field_errors(response)[field].startswith(message)
    assert count(OpeningPeriod) == 7 and audits() == []


def test_a_period_may_touch_another_and_edit_itself(staff):
    response = post(staff, "/staff/shop/hours/edit", {"weekday": "0", "opens_at": "17:00", "closes_at": "20:00"})
    assert response.status_code == 303
    monday = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == 0)
                                .order_by(OpeningPeriod.opens_at)).first()
    # Moving a period within its own old span is not an overlap with itself.
    response = post(staff, f"/staff/shop/hours/edit?id={monday.id}", {"weekday": "0", "opens_at": "09:00",
                                                                       "closes_at": "16:00"})
    assert response.status_code == 303
    assert count(OpeningPeriod) == 8


def test_deleting_a_period_closes_that_weekday_and_is_audited(staff):
    monday = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == 0)).one()
    response = post(staff, "/staff/shop/hours/delete", {"id": str(monday.id), "confirm": "yes"}, page="/staff/shop/hours")
    assert response.status_code == 303
    assert count(OpeningPeriod) == 6
    assert TODAY + timedelta(days=3) not in order_slot_days()
    entry = audits("opening_period")[-1]
    assert entry.action == "opening_period.delete" and entry.details["before"]["opens_at"] == "08:00"
    assert entry.details["after"] is None


def test_a_delete_asks_first_and_a_bare_post_changes_nothing(staff):
    monday = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == 0)).one()
    # The list offers each delete behind a question whose form posts confirm=yes.
    listed = soup(staff.get("/staff/shop/hours"))
    step = listed.select_one(f"details#delete-{monday.id}")
    assert "Delete" in step.select_one("summary").get_text() and "opening period" in step.select_one("summary").get_text()
    offered = form(step, "form")
    assert (offered["id"], offered["confirm"]) == (str(monday.id), "yes") and offered["csrf_token"]
    # A post without the confirmation (an old page, a script) deletes nothing and asks on a page of its own.
    response = post(staff, "/staff/shop/hours/delete", {"id": str(monday.id)}, page="/staff/shop/hours")
    assert response.status_code == 200
    asked = soup(response)
    assert asked.select_one("h1").get_text().startswith("Delete opening period")
    assert count(OpeningPeriod) == 7 and audits() == []
    for forged in ("no", "YES", ""):
        response = post(staff, "/staff/shop/hours/delete", {"id": str(monday.id), "confirm": forged},
                        page="/staff/shop/hours")
        assert response.status_code == 200 and count(OpeningPeriod) == 7
    # The question page's own form (no JavaScript needed) does it.
    page_form = asked.select_one("form.confirm-actions")
    assert page_form["action"] == "/staff/shop/hours/delete"
    response = staff.post(page_form["action"], data=form(asked, "form.confirm-actions"))
    assert response.status_code == 303
    assert count(OpeningPeriod) == 6 and [e.action for e in audits()] == ["opening_period.delete"]


# --- closures -------------------------------------------------------------------------------------

def test_a_new_closure_removes_that_days_order_slots_and_table_times_at_once(staff):
    day = TODAY + timedelta(days=2)
    open_shop_tables()
    assert order_slot_days()[day] > 0 and reservation_times(staff, day)
    response = post(staff, "/staff/shop/closures/edit", {"starts_on": day.isoformat(), "ends_on": "",
                                                          "reason": "Staff training"})
    assert response.status_code == 303
    assert day not in order_slot_days() and day + timedelta(days=1) in order_slot_days()
    assert reservation_times(staff, day) == []
    assert "Staff training" in page_text(staff.get("/reservations", query_string={"date": day.isoformat(),
                                                                                   "party": 2}))
    closure = db.session.scalars(sa.select(Closure)).one()
    assert closure.ends_on == day  # one day when the last day is left empty
    entry = audits("closure")[-1]
    assert entry.details["after"] == {"starts_on": day.isoformat(), "ends_on": day.isoformat(),
                                      "reason": "Staff training"}


def test_a_closure_over_booked_days_says_how_many_bookings_are_left(staff):
    day = TODAY + timedelta(days=4)
    table = make_table("T9", 1, 4)
    make_reservation(local(day, "12:00"), 2, [table])
    response = post(staff, "/staff/shop/closures/edit", {"starts_on": day.isoformat(), "ends_on": day.isoformat(),
                                                          "reason": "Burst pipe"})
    assert response.status_code == 303
    assert "0 order(s) and 1 booking(s) are already on those days" in page_text(staff.get("/staff/shop/closures"))


@pytest.mark.parametrize("starts, ends, field, message", [
    (TODAY - timedelta(days=1), None, "starts_on", "A closure cannot start in the past."),
    (TODAY + timedelta(days=5), TODAY + timedelta(days=4), "ends_on", "The last day must be on or after the first"),
    (TODAY + timedelta(days=1), TODAY + timedelta(days=400), "ends_on", "A closure can last at most 366 days."),
    ("2026-02-30", None, "starts_on", "Enter a real date"),
    ("9999-12-31", None, "starts_on", "Enter a date within ten years of today"),
    ("", None, "starts_on", "Enter the first day the shop is closed"),
])
def test_a_closure_in_the_past_or_backwards_is_refused(staff, starts, ends, field, message):
    data = {"starts_on": str(starts), "ends_on": str(ends or ""), "reason": "Holiday"}
    response = post(staff, "/staff/shop/closures/edit", data)
    assert response.status_code == 422
    assert field_errors(response)[field].startswith(message)
    assert count(Closure) == 0 and audits() == []


def test_a_running_closure_keeps_its_past_first_day_but_cannot_end_in_the_past(staff):
    running = make_closure(TODAY - timedelta(days=2), TODAY + timedelta(days=1), "Refit")
    url = f"/staff/shop/closures/edit?id={running.id}"
    response = post(staff, url, {"starts_on": running.starts_on.isoformat(),
                                 "ends_on": (TODAY + timedelta(days=3)).isoformat(), "reason": "Refit"})
    assert response.status_code == 303
    response = post(staff, url, {"starts_on": running.starts_on.isoformat(),
                                 "ends_on": (TODAY - timedelta(days=1)).isoformat(), "reason": "Refit"})
    assert response.status_code == 422
    assert field_errors(response)["ends_on"].startswith("A closure cannot end in the past.")
    db.session.expire_all()
    assert db.session.get(Closure, running.id).ends_on == TODAY + timedelta(days=3)


# --- delivery zones -------------------------------------------------------------------------------

def delivery_total(client) -> str:
    checkout = CheckoutClient(client)
    data = checkout.form(fulfilment="delivery", address_line="1 Queen Square", city="Bristol", postcode="BS1 4QA")
    return checkout.quote_total(data)


def test_a_zone_change_moves_a_postcodes_fee(staff, app):
    product = make_product("Sourdough loaf", price="20.00", category=make_category("Bread"))
    shopper = app.test_client()
    CheckoutClient(shopper).add(product.id, 1)
    assert delivery_total(shopper) == "22.50"  # £20 + Centre's £2.50
    centre = db.session.scalars(sa.select(DeliveryZone)).one()
    data = form(staff.get(f"/staff/shop/zones/edit?id={centre.id}"), "#shop-form")
    del data["seen"]  # each post below reads the page afresh, as a person saving twice would
    response = post(staff, f"/staff/shop/zones/edit?id={centre.id}", {**data, "fee": "4.00"})
    assert response.status_code == 303
    assert delivery_total(shopper) == "24.00"
    # A new, more specific zone for BS1 takes that postcode over with its own fee.
    response = post(staff, f"/staff/shop/zones/edit?id={centre.id}", {**data, "postcode_prefixes": "bs2"})
    assert response.status_code == 303
    response = post(staff, "/staff/shop/zones/edit", {"name": "Old city", "postcode_prefixes": "BS1, BS1",
                                                       "fee": "1.25", "minimum_order": "0", "is_active": "y"})
    assert response.status_code == 303
    assert delivery_total(shopper) == "21.25"
    assert db.session.scalar(sa.select(DeliveryZone.postcode_prefixes).where(DeliveryZone.name == "Old city")) == "BS1"
    fees = [(e.details["before"] or {}).get("fee") for e in audits("delivery_zone")]
    assert fees == ["2.50", "4.00", None]


@pytest.mark.parametrize("prefixes, message", [
    ("XX1", "Not a UK postcode area or district: XX1."),
    ("BS1 4QA", "Not a UK postcode area or district: 4QA."),
    ("12", "Not a UK postcode area or district: 12."),
    ("BS1A", "Not a UK postcode area or district: BS1A."),  # letters after the number: central London only
    ("QQ", "Not a UK postcode area or district: QQ."),
    ("BS2", "BS2 already in the zone “Centre”"),
    ("", "Enter at least one postcode area or district, like BS1"),
])
def test_a_bad_zone_prefix_is_refused_beside_the_field(staff, prefixes, message):
    response = post(staff, "/staff/shop/zones/edit", {"name": "New", "postcode_prefixes": prefixes, "fee": "1.00",
                                                       "minimum_order": "0", "is_active": "y"})
    assert response.status_code == 422
    assert field_errors(response)["postcode_prefixes"].startswith(message)
    assert count(DeliveryZone) == 1 and audits() == []


@pytest.mark.parametrize("field, value", [("fee", "-1"), ("fee", "1e3"), ("minimum_order", "2,50"),
                                          ("fee", "1.234"), ("fee", "100.01")])
def test_negative_or_malformed_amounts_are_refused(staff, field, value):
    data = {"name": "New", "postcode_prefixes": "SW1A W1", "fee": "1.00", "minimum_order": "0", "is_active": "y"}
    response = post(staff, "/staff/shop/zones/edit", {**data, field: value})
    assert response.status_code == 422
    assert field_errors(response)[field].startswith("Enter an amount from 0 to")
    assert count(DeliveryZone) == 1


def test_a_zone_with_orders_cannot_be_deleted(staff):
    centre = db.session.scalars(sa.select(DeliveryZone)).one()
    order = make_order()
    order.delivery_zone_id = centre.id
    db.session.commit()
    response = post(staff, "/staff/shop/zones/delete", {"id": str(centre.id), "confirm": "yes"}, page="/staff/shop/zones")
    assert response.status_code == 422
    assert "Orders were delivered to “Centre”" in page_text(response)
    assert count(DeliveryZone) == 1 and audits() == []


# --- tables, combinations, turn times, booking rules ------------------------------------------------

def table_data(**overrides) -> dict:
    return {"name": "T7", "area": "terrace", "min_seats": "2", "max_seats": "4", "online_bookable": "y",
            "position": "5", **overrides}


def test_add_a_table_and_diners_can_book_it(staff):
    day = TODAY + timedelta(days=2)
    assert reservation_times(staff, day) == []  # no tables yet
    response = post(staff, "/staff/shop/tables/edit", table_data())
    assert response.status_code == 303
    assert reservation_times(staff, day)[0] == "08:00"
    table = db.session.scalars(sa.select(DiningTable)).one()
    assert (table.name, table.area, table.min_seats, table.max_seats, table.online_bookable) == ("T7", "terrace", 2, 4,
                                                                                                 True)
    response = post(staff, f"/staff/shop/tables/edit?id={table.id}", {k: v for k, v in table_data().items()
                                                                        if k != "online_bookable"})
    assert response.status_code == 303
    assert reservation_times(staff, day) == []  # staff-only now
    entry = audits("dining_table")[-1]
    assert (entry.details["before"]["online_bookable"], entry.details["after"]["online_bookable"]) == (True, False)


@pytest.mark.parametrize("overrides, field, message", [
    ({"min_seats": "-1"}, "min_seats", "Enter a whole number from 1 to 30"),
    ({"max_seats": "1"}, "max_seats", "Most guests must be at least the fewest (2)."),
    ({"name": "t1"}, "name", "Another table is called “t1”."),
    ({"name": "\u200b"}, "name", "Enter a name for the table"),
    ({"area": "a\x00b"}, "area", "We can't accept control or text-direction characters here"),
    ({"position": "١"}, "position", "Enter a whole number from 0 to 999"),
])
def test_bad_tables_are_refused(staff, overrides, field, message):
    make_table("T1", 1, 2)
    response = post(staff, "/staff/shop/tables/edit", table_data(**overrides))
    assert response.status_code == 422
    assert field_errors(response)[field].startswith(message)
    assert count(DiningTable) == 1 and audits() == []


def test_a_table_with_bookings_stays_and_one_without_goes(staff):
    booked, spare = make_table("T1", 1, 2), make_table("T2", 1, 2)
    make_reservation(local(TODAY + timedelta(days=2), "12:00"), 2, [booked])
    response = post(staff, "/staff/shop/tables/delete", {"id": str(booked.id), "confirm": "yes"}, page="/staff/shop/tables")
    assert response.status_code == 422 and "T1 has bookings on record" in page_text(response)
    response = post(staff, "/staff/shop/tables/delete", {"id": str(spare.id), "confirm": "yes"}, page="/staff/shop/tables")
    assert response.status_code == 303
    assert list(db.session.scalars(sa.select(DiningTable.name))) == ["T1"]
    assert [e.action for e in audits()] == ["dining_table.delete"]


def test_a_combination_joins_tables_of_one_area(staff):
    t4, t5 = make_table("T4", 3, 4), make_table("T5", 3, 4)
    page = staff.get("/staff/shop/combinations/edit")
    assert texts(page, "#tables label") == ["T4 (inside)", "T5 (inside)"]
    response = post(staff, "/staff/shop/combinations/edit", {"name": "T4+T5", "tables": [str(t4.id), str(t5.id)],
                                                              "min_seats": "6", "max_seats": "8",
                                                              "online_bookable": "y"})
    assert response.status_code == 303
    combination = db.session.scalars(sa.select(TableCombination)).one()
    assert [t.name for t in combination.tables] == ["T4", "T5"]
    assert audits("table_combination")[-1].details["after"]["tables"] == ["T4", "T5"]
    # Moving one of its tables to another area would split it.
    response = post(staff, f"/staff/shop/tables/edit?id={t5.id}", table_data(name="T5", area="terrace",
                                                                              min_seats="3", max_seats="4"))
    assert response.status_code == 422
    assert field_errors(response)["area"].startswith("T5 is joined with tables in inside (T4+T5).")


@pytest.mark.parametrize("case, message", [
    ("mixed", "Tables from different areas cannot be joined (inside and terrace)."),
    ("one", "Choose at least two tables to push together."),
    ("forged", "Choose tables from the list. One of them no longer exists."),
    ("junk", "Invalid choice(s)"),
    ("too many", "These tables seat at most 8 together."),
])
def test_bad_combinations_are_refused(staff, case, message):
    t4, t5, t6 = make_table("T4", 3, 4), make_table("T5", 3, 4), make_table("T6", 2, 4, area="terrace")
    tables = {"mixed": [t4.id, t6.id], "one": [t4.id], "forged": [t4.id, 987654], "junk": [t4.id, "two"],
              "too many": [t4.id, t5.id]}[case]
    response = post(staff, "/staff/shop/combinations/edit", {
        "name": "Big", "tables": [str(t) for t in tables], "min_seats": "6",
        "max_seats": "9" if case == "too many" else "8"})
    assert response.status_code == 422
    field = "max_seats" if case == "too many" else "tables"
    assert field_errors(response)[field].startswith(message)
    assert count(TableCombination) == 0 and audits() == []


def test_turn_times_and_booking_rules_change_the_booking_page(staff):
    day = TODAY + timedelta(days=2)
    make_table("T1", 1, 2)
    period = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == day.weekday())).one()
    period.closes_at = time(12, 0)
    db.session.commit()
    assert reservation_times(staff, day)[-1] == "10:45"  # 75 minutes at the table by 12:00
    response = post(staff, "/staff/shop/turn-times/edit", {"party_from": "1", "minutes": "120"})
    assert response.status_code == 303
    assert reservation_times(staff, day)[-1] == "10:00"
    response = post(staff, "/staff/shop/turn-times/edit", {"party_from": "1", "minutes": "60"})
    assert response.status_code == 422
    assert field_errors(response)["party_from"].startswith("Parties from 1 already have a turn time.")
    data = form(staff.get("/staff/shop/booking-rules"), "#shop-form")
    response = post(staff, "/staff/shop/booking-rules", {**data, "slot_minutes": "30"})
    assert response.status_code == 303
    assert reservation_times(staff, day) == ["08:00", "08:30", "09:00", "09:30", "10:00"]
    rules = db.session.scalars(sa.select(ReservationSettings)).one()
    assert rules.slot_minutes == 30
    entry = audits("reservation_settings")[-1]
    assert (entry.details["before"]["slot_minutes"], entry.details["after"]["slot_minutes"]) == (15, 30)


@pytest.mark.parametrize("field, value, message", [
    ("buffer_minutes", "-15", "Enter a whole number from 0 to 120 minutes"),
    ("pacing_guests_per_slot", "0", "Enter a whole number from 1 to 500"),
    ("horizon_days", "2147483648", "Enter a whole number from 1 to 365 days"),
    ("cancellation_cutoff_minutes", "-1", "Enter a whole number from 0 to 10080 minutes"),
    ("max_party_request", "4", "The largest party that may ask must be at least the largest booked online (8)."),
])
def test_bad_booking_rules_are_refused(staff, field, value, message):
    data = form(staff.get("/staff/shop/booking-rules"), "#shop-form")
    response = post(staff, "/staff/shop/booking-rules", {**data, field: value})
    assert response.status_code == 422
    assert field_errors(response)[field].startswith(message)
    assert count(ReservationSettings) == 0 and audits() == []


# --- forged and missing ---------------------------------------------------------------------------

def test_missing_csrf_writes_nothing(staff):
    for path, data in (("/staff/shop/tables/edit", table_data()), ("/staff/shop/store", {"name": "Forged"}),
                       ("/staff/shop/hours/delete", {"id": "1"})):
        response = staff.post(path, data=data)
        assert response.status_code == 400, path
        assert "This form has expired" in page_text(response)
    assert count(DiningTable) == 0 and count(OpeningPeriod) == 7 and audits() == []


@pytest.mark.parametrize("query", ["?id=987654", "?id=abc", "?id=-1", "?id=2147483648", "?id=٣", "?id="])
def test_forged_ids_are_a_404_and_write_nothing(staff, query):
    assert staff.get(f"/staff/shop/tables/edit{query}").status_code == 404
    assert post(staff, f"/staff/shop/tables/edit{query}", table_data(), page="/staff/shop/tables/edit") \
        .status_code == 404
    assert count(DiningTable) == 0 and audits() == []


def test_deleting_a_forged_id_says_so_and_writes_nothing(staff):
    for value in ("987654", "abc", "", "-1"):
        response = post(staff, "/staff/shop/hours/delete", {"id": value}, page="/staff/shop/hours")
        assert response.status_code == 422
        assert "That opening period no longer exists. Nothing was deleted." in page_text(response)
    assert count(OpeningPeriod) == 7 and audits() == []


def test_htmx_gets_the_form_back_with_the_message_or_a_redirect(staff):
    response = post(staff, "/staff/shop/tables/edit", table_data(min_seats="0"), headers=HTMX)
    assert response.status_code == 422 and "<html" not in response.get_data(as_text=True)
    assert soup(response).select_one("form#shop-form")
    assert field_errors(response)["min_seats"] == "Enter a whole number from 1 to 30"
    response = post(staff, "/staff/shop/tables/edit", table_data(), headers=HTMX)
    assert response.status_code == 200 and response.headers["HX-Redirect"] == "/staff/shop/tables"


def test_saving_unchanged_values_writes_no_audit_row(staff):
    data = form(staff.get("/staff/shop/ordering"), "#shop-form")
    assert post(staff, "/staff/shop/ordering", data).status_code == 303
    assert audits() == []


# --- the hostile-input sweep, as staff ----------------------------------------------------------

EDIT_FORMS = ["/staff/shop/store", "/staff/shop/ordering", "/staff/shop/booking-rules", "/staff/shop/hours/edit",
              "/staff/shop/closures/edit", "/staff/shop/zones/edit", "/staff/shop/tables/edit",
              "/staff/shop/combinations/edit", "/staff/shop/turn-times/edit"]


def test_hostile_values_in_every_upkeep_field_are_refused_without_a_500_or_a_write(staff):
    """The site-wide sweep visits these pages as a customer (and is refused); here staff send every
    hostile value once into every field of every upkeep form, the other fields valid."""
    make_table("T1", 1, 2)
    make_table("T2", 1, 2)
    counter = RowCounter()
    problems, sent = [], 0
    valid = {"name": "Valid name", "area": "inside", "postcode_prefixes": "SW1A", "starts_on": (TODAY + timedelta(
        days=3)).isoformat(), "reason": "Holiday", "opens_at": "18:00", "closes_at": "19:00", "fee": "1.00",
        "minimum_order": "0", "min_seats": "2", "max_seats": "2", "position": "1", "party_from": "9", "minutes": "60"}
    try:
        for path in EDIT_FORMS:
            html = staff.get(path).get_data(as_text=True)
            shown = next(f for f in forms_in(html, path) if f.method == "POST" and f.action == path)
            base = {name: values for name, values in shown.fields.items()}
            for name, value in valid.items():
                if name in base and not any(base[name]):
                    base[name] = [value]
            for name in shown.fields:
                if name == "csrf_token":
                    continue
                for value in HOSTILE_VALUES:
                    data = {**base, name: hostile_form_value(value)}
                    before = counter()
                    if value == "JSON":
                        response = staff.post(path, json={**{k: v[0] if v else "" for k, v in base.items()},
                                                          name: {"x": 1}},
                                              headers={"X-CSRFToken": base["csrf_token"][0]})
                    else:
                        response = staff.post(path, data=data, content_type="multipart/form-data")
                    sent += 1
                    if response.status_code >= 500:
                        problems.append(f"{response.status_code} {path} {name}={value_label(value)}")
                    elif response.status_code >= 400 and counter() != before:
                        problems.append(f"refusal wrote rows: {path} {name}={value_label(value)}")
                    if counter() != before:
                        db.session.rollback()
    finally:
        counter.close()
    assert sent > 500
    assert problems == []


def test_a_save_over_someone_elses_newer_change_is_refused(staff):
    table = make_table("T1", 1, 2)
    url = f"/staff/shop/tables/edit?id={table.id}"
    opened = form(staff.get(url), "#shop-form")  # this person's page
    assert post(staff, url, table_data(name="T1", min_seats="1", max_seats="3")).status_code == 303  # another's save
    response = staff.post(url, data={**opened, "max_seats": "6"})
    assert response.status_code == 422
    assert "Someone else saved a change to this while you were editing" in page_text(response)
    db.session.expire_all()
    assert db.session.get(DiningTable, table.id).max_seats == 3
    assert [e.action for e in audits()] == ["dining_table.update"]
    # The same goes for a settings row.
    opened = form(staff.get("/staff/shop/ordering"), "#shop-form")
    assert post(staff, "/staff/shop/ordering", {**opened, "seen": opened["seen"], "days_ahead": "9"}).status_code == 303
    response = staff.post("/staff/shop/ordering", data={**opened, "days_ahead": "3"})
    assert response.status_code == 422
    assert db.session.scalars(sa.select(OrderingRules)).one().days_ahead == 9


def test_the_audit_log_shows_each_changed_value(staff):
    monday = db.session.scalars(sa.select(OpeningPeriod).where(OpeningPeriod.weekday == 0)).one()
    post(staff, f"/staff/shop/hours/edit?id={monday.id}", {"weekday": "0", "opens_at": "09:30", "closes_at": "17:00"})
    shown = page_text(staff.get("/staff/audit", query_string={"target_type": "opening_period"}))
    assert "opens_at: 08:00 → 09:30" in shown and "closes_at" not in shown
