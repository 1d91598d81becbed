"""Promo codes in the back office: every rule the checkout reads can be set, a code made here
works at checkout at once, usage figures add up, single-use codes come as a CSV, and bad input is
refused beside its field with nothing written."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
import sqlalchemy as sa

from storefront.checkout.models import OrderType, PromoCode, PromoKind, PromoRedemption
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.orders.models import Order, Status
from tests.support.builders import make_category, make_product
from tests.support.catalogue import post_form, promo_data, staff_client
from tests.support.checkout import CheckoutClient, frozen_clock, make_promo, open_shop  # noqa: F401
from tests.support.html import csrf_from, field_errors, soup, text_of
from tests.support.orders import make_order


@pytest.fixture
def staff(app, app_ctx):
    return staff_client(app)


def counts():
    return (db.session.scalar(sa.select(sa.func.count(PromoCode.id))),
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id))))


def test_every_rule_is_saved_as_the_checkout_reads_it(staff):
    staff_http, staff_id = staff
    pastries = make_category("Pastries", slug="pastries")
    bun = make_product("Bun", category=pastries)
    answer = post_form(staff_http, "/staff/promos/new", promo_data(
        code=" spring 15 ", kind="fixed", value="2.50", min_subtotal="10", max_discount="2.50",
        starts_at="2026-03-29T00:30", ends_at="2026-04-30T18:00", usage_limit="100", per_customer_limit="1",
        order_type="pickup", category_ids=[str(pastries.id)], product_ids=[str(bun.id)]))
    assert answer.status_code == 303, field_errors(answer.data)
    promo = db.session.scalars(sa.select(PromoCode)).one()
    assert (promo.code, promo.kind, promo.value, promo.min_subtotal, promo.max_discount) == (
        "SPRING15", PromoKind.FIXED, Decimal("2.50"), Decimal("10.00"), Decimal("2.50"))
    # Typed in the shop's zone (London, summer time from 29 March), stored in UTC.
    assert promo.starts_at.isoformat() == "2026-03-29T00:30:00+00:00"
    assert promo.ends_at.isoformat() == "2026-04-30T17:00:00+00:00"
    assert (promo.usage_limit, promo.per_customer_limit, promo.order_type) == (100, 1, OrderType.PICKUP)
    assert (promo.category_ids, promo.product_ids, promo.is_active) == ([pastries.id], [bun.id], True)
    page = soup(staff_http.get(f"/staff/promos/{promo.id}").data)
    assert page.select_one("#ends_at")["value"] == "2026-04-30T18:00"
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.action, entry.actor_id, entry.details["after"]["code"]) == ("promo.create", staff_id, "SPRING15")


@pytest.mark.parametrize(("change", "field", "message"), [
    ({"code": "welcome10"}, "code", "already uses"),
    ({"code": "a!"}, "code", "3 to 40"),
    ({"code": ""}, "code", "Enter the code"),
    ({"value": "-5"}, "value", "0 or more"),
    ({"value": "150"}, "value", "at most 100"),
    ({"value": ""}, "value", "more than 0"),
    ({"kind": "bogus"}, "kind", ""),
    ({"order_type": "teleport"}, "order_type", ""),
    ({"starts_at": "2026-05-01T10:00", "ends_at": "2026-04-01T10:00"}, "ends_at", "after the start"),
    ({"starts_at": "yesterday"}, "starts_at", ""),
    ({"usage_limit": "0"}, "usage_limit", "whole number"),
    ({"usage_limit": "-1"}, "usage_limit", "whole number"),
    ({"per_customer_limit": "2.5"}, "per_customer_limit", "whole number"),
    ({"category_ids": ["987654"]}, "category_ids", "Choose from the list"),
    ({"product_ids": ["abc"]}, "product_ids", "Choose from the list"),
    ({"description": "x" * 300}, "description", "at most 200"),
])
def test_bad_promo_input_gets_a_message_beside_the_field_and_writes_nothing(staff, change, field, message):
    staff_http, _ = staff
    make_promo("WELCOME10")
    before = counts()
    answer = post_form(staff_http, "/staff/promos/new", promo_data(**change))
    assert answer.status_code == 422
    errors = field_errors(answer.data)
    assert field in errors and message in errors[field], errors
    assert counts() == before


def test_limit_below_uses_so_far_is_refused(staff):
    staff_http, _ = staff
    promo = make_promo("BUSY", usage_limit=10, uses_count=4)
    answer = post_form(staff_http, f"/staff/promos/{promo.id}", promo_data(code="BUSY", usage_limit="3"))
    assert answer.status_code == 422 and "allow at least 4" in field_errors(answer.data)["usage_limit"]
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).usage_limit == 10


def test_a_code_made_here_works_at_checkout_and_deactivating_stops_it(app, client, staff, frozen_clock):
    staff_http, _ = staff
    open_shop()
    product = make_product("Bloomer", price="10.00")
    answer = post_form(staff_http, "/staff/promos/new", promo_data(code="TAKE15", value="15"))
    assert answer.status_code == 303
    shopper = CheckoutClient(client)
    shopper.add(product.id, 2)
    placed = shopper.place(promo_code="take15")
    assert placed.status_code == 303, field_errors(placed.data)
    order = db.session.scalars(sa.select(Order)).one()
    assert (order.discount, order.total, order.promo_code) == (Decimal("3.00"), Decimal("17.00"), "TAKE15")

    promo = db.session.scalars(sa.select(PromoCode)).one()
    figures = text_of(soup(staff_http.get(f"/staff/promos/{promo.id}").data).select_one("dl.figures"))
    assert "Uses 1" in figures and "£3.00" in figures and "£17.00" in figures

    token = csrf_from(staff_http.get(f"/staff/promos/{promo.id}").data)
    assert staff_http.post(f"/staff/promos/{promo.id}/deactivate", data={"csrf_token": token}).status_code == 303
    second = CheckoutClient(app.test_client())
    second.add(product.id, 2)
    refused = second.place_unseen(promo_code="TAKE15", email="other@example.com")
    assert refused.status_code == 422 and "recognise" in field_errors(refused.data)["promo_code"]
    assert db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all() == [
        "promo.create", "promo.update"]


def _redeem(promo: PromoCode, *, discount: str, total: str, status: Status = Status.COMPLETED) -> None:
    order = make_order(status=status)
    order.discount, order.total, order.promo_code_id = Decimal(discount), Decimal(total), promo.id
    db.session.add(PromoRedemption(promo_id=promo.id, order_id=order.id, email=order.customer_email))
    db.session.commit()


def test_usage_figures_count_standing_orders(staff):
    staff_http, _ = staff
    used, idle = make_promo("USED"), make_promo("IDLE")
    _redeem(used, discount="1.00", total="9.00")
    _redeem(used, discount="2.50", total="20.00")
    _redeem(used, discount="5.00", total="50.00", status=Status.CANCELLED)
    rows = {text_of(tr.select_one("th")): [text_of(td) for td in tr.select("td")]
            for tr in soup(staff_http.get("/staff/promos").data).select("tbody tr")}
    assert rows["USED"][2:5] == ["2", "£3.50", "£29.00"]
    assert rows["IDLE"][2:5] == ["0", "£0.00", "£0.00"]
    assert idle.id


def test_promo_list_statements_do_not_grow(staff, count_queries):
    staff_http, _ = staff

    def statements() -> int:
        with count_queries() as counter:
            assert staff_http.get("/staff/promos").status_code == 200
        return counter.count

    first = make_promo("FIRST")
    _redeem(first, discount="1.00", total="9.00")
    few = statements()
    for n in range(10):
        promo = make_promo(f"MORE{n}")
        _redeem(promo, discount="1.00", total="9.00")
    assert statements() == few


def test_generate_single_use_codes_as_csv(staff):
    staff_http, staff_id = staff
    template = make_promo("GIFT", kind=PromoKind.FIXED, value=Decimal("5.00"), min_subtotal=Decimal("20.00"),
                          order_type=OrderType.DELIVERY)
    url = f"/staff/promos/{template.id}/generate"
    token = csrf_from(staff_http.get(f"/staff/promos/{template.id}").data)
    answer = staff_http.post(url, data={"csrf_token": token, "count": "25", "prefix": "xmas"})
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    codes = [row["code"] for row in rows]
    assert len(codes) == len(set(codes)) == 25 and all(code.startswith("XMAS-") for code in codes)
    made = db.session.scalars(sa.select(PromoCode).where(PromoCode.code.in_(codes))).all()
    assert len(made) == 25
    assert {(p.usage_limit, p.kind, p.value, p.min_subtotal, p.order_type) for p in made} == {
        (1, PromoKind.FIXED, Decimal("5.00"), Decimal("20.00"), OrderType.DELIVERY)}
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "promo.generate")).one()
    assert entry.details["count"] == 25 and entry.actor_id == staff_id


@pytest.mark.parametrize(("data", "field"), [
    ({"count": "0", "prefix": "GIFT"}, "count"),
    ({"count": "501", "prefix": "GIFT"}, "count"),
    ({"count": "99999999999", "prefix": "GIFT"}, "count"),
    ({"count": "ten", "prefix": "GIFT"}, "count"),
    ({"count": "5", "prefix": "a-b"}, "prefix"),
    ({"count": "5", "prefix": ""}, "prefix"),
])
def test_generate_guards_its_count_and_prefix(staff, data, field):
    staff_http, _ = staff
    template = make_promo("GIFT")
    before = counts()
    token = csrf_from(staff_http.get(f"/staff/promos/{template.id}").data)
    answer = staff_http.post(f"/staff/promos/{template.id}/generate", data={"csrf_token": token, **data})
    assert answer.status_code == 422 and field in field_errors(answer.data)
    assert counts() == before


def test_missing_csrf_and_forged_promo_ids(staff):
    staff_http, _ = staff
    promo = make_promo("SAFE")
    before = counts()
    assert staff_http.post("/staff/promos/new", data=promo_data()).status_code in (400, 422)
    assert staff_http.post(f"/staff/promos/{promo.id}/deactivate", data={}).status_code == 400
    assert staff_http.post(f"/staff/promos/{promo.id}/generate", data={"count": "5", "prefix": "X1"}).status_code == 400
    token = csrf_from(staff_http.get(f"/staff/promos/{promo.id}").data)
    assert staff_http.post("/staff/promos/424242/deactivate", data={"csrf_token": token}).status_code == 404
    assert staff_http.get("/staff/promos/424242").status_code == 404
    assert counts() == before
    db.session.expire_all()
    assert db.session.get(PromoCode, promo.id).is_active
