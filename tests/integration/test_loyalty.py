"""Loyalty points over HTTP and the CLI: redeeming at checkout (its own line, the balance after),
every kind of bad input, giving back on cancel, earning on completion and taking back on refund,
the account page section, expiry and staff adjustments."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role, User
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.core.shop import Context, Shop
from storefront.core.time import zone
from storefront.extensions import db
from storefront.loyalty.models import LoyaltyEntry
from storefront.orders import service as orders_service
from storefront.orders.models import Order, PaymentStatus, Status
from tests.conftest import Auth, FormClient
from tests.support.builders import PASSWORD, make_product, make_user
from tests.support.checkout import FIXED_NOW, CheckoutClient, make_promo, open_shop
from tests.support.html import csrf_from, field_errors, hidden_value, soup, text_of, texts
from tests.support.loyalty import balance, give_points, ledger, set_rules

HTMX = {"HX-Request": "true"}
CTX = Context(now=FIXED_NOW, shop=Shop(name="Crumb & Kettle", address="", phone="", tz=zone("Europe/London"),
                                       locale="en_GB"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW), \
            mock.patch("storefront.loyalty.views.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def loaf(app_ctx):
    open_shop()
    return make_product("Sourdough loaf", price="5.00").id


@pytest.fixture
def checkout(client):
    return CheckoutClient(client)


@pytest.fixture
def customer(auth, loaf):
    user_id = make_user("robin@example.com", name="Robin Rye", phone="0117 496 0000").id
    give_points(user_id, 450, at=FIXED_NOW - timedelta(days=30))
    assert auth.login("robin@example.com", PASSWORD).status_code == 303
    return user_id


def orders() -> list[Order]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Order)))


def outbox_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))


def totals_text(html) -> str:
    return text_of(soup(html).select_one("dl.totals"))


def shown(html, selector: str) -> str:
    """The text of one element, as read (a <strong> inside does not add a space before a comma)."""
    return text_of(soup(html).select_one(selector)).replace(" ,", ",").replace(" .", ".")


def test_redeem_at_checkout_shows_its_line_and_spends_the_points(client, checkout, customer, loaf):
    checkout.add(loaf, 3)   # 15.00 of goods: up to 7.50, so all 450 points could go
    page = checkout.page()
    assert shown(page, "#points-balance") == "You have 450 points, worth £4.50."
    applied = checkout.post({**checkout.form(), "points": "300", "action": "apply_points"}, headers=HTMX)
    assert applied.status_code == 200 and "<html" not in applied.get_data(as_text=True)
    assert "Points (300) −£3.00" in totals_text(applied) and "Total £12.00" in totals_text(applied)
    response = checkout.place(points="300")
    assert response.status_code == 303, field_errors(response)
    (order,) = orders()
    assert (order.subtotal, order.redeemed, order.total) == (Decimal("15.00"), Decimal("3.00"), Decimal("12.00"))
    assert ledger(customer) == [("earned", 450, 450), ("redeemed", -300, 150)]
    assert db.session.scalars(sa.select(LoyaltyEntry).where(LoyaltyEntry.points < 0)).one().order_id == order.id
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Paid with points −£3.00" in totals_text(detail)
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert "Paid with points: −£3.00" in mail.body_text
    assert shown(client.get("/account/").data, ".points-balance") == "150 points, worth £1.50 off an order."


@pytest.mark.parametrize("items, points, message", [
    (3, "1000", "You have 450 points, so you can’t use 1000."),
    (3, "50", "Use at least 100 points at a time."),
    (3, "120", "Use points in steps of 50, such as 100 or 150."),
    (1, "300", "Points can pay for at most 50% of the items (up to 250 points on this order)."),
    (3, "-100", "Enter a number of points from 0 to 1000000"),
    (3, "1.5", "Enter a whole number of points, like 200"),
    (3, "two hundred", "Enter a whole number of points, like 200"),
    (3, "1e3", "Enter a whole number of points, like 200"),
    (3, "9" * 40, "Enter a whole number of points, like 200"),
    (3, "99999999999", "Enter a number of points from 0 to 1000000"),
])
def test_bad_points_get_a_message_beside_the_field_and_write_nothing(checkout, customer, loaf, items, points,
                                                                     message):
    checkout.add(loaf, items)
    data = checkout.form(points=points)
    shown = checkout.post({**data, "action": "apply_points"})
    assert shown.status_code == 422 and field_errors(shown).get("points") == message, field_errors(shown)
    data["shown_total"] = hidden_value(shown, "shown_total")
    placed = checkout.post(data)
    assert placed.status_code == 422 and field_errors(placed).get("points") == message
    assert orders() == [] and outbox_count() == 0 and ledger(customer) == [("earned", 450, 450)]


def test_points_with_a_promo_only_as_the_rules_say(checkout, customer, loaf):
    set_rules(combine_with_promo=False)
    make_promo("TENOFF")
    checkout.add(loaf, 3)
    response = checkout.place(points="200", promo_code="TENOFF")
    assert response.status_code == 422
    assert "can’t be used together with a promo code" in field_errors(response)["points"]
    assert orders() == [] and balance(customer) == 450
    assert checkout.place(points="0", promo_code="TENOFF").status_code == 303   # the code alone is fine


def test_points_and_a_promo_together_when_allowed_take_the_share_of_the_goods_after_the_code(checkout, customer, loaf):
    make_promo("TENOFF")   # 10% off 15.00 → 13.50 of goods; half is 6.75
    checkout.add(loaf, 3)
    assert checkout.place(points="450", promo_code="TENOFF").status_code == 303
    (order,) = orders()
    assert (order.discount, order.redeemed, order.total) == (Decimal("1.50"), Decimal("4.50"), Decimal("9.00"))


def test_a_replayed_form_spends_the_points_once(checkout, customer, loaf):
    checkout.add(loaf, 3)
    data = checkout.form(points="400")
    data["shown_total"] = checkout.quote_total(data)
    first, second = checkout.post(data), checkout.post(data)
    assert first.status_code == second.status_code == 303
    assert len(orders()) == 1 and ledger(customer) == [("earned", 450, 450), ("redeemed", -400, 50)]


def test_missing_csrf_is_refused_and_writes_nothing(checkout, customer, loaf):
    checkout.add(loaf, 3)
    data = checkout.form(points="300")
    data["shown_total"] = checkout.quote_total(data)
    del data["csrf_token"]
    assert checkout.post(data).status_code == 400
    assert orders() == [] and balance(customer) == 450


def test_a_guest_cannot_spend_points(checkout, loaf):
    checkout.add(loaf, 3)
    assert "Pay with points" not in checkout.page()
    response = checkout.place(points="300")
    assert response.status_code == 422 and field_errors(response)["points"] == "Sign in to use your points."
    assert orders() == []


def test_an_unconfirmed_email_address_cannot_spend_points_yet(checkout, auth, loaf):
    user_id = make_user("new@example.com", verified=False).id
    give_points(user_id, 450, at=FIXED_NOW - timedelta(days=30))
    auth.login("new@example.com", PASSWORD)
    checkout.add(loaf, 3)
    response = checkout.place(points="300")
    assert response.status_code == 422
    assert field_errors(response)["points"].startswith("Confirm your email address to use your points")
    assert orders() == [] and balance(user_id) == 450


def test_points_past_their_expiry_cannot_be_spent(checkout, auth, loaf):
    user_id = make_user("old@example.com").id
    give_points(user_id, 300, at=FIXED_NOW - timedelta(days=400))
    auth.login("old@example.com", PASSWORD)
    checkout.add(loaf, 3)
    response = checkout.place(points="200", email="old@example.com")
    assert response.status_code == 422 and field_errors(response)["points"] == "You have 0 points, so you can’t use 200."
    assert orders() == []


def test_cancelling_gives_the_points_back_once(client, checkout, customer, loaf):
    checkout.add(loaf, 3)
    checkout.place(points="300", when="2026-11-21T12:30Z")
    (order,) = orders()
    token = checkout.token()
    assert client.post(f"/orders/{order.number}/cancel", data={"csrf_token": token, "confirm": "yes"}).status_code == 303
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert ledger(customer) == [("earned", 450, 450), ("redeemed", -300, 150), ("returned", 300, 450)]


def test_completing_earns_and_refunding_takes_back_and_gives_back(checkout, customer, loaf):
    checkout.add(loaf, 3)
    checkout.place(points="300", when="2026-11-21T12:30Z")
    (order,) = orders()
    for status in (Status.CONFIRMED, Status.PREPARING, Status.READY, Status.COMPLETED):
        order = orders_service.change_status(db.session, order, status, None, ctx=CTX)
    assert ledger(customer)[-1] == ("earned", 12, 162)   # 12.00 paid for the goods: 12 points
    order.payment_status = PaymentStatus.PAID
    db.session.commit()
    orders_service.change_status(db.session, order, Status.REFUNDED, None, ctx=CTX)
    assert ledger(customer)[-2:] == [("returned", 300, 462), ("reversed", -12, 450)]


def test_a_guest_order_earns_nothing(checkout, loaf):
    checkout.add(loaf, 3)
    checkout.place(when="2026-11-21T12:30Z")
    (order,) = orders()
    for status in (Status.CONFIRMED, Status.PREPARING, Status.READY, Status.COMPLETED):
        order = orders_service.change_status(db.session, order, status, None, ctx=CTX)
    assert db.session.scalar(sa.select(sa.func.count(LoyaltyEntry.id))) == 0


def test_account_page_shows_balance_worth_expiring_next_reward_and_history(client, customer):
    give_points(customer, 80, at=FIXED_NOW - timedelta(days=350))   # expires on 5 December 2026, within 30 days
    page = client.get("/account/").data
    assert shown(page, ".points-balance") == "530 points, worth £5.30 off an order."
    assert shown(page, "#points-expiring").startswith("80 points expire by 5 December 2026")
    assert shown(page, "#points-next") == "20 more points and your points are worth £5.50."
    assert texts(page, ".points-history tbody tr")[0] == "5 Dec 2025 Earned: Test points +80 530"


def test_account_page_statement_count_does_not_grow_with_the_history(client, customer, count_queries):
    client.get("/account/")
    with count_queries() as few:
        client.get("/account/")
    for day in range(15):
        give_points(customer, 10, at=FIXED_NOW - timedelta(days=day))
    with count_queries() as many:
        client.get("/account/")
    assert few.count == many.count


def test_expire_command_is_idempotent(app, app_ctx):
    user_id = make_user("old@example.com").id
    give_points(user_id, 120, at=FIXED_NOW - timedelta(days=800))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["loyalty", "expire"])
    second = runner.invoke(args=["loyalty", "expire"])
    assert first.output == "Expired 120 points of 1 customers.\n" and second.output == "Expired 0 points of 0 customers.\n"
    assert ledger(user_id) == [("earned", 120, 120), ("expired", -120, 0)]


def test_staff_adjustment_needs_a_reason_and_is_audited(app, app_ctx):
    customer = make_user("robin@example.com").id
    staff = make_user("staff@example.com", role=Role.STAFF).id
    runner = app.test_cli_runner()
    done = runner.invoke(args=["loyalty", "adjust", "Robin@Example.com", "--points", "75", "--reason", "Birthday",
                               "--by", "staff@example.com"])
    assert done.exit_code == 0 and "balance now 75" in done.output
    entry = db.session.scalars(sa.select(AuditEntry)).one()
    assert (entry.actor_id, entry.action, entry.details["before"], entry.details["after"]) == (
        staff, "loyalty.adjust", 0, 75)
    refused = [runner.invoke(args=["loyalty", "adjust", "robin@example.com", "--points", "-100", "--reason", "x",
                                   "--by", "staff@example.com"]),
               runner.invoke(args=["loyalty", "adjust", "robin@example.com", "--points", "10", "--reason", "  ",
                                   "--by", "staff@example.com"]),
               runner.invoke(args=["loyalty", "adjust", "robin@example.com", "--points", "10", "--reason", "x",
                                   "--by", "robin@example.com"])]
    assert [r.exit_code for r in refused] == [1, 1, 1]
    assert "You have 75 points" in refused[0].output and "not a staff account" in refused[2].output
    assert ledger(customer) == [("adjusted", 75, 75)]
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 1


def test_demo_customer_has_points_and_seeding_twice_adds_none(app, app_ctx):
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    customer = db.session.scalar(sa.select(User.id).where(User.email == "customer@example.com"))
    first = ledger(customer)
    assert [points for _, points, _ in first] == [320, 180, 50] and first[-1][2] == 550
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert ledger(customer) == first


@pytest.fixture
def staff_client(app, app_ctx, auth):
    make_user("staff@example.com", role=Role.STAFF)
    make_user("robin@example.com")
    assert auth.login("staff@example.com", PASSWORD).status_code == 303


def adjust_form(client, **fields) -> dict:
    page = client.get("/staff/points")
    assert page.status_code == 200
    return {"csrf_token": csrf_from(page.data), "key": hidden_value(page, "key"), "email": "robin@example.com",
            "points": "50", "reason": "Sorry for the wait", **fields}


def test_staff_adjust_points_on_their_screen_once_per_form_and_audited(client, staff_client):
    data = adjust_form(client)
    first, replay = client.post("/staff/points", data=data), client.post("/staff/points", data=data)
    assert first.status_code == replay.status_code == 303
    robin = db.session.scalar(sa.select(User.id).where(User.email == "robin@example.com"))
    assert ledger(robin) == [("adjusted", 50, 50)]
    (entry,) = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.action, entry.details["reason"], entry.details["after"]) == ("loyalty.adjust", "Sorry for the wait", 50)
    assert "robin@example.com: +50 points, balance now 50." in client.get("/staff/points").get_data(as_text=True)


@pytest.mark.parametrize("fields, field, message", [
    (dict(points="-60"), "points", "You have 0 points, so 60 can’t be taken."),
    (dict(points="0"), "points", "Enter a number of points between −1000000 and 1000000, not 0."),
    (dict(points="1.5"), "points", "Enter a whole number of points, like 50 or -50"),
    (dict(points=""), "points", "Enter the points to add (or, with a minus, to take)"),
    (dict(reason=""), "reason", "Say why the points change"),
    (dict(reason="x" * 201), "reason", "Use at most 200 characters"),
    (dict(email="nobody@example.com"), "email", "No account has this email address."),
    (dict(email="not an email"), "email", "Enter an email address like name@example.com"),
])
def test_staff_adjustment_bad_input_says_why_beside_the_field(client, staff_client, fields, field, message):
    response = client.post("/staff/points", data=adjust_form(client, **fields))
    assert response.status_code == 422 and field_errors(response)[field] == message
    assert db.session.scalar(sa.select(sa.func.count(LoyaltyEntry.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


def test_staff_adjustment_needs_csrf_and_a_staff_member(app, client, staff_client):
    data = adjust_form(client)
    del data["csrf_token"]
    assert client.post("/staff/points", data=data).status_code == 400
    other = app.test_client()
    assert other.get("/staff/points").status_code == 302   # a guest is sent to sign in
    Auth(FormClient(other)).login("robin@example.com", PASSWORD)
    assert other.get("/staff/points").status_code == 403   # a customer may not
    assert other.post("/staff/points", data={**adjust_form(client), "csrf_token": csrf_from(other.get("/").data)}
                      ).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(LoyaltyEntry.id))) == 0
