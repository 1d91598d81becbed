"""Checkout over HTTP: pickup and delivery, times, promo codes, placing once, following,
cancelling and reordering; and every kind of bad input."""
from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.checkout.models import PromoCode, PromoRedemption, SlotBooking
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.orders.models import Order, Status
from tests.support.builders import PASSWORD, make_category, make_product, make_user
from tests.support.cart import cart_lines
from tests.support.checkout import FIXED_NOW, CheckoutClient, make_promo, open_shop
from tests.support.html import field_errors, hidden_value, soup

HTMX = {"HX-Request": "true"}


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture(autouse=True)
def frozen_clock():
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


@pytest.fixture
def shop(app_ctx):
    open_shop()
    pastries = make_category("Pastries", slug="pastries")
    return {
        "croissant": make_product("Croissant", price="2.00", category=pastries, track_stock=True, stock_quantity=5).id,
        "loaf": make_product("Sourdough loaf", price="5.00").id,
    }


@pytest.fixture
def checkout(client):
    return CheckoutClient(client)


def orders() -> list[Order]:
    return list(db.session.scalars(sa.select(Order)))


def errors(response) -> list[str]:
    return list(field_errors(response).values())


def test_guest_pickup_as_soon_as_possible(client, checkout, shop):
    checkout.add(shop["croissant"], 2)
    checkout.add(shop["loaf"], 1)
    page = checkout.page()
    # The first slot after 20 minutes is 10:30: "about 30 min", and the summary says when.
    assert "As soon as possible (about 30 min)" in page and "£9.00" in page
    assert "as soon as possible, about 10:30" in " ".join(soup(page).get_text().split())
    response = checkout.place(when="asap")
    assert response.status_code == 303
    (order,) = orders()
    assert response.headers["Location"].startswith(f"/orders/{order.number}?key=")
    assert (order.subtotal, order.total, order.tax_included) == (Decimal("9.00"), Decimal("9.00"), Decimal("1.50"))
    assert order.is_asap and order.scheduled_for == FIXED_NOW + timedelta(minutes=30)
    assert db.session.get(SlotBooking, order.slot_start).orders_count == 1  # ASAP counts against capacity
    assert [(line.name, line.quantity, line.unit_price) for line in order.lines] == [("Croissant", 2, Decimal("2.00")),
                                                                          ("Sourdough loaf", 1, Decimal("5.00"))]
    assert [h.to_status for h in order.history] == [Status.PLACED]
    assert order.payment_method == "pay_at_pickup" and order.payment_status.value == "unpaid"
    assert db.session.get(Product, shop["croissant"]).stock_quantity == 3
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert mail.to_address == "robin@example.com" and order.number in mail.subject
    assert f"/orders/{order.number}?key=" in mail.body_text
    assert "Today, about 10:30" in mail.body_html and f"/orders/{order.number}?key=" in mail.body_html
    assert "Your cart is empty" in checkout.page()  # emptied after the commit
    detail = client.get(response.headers["Location"])
    assert detail.status_code == 200 and "Order placed" in text(detail) and "£9.00" in text(detail)


def test_signed_in_delivery_in_a_slot_with_a_promo(client, checkout, auth, shop):
    make_user("robin@example.com", name="Robin Rye", phone="0117 496 0000")
    auth.login("robin@example.com", PASSWORD)
    make_promo("WELCOME10", min_subtotal=Decimal("10.00"))
    checkout.add(shop["loaf"], 3)
    page = checkout.page()
    assert 'value="Robin Rye"' in page and 'value="robin@example.com"' in page  # prefilled
    slot = "2026-11-21T12:30Z"
    applied = checkout.post({**checkout.form(fulfilment="delivery"), "promo_code": "welcome10", "action": "apply_promo"},
                            headers=HTMX)
    assert applied.status_code == 200 and "Code <strong>WELCOME10</strong> applied" in text(applied)
    assert "<html" not in text(applied)
    response = checkout.place(fulfilment="delivery", when=slot, promo_code="welcome10", address_line="12 Mill Lane",
                              city="Bristol", postcode="bs1 4qa")
    assert response.status_code == 303, errors(response)
    (order,) = orders()
    assert order.user_id is not None and not order.is_asap and order.slot_start.isoformat() == "2026-11-21T12:30:00+00:00"
    assert (order.subtotal, order.discount, order.delivery_fee, order.total) == (
        Decimal("15.00"), Decimal("1.50"), Decimal("2.50"), Decimal("16.00"))
    assert order.postcode == "BS1 4QA" and order.payment_method == "pay_on_delivery"
    assert db.session.get(SlotBooking, order.slot_start).orders_count == 1
    assert db.session.scalar(sa.select(PromoCode.uses_count)) == 1
    assert db.session.scalar(sa.select(sa.func.count(PromoRedemption.id))) == 1
    listing = text(client.get("/orders"))
    assert order.number in listing and "Order these again" in listing


@pytest.mark.parametrize("promo, subtotal_items, fulfilment, message", [
    (None, 1, "pickup", "We don’t recognise that code."),
    (dict(min_subtotal=Decimal("20.00")), 1, "pickup", "Spend £15.00 more to use this code (minimum £20.00)."),
    (dict(usage_limit=1, uses_count=1), 1, "pickup", "This code has been fully used."),
    (dict(order_type="delivery"), 1, "pickup", "This code is for delivery orders only."),
    (dict(ends_at=FIXED_NOW - timedelta(days=3)), 1, "pickup", "This code expired on 17 November 2026."),
    (dict(starts_at=FIXED_NOW + timedelta(days=3)), 1, "pickup", "This code starts on 23 November 2026."),
    (dict(category_ids=[999]), 1, "pickup", "Nothing in your cart qualifies for this code."),
])
def test_rejected_codes_say_why(checkout, shop, promo, subtotal_items, fulfilment, message):
    from storefront.checkout.models import OrderType

    if promo is not None:
        if "order_type" in promo:
            promo["order_type"] = OrderType(promo["order_type"])
        make_promo("TRYME", **promo)
    checkout.add(shop["loaf"], subtotal_items)
    for headers in ({}, HTMX):
        response = checkout.post({**checkout.form(fulfilment=fulfilment), "promo_code": "tryme",
                                  "action": "apply_promo"}, headers=headers)
        assert response.status_code == 422
        assert any(message in e for e in errors(response)), errors(response)
    # Placed without having seen the answer: refused with the reason, nothing written...
    refused = checkout.place_unseen(promo_code="tryme")
    assert refused.status_code == 422 and orders() == []
    assert any(message in e for e in errors(refused)), errors(refused)
    # ...the reason seen, the code is left off and the order goes through at the shown total.
    placed = checkout.place(promo_code="tryme")
    assert placed.status_code == 303
    (order,) = orders()
    assert order.promo_code is None and order.discount == Decimal("0.00") and order.total == order.subtotal


def test_a_code_is_used_once_per_customer_by_account_or_email(checkout, shop, client):
    make_promo("ONCE", per_customer_limit=1)
    checkout.add(shop["loaf"])
    assert checkout.place(promo_code="ONCE", email="Sam@Example.com").status_code == 303
    checkout.add(shop["loaf"])
    # Pressed straight away, the refusal is shown first (with the total it leaves unchanged)...
    again = checkout.place_unseen(promo_code="once", email="sam@example.com")
    assert again.status_code == 422
    assert errors(again) == ["You have already used this code. We’ve left it off your total."]
    assert len(orders()) == 1
    # ...and once seen, the code is left off and does not stop the order.
    placed = checkout.place(promo_code="once", email="sam@example.com")
    assert placed.status_code == 303
    latest = max(orders(), key=lambda order: order.id)
    assert latest.promo_code is None and latest.discount == Decimal("0.00") and latest.total == Decimal("5.00")


def test_free_delivery_code(checkout, shop):
    from storefront.checkout.models import PromoKind

    make_promo("FREEDEL", kind=PromoKind.FREE_DELIVERY)
    checkout.add(shop["loaf"], 3)
    response = checkout.place(fulfilment="delivery", address_line="1 A St", city="Bristol", postcode="BS2 0AA",
                              promo_code="FREEDEL")
    assert response.status_code == 303
    (order,) = orders()
    assert (order.delivery_fee, order.discount, order.total) == (Decimal("2.50"), Decimal("2.50"), Decimal("15.00"))


def test_delivery_minimum_is_inclusive_and_outside_zones_offers_pickup(checkout, shop):
    checkout.add(shop["croissant"], 5)   # £10.00, the zone asks for £12.00
    short = checkout.place(fulfilment="delivery", address_line="1 A St", city="Bristol", postcode="BS1 1AA")
    assert short.status_code == 422
    assert "Delivery to Centre needs an order of at least £12.00: add £2.00 more, or choose pickup." in errors(short)
    far = checkout.place(fulfilment="delivery", address_line="1 A St", city="London", postcode="SW1A 1AA")
    assert "Sorry, we don’t deliver to that postcode yet. Choose pickup, or try another address." in errors(far)
    assert orders() == []
    checkout.client.post("/cart/lines/%d" % shop["croissant"], data={"csrf_token": checkout.token(), "quantity": 5})
    checkout.add(shop["loaf"])   # £15.00 now
    assert checkout.place(fulfilment="delivery", address_line="1 A St", city="Bristol",
                          postcode="BS1 1AA").status_code == 303


@pytest.mark.parametrize("overrides, field_message", [
    (dict(name=""), "Enter your name"),
    (dict(email="not-an-email"), "Enter an email address like name@example.com"),
    (dict(phone="call me maybe"), "Enter a phone number, like 0117 496 0000"),
    (dict(note="x" * 501), "Use at most 500 characters"),
    (dict(fulfilment="delivery", postcode=""), "Enter the delivery postcode"),
    (dict(fulfilment="delivery", postcode="12345", address_line="1 A St", city="Bristol"),
     "Enter a UK postcode, like BS1 4QA"),
    (dict(fulfilment="delivery", postcode="BS1 1AA"), "Enter the street address for delivery"),
    (dict(fulfilment="teleport"), "Not a valid choice"),
    (dict(when="2026-11-20T09:00Z"), "That time is not available. Choose one of the times shown."),   # past
    (dict(when="2026-11-20T18:00Z"), "That time is not available. Choose one of the times shown."),   # closed
    (dict(when="2026-11-20T10:37Z"), "That time is not available. Choose one of the times shown."),   # off grid
    (dict(when="2027-01-01T10:00Z"), "That time is not available. Choose one of the times shown."),   # too far
    (dict(when="yesterday"), "That time is not available. Choose one of the times shown."),
])
def test_bad_input_gets_a_message_and_writes_nothing(checkout, shop, overrides, field_message):
    checkout.add(shop["loaf"], 3)
    response = checkout.place(**overrides)
    assert response.status_code == 422
    assert any(field_message in e for e in errors(response)), errors(response)
    assert orders() == [] and db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 0


def test_full_slots_are_shown_full_and_refused(checkout, shop):
    slot = "2026-11-21T12:30+00:00"  # the page writes local time with its offset (core.slots)
    from datetime import UTC, datetime

    db.session.add(SlotBooking(slot_start=datetime(2026, 11, 21, 12, 30, tzinfo=UTC), orders_count=3))
    db.session.commit()
    checkout.add(shop["loaf"])
    saturday = checkout.post({**checkout.form(), "day": "2026-11-21", "action": "update"}).get_data(as_text=True)
    assert f'<option value="{slot}" disabled>12:30 (full)</option>' in saturday
    response = checkout.place(when=slot)
    assert "That time is fully booked. Choose another." in errors(response)


def test_an_empty_cart_cannot_be_ordered(checkout, shop):
    assert "Your cart is empty" in checkout.page()
    data = {"csrf_token": checkout.token(), "key": "a" * 32, "shown_total": "0.00", "fulfilment": "pickup",
            "when": "asap", "name": "A", "email": "a@example.com", "phone": "0117 496 0000", "action": "place"}
    response = checkout.post(data)
    assert response.status_code == 422 and orders() == []


def test_a_forged_total_is_never_charged(checkout, shop):
    checkout.add(shop["loaf"], 2)
    data = checkout.form()
    data["shown_total"] = "0.01"
    response = checkout.post(data)
    assert response.status_code == 422 and "Your total has changed" in text(response)
    assert orders() == []
    data["shown_total"] = hidden_value(response, "shown_total")
    assert data["shown_total"] == "10.00"
    assert checkout.post(data).status_code == 303
    assert orders()[0].total == Decimal("10.00")


def test_the_same_form_submitted_twice_places_one_order(checkout, shop):
    checkout.add(shop["loaf"])
    data = checkout.form()
    data["shown_total"] = checkout.quote_total(data)
    first = checkout.post(data)
    second = checkout.post(data)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"].split("?")[0] == second.headers["Location"].split("?")[0]
    assert len(orders()) == 1


def test_someone_elses_checkout_key_reveals_nothing(app, checkout, shop):
    checkout.add(shop["loaf"])
    data = checkout.form()
    data["shown_total"] = checkout.quote_total(data)
    checkout.post(data)
    stranger = CheckoutClient(app.test_client())
    stranger.add(shop["loaf"])
    replay = stranger.form(key=data["key"])
    replay["shown_total"] = stranger.quote_total(replay)
    response = stranger.post(replay)
    assert response.status_code == 422 and "This form has expired" in text(response)
    assert orders()[0].number not in text(response)


def test_missing_csrf_is_refused(checkout, shop):
    checkout.add(shop["loaf"])
    data = checkout.form()
    del data["csrf_token"]
    assert checkout.post(data).status_code == 400 and orders() == []


def test_a_shortfall_at_checkout_says_exactly_what_changed(checkout, shop):
    checkout.add(shop["croissant"], 4)
    data = checkout.form()
    data["shown_total"] = checkout.quote_total(data)
    db.session.get(Product, shop["croissant"]).stock_quantity = 2   # sold in the shop meanwhile
    db.session.commit()
    response = checkout.post(data)
    assert response.status_code == 422
    assert "Only 2 of Croissant left — your cart now says 2." in text(response)
    assert orders() == []
    assert db.session.get(Product, shop["croissant"]).stock_quantity == 2


def test_order_pages_need_the_owner_or_the_secret_link(app, client, checkout, shop):
    checkout.add(shop["loaf"])
    location = checkout.place().headers["Location"]
    number, key = re.match(r"/orders/([^?]+)\?key=(.+)", location).groups()
    stranger = app.test_client()
    assert stranger.get(f"/orders/{number}").status_code == 404
    assert stranger.get(f"/orders/{number}?key=forged").status_code == 404
    assert stranger.get(f"/orders/{number}?key={'x' * 500}").status_code == 404
    assert stranger.get(location).status_code == 200
    assert client.get(f"/orders/{number}").status_code == 200  # the browser that placed it remembers
    assert stranger.get("/orders/CK-NOSUCH").status_code == 404
    assert stranger.get("/orders").status_code == 302  # history needs sign-in


def test_status_timeline_polls_until_final(client, checkout, shop):
    checkout.add(shop["loaf"])
    location = checkout.place().headers["Location"]
    page = text(client.get(location))
    assert 'data-hx-trigger="every 20s"' in page
    number = location.split("/")[2].split("?")[0]
    fragment = client.get(f"/orders/{number}/status", headers=HTMX)
    assert text(fragment).lstrip().startswith('<section id="order-status"') and "<html" not in text(fragment)
    order = orders()[0]
    order.status = Status.COMPLETED
    db.session.commit()
    assert "every 20s" not in text(client.get(location))


def test_cancel_gives_back_stock_slot_and_promo_once(client, checkout, shop):
    make_promo("TENOFF", usage_limit=5)
    checkout.add(shop["croissant"], 3)
    location = checkout.place(when="2026-11-21T12:30Z", promo_code="TENOFF").headers["Location"]
    order = orders()[0]
    assert db.session.get(Product, shop["croissant"]).stock_quantity == 2
    token = checkout.token()
    cancelled = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert cancelled.status_code == 303
    db.session.expire_all()
    assert orders()[0].status == Status.CANCELLED
    assert [h.to_status for h in orders()[0].history] == [Status.PLACED, Status.CANCELLED]
    assert db.session.get(Product, shop["croissant"]).stock_quantity == 5
    assert db.session.get(SlotBooking, order.slot_start).orders_count == 0
    assert db.session.scalar(sa.select(PromoCode.uses_count)) == 0
    assert db.session.scalar(sa.select(sa.func.count(PromoRedemption.id))) == 0
    again = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": token, "confirm": "yes"})
    assert "This order is already cancelled." in text(client.get(location))
    assert again.status_code == 303 and db.session.get(Product, shop["croissant"]).stock_quantity == 5


def test_cancelling_an_order_asks_first_and_a_bare_post_changes_nothing(client, checkout, shop):
    checkout.add(shop["croissant"], 1)
    location = checkout.place(when="2026-11-21T12:30Z").headers["Location"]
    order = orders()[0]
    page = soup(client.get(location))
    assert page.select_one("details#cancel-order summary").get_text(strip=True) == "Cancel this order…"
    asked = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": checkout.token()})
    assert asked.status_code == 200
    question = soup(asked)
    assert question.h1.get_text(strip=True) == f"Cancel order {order.number}?"
    assert [a.get_text(strip=True) for a in question.select(".confirm-actions a")] == ["Keep my order"]
    db.session.expire_all()
    assert orders()[0].status == Status.PLACED


def test_cancel_is_refused_once_the_kitchen_has_started_or_too_close(client, checkout, shop):
    checkout.add(shop["loaf"])
    checkout.place(when="asap")
    order = orders()[0]
    page = text(client.get(f"/orders/{order.number}"))
    assert "Cancel this order" not in page   # ready in 20 minutes: inside the 60-minute cutoff
    response = client.post(f"/orders/{order.number}/cancel", data={"csrf_token": checkout.token(), "confirm": "yes"})
    assert response.status_code == 303
    assert "can no longer be cancelled online" in text(client.get(f"/orders/{order.number}"))
    assert orders()[0].status == Status.PLACED


def test_reorder_puts_available_items_back_and_says_what_not(client, checkout, auth, shop):
    make_user("robin@example.com")
    auth.login("robin@example.com", PASSWORD)
    checkout.add(shop["croissant"], 2)
    checkout.add(shop["loaf"], 1)
    checkout.place()
    order = orders()[0]
    db.session.get(Product, shop["loaf"]).is_available = False
    db.session.commit()
    response = client.post(f"/orders/{order.number}/reorder", data={"csrf_token": checkout.token()})
    assert response.status_code == 303 and response.headers["Location"] == "/cart"
    page = text(client.get("/cart"))
    assert "Added 1 of 2 items from order" in page and "Sourdough loaf is no longer on the menu." in page
    assert cart_lines(page) == {"Croissant": 2}


def test_checkout_statement_count_does_not_grow_with_the_cart(checkout, count_queries, shop):
    ids = [make_product(f"Scone {i}").id for i in range(10)]
    checkout.add(ids[0])
    checkout.page()
    with count_queries() as few:
        checkout.page()
    for product_id in ids[1:]:
        checkout.add(product_id)
    with count_queries() as first_sight:
        checkout.page()
    with count_queries() as many:
        checkout.page()
    # The nine products not yet kept are read together once; then the page is back to its count.
    assert sum("FROM products" in s for s in first_sight.statements) == 1
    assert few.count == many.count


def test_placing_an_order_reads_once_and_claims_last(checkout, count_queries, shop):
    """Every checkout claims the same rows (a popular product's stock, the next slot), so they are
    claimed last, after the order, its lines and its email are written: those rows stay locked
    only for the claims and the commit. The cart, the rules and the money are read once."""
    checkout.add(shop["croissant"], 2)
    checkout.add(shop["loaf"])
    data = checkout.form()
    data.update(checkout.shown(data))
    with count_queries() as placing:
        assert checkout.post(data).status_code == 303
    statements = [" ".join(s.split()).upper() for s in placing.statements]
    stock, slot = statements[-2:]
    assert stock.startswith("UPDATE PRODUCTS SET STOCK_QUANTITY") and slot.startswith("INSERT INTO SLOT_BOOKINGS")
    first_write = next(i for i, s in enumerate(statements) if s.startswith("INSERT"))
    assert {s.split(" (")[0] for s in statements[first_write:-2]} == {
        "INSERT INTO ORDERS", "INSERT INTO ORDER_LINES", "INSERT INTO ORDER_STATUS_CHANGES", "INSERT INTO OUTBOX"}
    # Nothing is read once writing starts (no lazy loads for the email, no reload after the commit),
    # and what is read before is read once.
    reads = statements[:first_write]
    assert sum("FROM PRODUCTS" in s for s in reads) == 1
    assert sum("FROM SLOT_BOOKINGS" in s for s in reads) == 1
    assert sum(s.startswith("SELECT ORDERS.ID") and "IDEMPOTENCY_KEY =" in s for s in reads) == 1
    assert db.session.get(Product, shop["croissant"]).stock_quantity == 3 and len(orders()) == 1


def test_the_cancel_question_reads_as_many_statements_for_a_big_order(client, checkout, count_queries, shop):
    def asked(number):
        with count_queries() as counter:
            assert client.post(f"/orders/{number}/cancel", data={"csrf_token": checkout.token()}).status_code == 200
        return counter.count

    checkout.add(shop["croissant"])
    checkout.place(when="2026-11-21T12:30Z")
    ids = [make_product(f"Scone {i}").id for i in range(8)]
    for product_id in ids:
        checkout.add(product_id)
    checkout.place(when="2026-11-21T12:45Z")
    small, big = sorted(orders(), key=lambda order: len(order.lines))
    assert len(big.lines) == 8 and asked(small.number) == asked(big.number)


def test_promo_attempts_are_rate_limited_with_a_friendly_page(checkout, shop):
    checkout.add(shop["loaf"])
    data = {**checkout.form(), "action": "apply_promo"}
    statuses = [checkout.post({**data, "promo_code": f"GUESS{i}"}).status_code for i in range(11)]
    assert statuses[:10] == [422] * 10 and statuses[10] == 429
    assert "Too many attempts" in text(checkout.post({**data, "promo_code": "GUESS99"}))
    # Posts without a code (changing pickup/delivery, say) are not promo attempts.
    assert checkout.post({**data, "promo_code": "", "action": "update"}).status_code in (200, 422)


def test_as_soon_as_possible_skips_full_slots_and_stops_when_today_is_full(checkout, shop):
    from datetime import UTC, datetime

    for hour, minute in ((10, 30), (10, 45)):
        db.session.add(SlotBooking(slot_start=datetime(2026, 11, 20, hour, minute, tzinfo=UTC), orders_count=3))
    db.session.commit()
    checkout.add(shop["loaf"])
    assert "As soon as possible (about 60 min)" in checkout.page()
    for hour in range(11, 17):
        for minute in (0, 15, 30, 45):
            db.session.merge(SlotBooking(slot_start=datetime(2026, 11, 20, hour, minute, tzinfo=UTC), orders_count=3))
    db.session.commit()
    page = checkout.page()
    assert "As soon as possible" not in page  # today is full: the first choice is tomorrow's first slot
    assert "Not today: Fully booked." in " ".join(soup(page).get_text().split())
    response = checkout.place(when="asap")
    assert response.status_code == 422
    assert "We can’t take orders for right now. Choose a time below." in errors(response)
