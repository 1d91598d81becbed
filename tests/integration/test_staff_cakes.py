"""Cake options, the rules between them and the cake rules row in the back office: saved
through the same audited pattern, shown by the builder at once, bad input refused."""
from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from storefront.cakes.models import (
    CakeConfiguration,
    CakeOption,
    CakeOptionPrice,
    CakeRule,
    CakeSettings,
    OptionKind,
    RuleKind,
)
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.orders.models import Order
from tests.support.cakes import CakeClient, cake_shop, frozen_clock, option_id
from tests.support.catalogue import post_form, staff_client
from tests.support.checkout import CheckoutClient
from tests.support.html import field_errors, soup, text_of
from tests.support.html import form as page_form


@pytest.fixture
def staff(app, app_ctx):
    return staff_client(app)


def option_data(**overrides) -> dict:
    data = {"kind": "sponge", "name": "Pistachio", "description": "Green and nutty", "price": "3.00",
            "servings": "", "inches": "", "colour": "", "is_active": "y", "position": "5"}
    data.update(overrides)
    return data


def counts():
    return tuple(db.session.scalar(sa.select(sa.func.count(m.id))) for m in (CakeOption, CakeRule, AuditEntry))


def test_a_new_flavour_and_a_price_change_show_in_the_builder(client, staff):
    staff_http, staff_id = staff
    with frozen_clock():
        cake_shop()
        answer = post_form(staff_http, "/staff/cake-options/new", option_data())
        assert answer.status_code == 303, field_errors(answer.data)
        builder = text_of(soup(client.get("/cakes").data).select_one("main"))
        assert "Pistachio" in builder
        vanilla = option_id(OptionKind.SIZE, db.session.scalar(
            sa.select(CakeOption.name).where(CakeOption.kind == OptionKind.SIZE).order_by(CakeOption.position)))
        url = f"/staff/cake-options/{vanilla}"
        answer = staff_http.post(url, data=page_form(staff_http.get(url).data, "#upkeep-form") | {"price": "99.00"})
        assert answer.status_code == 303, field_errors(answer.data)
        assert "£99.00" in text_of(soup(client.get("/cakes").data).select_one("main"))
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "cake_option.update")).one()
    assert entry.details["after"] == {"price": "99.00"} and entry.actor_id == staff_id


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"price": "-1"}, "price", "0 or more"),
    ({"name": "Vanilla"}, "name", "already a sponge"),
    ({"name": ""}, "name", "Enter the option"),
    ({"kind": "size", "servings": ""}, "servings", "how many a size serves"),
    ({"kind": "size", "servings": "-4"}, "servings", "whole number"),
    ({"colour": "red"}, "colour", "like #f4c2c2"),
    ({"kind": "pie"}, "kind", ""),
    ({"position": "①"}, "position", "whole number"),
])
def test_bad_option_input_is_refused_beside_the_field(staff, change, field, message):
    staff_http, _ = staff
    with frozen_clock():
        cake_shop()
    if change.get("name") == "Vanilla":
        assert db.session.scalar(sa.select(CakeOption.id).where(CakeOption.kind == OptionKind.SPONGE,
                                                                 CakeOption.name == "Vanilla"))
    before = counts()
    answer = post_form(staff_http, "/staff/cake-options/new", option_data(**change))
    assert answer.status_code == 422
    errors = field_errors(answer.data)
    assert field in errors and message in errors[field], errors
    assert counts() == before


def size_prices(option: int) -> dict[int, Decimal]:
    db.session.expire_all()
    return dict(db.session.execute(sa.select(CakeOptionPrice.size_id, CakeOptionPrice.price)
                                   .where(CakeOptionPrice.option_id == option)).all())


def builder_line(cakes: CakeClient, ids: dict, **choices) -> dict[str, str]:
    """The builder's itemised price (server-side), line name → amount."""
    response = cakes.client.post("/cakes", data=cakes.form(ids, action="price", **choices))
    rows = soup(response.data).select("tbody tr")
    return {text_of(row.select_one("th")): text_of(row.select_one("td")) for row in rows}


def test_per_size_prices_are_set_changed_and_cleared_and_the_builder_follows_at_once(app, client, staff):
    staff_http, staff_id = staff
    cakes = CakeClient(client)
    with frozen_clock():
        ids = cake_shop()
        velvet, eight, ten = ids["Red velvet"], ids["8-inch round"], ids["10-inch round"]
        url = f"/staff/cake-options/{velvet}"
        page = staff_http.get(url)
        shown = page_form(page.data, "#upkeep-form")
        assert (shown[f"size_price_{eight}"], shown[f"size_price_{ten}"]) == ("4.00", "6.00")
        assert shown["kind"] == "sponge"   # the saved kind is the one selected, so a plain save keeps it
        assert "With the 8-inch round size (£)" in text_of(soup(page.data).select_one("fieldset.size-prices"))
        # A customer orders an 8-inch red velvet cake at today's price.
        assert cakes.add(ids, sponge=velvet, due_on="2026-11-30").status_code == 303
        assert CheckoutClient(client).place(when="2026-11-30T12:30Z").status_code == 303
        order = db.session.scalars(sa.select(Order)).one()
        placed_subtotal, placed_lines = order.subtotal, db.session.scalars(sa.select(CakeConfiguration)).one().items
        assert any(label.startswith("Red velvet") and amount == "4.00" for label, amount in placed_lines), placed_lines
        # Change the 8-inch price, clear the 10-inch one (back to the flat £4.00), and set nothing else.
        answer = staff_http.post(url, data=shown | {f"size_price_{eight}": "6.50", f"size_price_{ten}": ""})
        assert answer.status_code == 303, field_errors(answer.data)
        assert size_prices(velvet)[eight] == Decimal("6.50") and ten not in size_prices(velvet)
        assert builder_line(cakes, ids, sponge=velvet)["Red velvet (sponge)"] == "£6.50"
        assert builder_line(cakes, ids, sponge=velvet, size=ten)["Red velvet (sponge)"] == "£4.00"
        # The flat price now moves the 10-inch only; the 8-inch keeps its own.
        answer = staff_http.post(url, data=page_form(staff_http.get(url).data, "#upkeep-form") | {"price": "5.00"})
        assert answer.status_code == 303, field_errors(answer.data)
        assert builder_line(cakes, ids, sponge=velvet, size=ten)["Red velvet (sponge)"] == "£5.00"
        assert builder_line(cakes, ids, sponge=velvet)["Red velvet (sponge)"] == "£6.50"
        # A price per size where there was none: a new row.
        answer = staff_http.post(url, data=page_form(staff_http.get(url).data, "#upkeep-form")
                                 | {f"size_price_{ten}": "7.25"})
        assert answer.status_code == 303 and size_prices(velvet)[ten] == Decimal("7.25")
        assert builder_line(cakes, ids, sponge=velvet, size=ten)["Red velvet (sponge)"] == "£7.25"
    db.session.expire_all()
    order = db.session.get(Order, order.id)
    assert order.subtotal == placed_subtotal
    assert db.session.scalars(sa.select(CakeConfiguration)).one().items == placed_lines
    entries = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "cake_option.update")
                                 .order_by(AuditEntry.id)).all()
    assert [e.actor_id for e in entries] == [staff_id] * 3
    first = entries[0].details
    assert first["before"]["size_prices"][str(eight)] == "4.00" and first["before"]["size_prices"][str(ten)] == "6.00"
    assert first["after"]["size_prices"][str(eight)] == "6.50" and str(ten) not in first["after"]["size_prices"]
    assert entries[1].details["after"] == {"price": "5.00"}
    assert entries[2].details["after"]["size_prices"][str(ten)] == "7.25"


@pytest.mark.parametrize(("value", "message"), [
    ("-1", "0 or more"), ("4.005", "two decimal places"), ("NaN", "like 3.50"), ("Infinity", "like 3.50"),
    ("1e3", "like 3.50"), ("9" * 40, "like 3.50"), ("10000.01", "at most 10000.00"), ("٣", "like 3.50"),
    ("3.", "like 3.50"),
])
def test_bad_size_prices_are_refused_beside_the_field_and_write_nothing(staff, value, message):
    staff_http, _ = staff
    with frozen_clock():
        ids = cake_shop()
    velvet, eight = ids["Red velvet"], ids["8-inch round"]
    url = f"/staff/cake-options/{velvet}"
    before = (counts(), size_prices(velvet))
    answer = staff_http.post(url, data=page_form(staff_http.get(url).data, "#upkeep-form")
                             | {"price": "9.99", f"size_price_{eight}": value})
    assert answer.status_code == 422
    errors = field_errors(answer.data)
    assert message in errors[f"size_price_{eight}"], errors
    assert (counts(), size_prices(velvet)) == before
    assert db.session.get(CakeOption, velvet).price == Decimal("4.00")


def test_a_forged_size_or_a_price_per_size_on_a_size_is_refused_and_writes_nothing(staff):
    staff_http, _ = staff
    with frozen_clock():
        ids = cake_shop()
    velvet, eight = ids["Red velvet"], ids["8-inch round"]
    before = (counts(), size_prices(velvet))
    url = f"/staff/cake-options/{velvet}"
    for forged in ("999999", str(velvet), "abc", "-1"):
        answer = staff_http.post(url, data=page_form(staff_http.get(url).data, "#upkeep-form")
                                 | {f"size_price_{forged}": "1.00", "price": "9.99"})
        assert answer.status_code == 422
        assert "a size that is not offered" in text_of(soup(answer.data).select_one(".error-summary"))
    # A size that is no longer offered has no field: its price stays as it was.
    db.session.get(CakeOption, ids["12-inch two-tier"]).is_active = False
    db.session.commit()
    page = page_form(staff_http.get(url).data, "#upkeep-form")
    assert f"size_price_{ids['12-inch two-tier']}" not in page
    answer = staff_http.post(url, data=page | {f"size_price_{ids['12-inch two-tier']}": "0.50"})
    assert answer.status_code == 422 and size_prices(velvet) == before[1]
    # A size itself has one price.
    size_url = f"/staff/cake-options/{eight}"
    size_page = staff_http.get(size_url)
    assert soup(size_page.data).select_one("fieldset.size-prices") is None
    answer = staff_http.post(size_url, data=page_form(size_page.data, "#upkeep-form")
                             | {f"size_price_{ids['6-inch round']}": "1.00"})
    assert answer.status_code == 422
    assert "one price" in field_errors(answer.data)[f"size_price_{ids['6-inch round']}"]
    assert counts()[2] == before[0][2] and size_prices(velvet) == before[1] and size_prices(eight) == {}


def test_a_new_option_with_prices_per_size(staff):
    staff_http, _ = staff
    with frozen_clock():
        ids = cake_shop()
    six = ids["6-inch round"]
    answer = post_form(staff_http, "/staff/cake-options/new", option_data(**{f"size_price_{six}": "2.00"}))
    assert answer.status_code == 303, field_errors(answer.data)
    new = db.session.scalar(sa.select(CakeOption.id).where(CakeOption.name == "Pistachio"))
    assert size_prices(new) == {six: Decimal("2.00")}
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "cake_option.create")).one()
    assert entry.details["after"]["size_prices"] == {str(six): "2.00"}


def test_rules_between_options(staff):
    staff_http, _ = staff
    with frozen_clock():
        names = cake_shop()
    sizes = db.session.scalars(sa.select(CakeOption.id).where(CakeOption.kind == OptionKind.SIZE)).all()
    topping = db.session.scalar(sa.select(CakeOption.id).where(CakeOption.kind == OptionKind.DECORATION))
    before = counts()
    answer = post_form(staff_http, "/staff/cake-rules/new", {
        "kind": "only_sizes", "option_kind": "", "limit": "", "option_id": str(topping),
        "size_ids": [str(sizes[0])], "message": "Only on the small cake", "is_active": "y"})
    assert answer.status_code == 303, field_errors(answer.data)
    rule = db.session.scalars(sa.select(CakeRule).order_by(CakeRule.id.desc())).first()
    assert (rule.kind, rule.option_id, rule.size_ids) == (RuleKind.ONLY_SIZES, topping, [sizes[0]])
    assert counts()[1] == before[1] + 1
    # A forged size id, a size offered as the "option", and a limit rule without its kind.
    forged = post_form(staff_http, "/staff/cake-rules/new", {
        "kind": "only_sizes", "option_id": str(topping), "size_ids": ["999999"], "message": "x", "is_active": "y"})
    assert forged.status_code == 422 and "Choose from the list" in field_errors(forged.data)["size_ids"]
    as_option = post_form(staff_http, "/staff/cake-rules/new", {
        "kind": "only_sizes", "option_id": str(sizes[0]), "size_ids": [str(sizes[1])], "message": "x"})
    assert as_option.status_code == 422 and "option_id" in field_errors(as_option.data)
    no_kind = post_form(staff_http, "/staff/cake-rules/new", {"kind": "max_choices", "option_kind": "", "limit": "",
                                                                 "option_id": "", "message": "Two at most"})
    errors = field_errors(no_kind.data)
    assert no_kind.status_code == 422 and "option_kind" in errors and "limit" in errors
    assert counts()[1] == before[1] + 1 and names


def test_notice_capacity_and_cutoff(staff):
    staff_http, staff_id = staff
    with frozen_clock():
        cake_shop()
    data = page_form(staff_http.get("/staff/cake-settings").data, "#upkeep-form")
    assert data["daily_capacity"] == "6"
    answer = staff_http.post("/staff/cake-settings", data=data | {"daily_capacity": "9", "notice_days": "3",
                                                                  "daily_cutoff": "12:30"})
    assert answer.status_code == 303, field_errors(answer.data)
    row = db.session.scalars(sa.select(CakeSettings)).one()
    db.session.refresh(row)
    assert (row.daily_capacity, row.notice_days, row.daily_cutoff) == (9, 3, time(12, 30))
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "cake_settings.update")).one()
    assert entry.details["before"] == {"daily_capacity": 6, "daily_cutoff": "14:00:00", "notice_days": 2}
    for bad, field in (({"daily_capacity": "-1"}, "daily_capacity"), ({"daily_cutoff": "25:00"}, "daily_cutoff"),
                       ({"message_price_per_char": "-0.10"}, "message_price_per_char"),
                       ({"days_ahead": "0"}, "days_ahead")):
        refused = staff_http.post("/staff/cake-settings", data=data | bad)
        assert refused.status_code == 422 and field in field_errors(refused.data)
    db.session.refresh(row)
    assert row.daily_capacity == 9 and row.message_price_per_char == Decimal("0.10")


def test_cake_option_list_statements_do_not_grow(staff, count_queries):
    staff_http, _ = staff

    def statements() -> int:
        with count_queries() as counter:
            assert staff_http.get("/staff/cake-options").status_code == 200
            assert staff_http.get("/staff/cake-rules").status_code == 200
        return counter.count

    db.session.add(CakeOption(kind=OptionKind.SPONGE, name="Plain", price=Decimal("0")))
    db.session.commit()
    few = statements()
    for n in range(10):
        db.session.add(CakeOption(kind=OptionKind.FILLING, name=f"Jam {n}", price=Decimal("1.00")))
        db.session.add(CakeRule(kind=RuleKind.MAX_CHOICES, option_kind=OptionKind.FILLING, limit=2, message="m"))
    db.session.commit()
    assert statements() == few
