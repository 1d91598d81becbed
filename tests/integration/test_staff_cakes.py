"""Cake options, the rules between them and the cake rules row in the back office: saved
through the same audited pattern, shown by the builder at once, bad input refused."""
from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
import sqlalchemy as sa

from storefront.cakes.models import CakeOption, CakeRule, CakeSettings, OptionKind, RuleKind
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from tests.support.cakes import cake_shop, frozen_clock, option_id
from tests.support.catalogue import post_form, staff_client
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
