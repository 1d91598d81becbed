"""The order board over HTTP: what it shows, one-click moves with their emails and audit rows,
refusals that change nothing (illegal jumps, stale pages, unknown orders, bad values), cancel
with a reason, the kitchen ticket, the pause switch and the preparation time."""
from __future__ import annotations

from html.parser import HTMLParser
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.checkout.models import OrderingRules, SlotBooking
from storefront.core.audit import AuditEntry
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.menu.models import Product
from storefront.orders.models import Fulfilment, Order, OrderStatusChange, Status
from tests.support.builders import PASSWORD, make_category, make_product, make_user
from tests.support.checkout import FIXED_NOW, CheckoutClient, open_shop
from tests.support.html import csrf_from
from tests.support.orders import make_order

HTMX = {"HX-Request": "true"}


class Cards(HTMLParser):
    """Order numbers per board column, read from the page's markup."""

    def __init__(self):
        super().__init__()
        self.columns: dict[str, list[str]] = {}
        self._column = None
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("class") == "board-column":
            self._column = attrs["aria-labelledby"]
            self.columns[self._column] = []
        if tag == "article" and self._column and attrs.get("id", "").startswith("order-"):
            self.columns[self._column].append(attrs["id"].removeprefix("order-"))


def board_columns(html: str) -> list[list[str]]:
    parser = Cards()
    parser.feed(html)
    return list(parser.columns.values())


@pytest.fixture
def staff(app_ctx, client, auth):
    user = make_user("staff@example.com", role=Role.STAFF)
    auth.login("staff@example.com", PASSWORD)
    return user.id


def token(client) -> str:
    return csrf_from(client.get("/staff/orders").data)


def move(client, order, to: str, seen: str | None = None, **kwargs):
    return client.post(f"/staff/orders/{order.number}/move",
                       data={"csrf_token": token(client), "to": to, "seen": seen or order.status.value}, **kwargs)


def status_of(order) -> Status:
    return db.session.scalar(sa.select(Order.status).where(Order.id == order.id))


def mails() -> list[str]:
    return list(db.session.scalars(sa.select(OutboxMessage.subject).order_by(OutboxMessage.id)))


def audits() -> list[tuple]:
    return [(a.action, a.target_id, a.details.get("before"), a.details.get("after"))
            for a in db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id))]


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_board_shows_each_order_in_its_column_with_note_and_allergens(client, staff):
    new = make_order(note="Nut allergy — no almonds please")
    confirmed = make_order(status=Status.CONFIRMED)
    ready = make_order(status=Status.READY)
    make_order(status=Status.COMPLETED)
    page = client.get("/staff/orders").get_data(as_text=True)
    assert board_columns(page) == [[new.number], [confirmed.number], [], [ready.number]]
    assert "Nut allergy — no almonds please" in page and "contains Milk" in page
    assert "Online orders are <strong>open</strong>" in page


def test_the_board_costs_the_same_queries_for_two_orders_or_ten(client, staff, count_queries):
    for _ in range(2):
        make_order()
    client.get("/staff/orders")  # warm: the shop's settings are read once, then cached (core.cache)
    with count_queries() as few:
        client.get("/staff/orders")
    for _ in range(8):
        make_order(status=Status.PREPARING)
    with count_queries() as many:
        page = client.get("/staff/orders").get_data(as_text=True)
    assert sum(len(c) for c in board_columns(page)) == 10
    assert many.count == few.count


def test_one_click_moves_a_pickup_order_through_the_kitchen_with_the_right_emails(client, staff):
    order = make_order()
    for to in ("confirmed", "preparing", "ready", "completed"):
        response = move(client, order, to)
        assert response.status_code == 303 and response.headers["Location"] == "/staff/orders"
        db.session.refresh(order)
        assert order.status.value == to
    # Completing it sends no status email, but invites the customer to review the order.
    assert [m.split(" – ")[0] for m in mails()] == [f"Order {order.number} confirmed",
                                                    f"Order {order.number} ready to collect",
                                                    f"How was your order {order.number}?"]
    assert [(h.from_status, h.to_status, h.actor_id) for h in db.session.scalars(
        sa.select(OrderStatusChange).where(OrderStatusChange.order_id == order.id).order_by(OrderStatusChange.id))
    ][1:] == [(Status.PLACED, Status.CONFIRMED, staff), (Status.CONFIRMED, Status.PREPARING, staff),
              (Status.PREPARING, Status.READY, staff), (Status.READY, Status.COMPLETED, staff)]
    assert audits() == [("order.status", order.number, "placed", "confirmed"),
                        ("order.status", order.number, "confirmed", "preparing"),
                        ("order.status", order.number, "preparing", "ready"),
                        ("order.status", order.number, "ready", "completed")]


def test_a_delivery_order_goes_out_for_delivery_and_the_customer_is_told(client, staff):
    order = make_order(status=Status.PREPARING, fulfilment=Fulfilment.DELIVERY)
    assert move(client, order, "ready").status_code == 422  # pickup's step, not delivery's
    assert move(client, order, "out_for_delivery").status_code == 303
    assert [m.split(" – ")[0] for m in mails()] == [f"Order {order.number} out for delivery"]


def test_an_htmx_move_answers_with_the_board_alone(client, staff):
    order = make_order()
    response = move(client, order, "confirmed", headers=HTMX)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in page
    assert f"Order {order.number}: confirmed by the shop." in page
    assert board_columns(page)[1] == [order.number]


@pytest.mark.parametrize("start, to", [(Status.COMPLETED, "placed"), (Status.CANCELLED, "ready"),
                                       (Status.PLACED, "completed"), (Status.PLACED, "refunded"),
                                       (Status.PLACED, "cancelled")])
def test_illegal_jumps_are_refused_and_nothing_is_written(client, staff, start, to):
    order = make_order(status=start)
    response = move(client, order, to, headers=HTMX)
    assert response.status_code == 422
    assert "cannot be" in response.get_data(as_text=True) or "cannot become" in response.get_data(as_text=True)
    assert status_of(order) == start
    assert count(AuditEntry) == 0 and count(OutboxMessage) == 0


def test_a_stale_board_says_the_order_changed_and_changes_nothing(client, staff):
    order = make_order(status=Status.CONFIRMED)
    response = move(client, order, "confirmed", seen="placed")  # the page still showed it as placed
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f"Order {order.number} has changed since this page was loaded: it is now “confirmed by the shop”" in page
    assert status_of(order) == Status.CONFIRMED and count(AuditEntry) == 0 and count(OutboxMessage) == 0


@pytest.mark.parametrize("data", [{"to": "baked", "seen": "placed"}, {"to": "", "seen": ""},
                                  {"to": "confirmed\x00", "seen": "placed"}])
def test_nonsense_values_get_a_message_never_a_500(client, staff, data):
    order = make_order()
    response = client.post(f"/staff/orders/{order.number}/move", data={"csrf_token": token(client), **data})
    assert response.status_code in (400, 422)
    assert status_of(order) == Status.PLACED and count(AuditEntry) == 0


@pytest.mark.parametrize("path", ["/staff/orders/CK-NOPE/move", "/staff/orders/CK-NOPE/cancel",
                                  "/staff/orders/" + "X" * 40 + "/ticket"])
def test_an_unknown_order_is_a_friendly_404(client, staff, path):
    response = client.post(path, data={"csrf_token": token(client), "to": "confirmed", "seen": "placed",
                                       "reason": "x"}) if not path.endswith("ticket") else client.get(path)
    assert response.status_code == 404
    assert "<html" in response.get_data(as_text=True)


def test_cancel_with_a_reason_gives_everything_back_once_and_emails_the_customer(client, staff):
    product = make_product(stock_quantity=8)
    order = make_order(product=product, quantity=2, status=Status.CONFIRMED)
    slot = order.slot_start
    page = client.get(f"/staff/orders/{order.number}/cancel").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "seen": "confirmed", "reason": "The oven has broken down"}
    response = client.post(f"/staff/orders/{order.number}/cancel", data=data)
    assert response.status_code == 303
    assert status_of(order) == Status.CANCELLED
    assert db.session.get(Product, product.id).stock_quantity == 10
    assert db.session.get(SlotBooking, slot).orders_count == 0
    (body,) = db.session.scalars(sa.select(OutboxMessage.body_text))
    assert "The shop's reason: The oven has broken down" in body
    assert audits() == [("order.status", order.number, "confirmed", "cancelled")]
    # The same form sent again (a double click, a second tab) gives nothing back twice.
    again = client.post(f"/staff/orders/{order.number}/cancel", data=data)
    assert again.status_code == 422 and "has changed since this page was loaded" in again.get_data(as_text=True)
    assert db.session.get(Product, product.id).stock_quantity == 10 and count(OutboxMessage) == 1


def test_cancel_needs_a_reason(client, staff):
    order = make_order()
    page = client.get(f"/staff/orders/{order.number}/cancel").get_data(as_text=True)
    response = client.post(f"/staff/orders/{order.number}/cancel",
                           data={"csrf_token": csrf_from(page), "seen": "placed", "reason": "   "})
    assert response.status_code == 422 and "Say why the order is cancelled" in response.get_data(as_text=True)
    assert status_of(order) == Status.PLACED and count(OutboxMessage) == 0


def test_the_kitchen_ticket_has_what_the_kitchen_needs(client, staff):
    order = make_order(note="Birthday candle please", quantity=3)
    page = client.get(f"/staff/orders/{order.number}/ticket").get_data(as_text=True)
    assert f"Order {order.number}" in page and "Birthday candle please" in page and "Milk" in page
    assert "<td>3</td>" in page


def test_the_customer_sees_the_new_status_on_their_order_page(client, staff, make_app):
    order = make_order(user_id=None, token_hash=None)
    move(client, order, "confirmed")
    # The status block the customer's page polls, read with the order's owner session.
    owner = make_user("owner@example.com")
    db.session.execute(sa.update(Order).where(Order.id == order.id).values(user_id=owner.id))
    db.session.commit()
    other = client.application.test_client()
    from tests.conftest import Auth, FormClient
    Auth(FormClient(other)).login("owner@example.com", PASSWORD)
    fragment = other.get(f"/orders/{order.number}/status", headers=HTMX).get_data(as_text=True)
    assert "Confirmed by the shop" in fragment and "<html" not in fragment


# --- pause and preparation time ------------------------------------------------------------

def test_pausing_stops_online_orders_and_the_menu_and_checkout_say_so(app_ctx, client, auth):
    open_shop()
    make_user("staff@example.com", role=Role.STAFF)
    croissant = make_product("Croissant", category=make_category("Pastries"), price="2.00").id
    auth.login("staff@example.com", PASSWORD)
    response = client.post("/staff/orders/pause", data={"csrf_token": token(client), "paused": "on"})
    assert response.status_code == 303
    assert "Online orders are paused" in client.get("/staff/orders").get_data(as_text=True)
    auth.logout()

    checkout = CheckoutClient(client)
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        assert "We are not taking online orders right now" in client.get("/menu").get_data(as_text=True)
        checkout.add(croissant, 1)
        assert "We are not taking online orders right now" in checkout.page()
        refused = checkout.place(when="asap")
        assert refused.status_code == 422
        assert "Nothing has been ordered or charged" in refused.get_data(as_text=True)
        assert count(Order) == 0

        auth.login("staff@example.com", PASSWORD)
        client.post("/staff/orders/pause", data={"csrf_token": token(client), "paused": "off"})
        auth.logout()
        assert "We are not taking online orders" not in client.get("/menu").get_data(as_text=True)
        checkout.add(croissant, 1)  # signing out emptied this browser's cart
        assert checkout.place(when="asap").status_code == 303
        assert count(Order) == 1
    assert [a[0] for a in audits()] == ["orders.pause", "orders.resume"]


def test_the_preparation_time_is_set_on_the_board(client, staff):
    response = client.post("/staff/orders/lead-time", data={"csrf_token": token(client), "minutes": "35"})
    assert response.status_code == 303
    assert db.session.scalars(sa.select(OrderingRules.preparation_minutes)).one() == 35
    assert audits() == [("orders.lead_time", "1", 20, 35)]


@pytest.mark.parametrize("minutes", ["999", "-5", "soon", ""])
def test_a_bad_preparation_time_is_refused_beside_the_field(client, staff, minutes):
    response = client.post("/staff/orders/lead-time", data={"csrf_token": token(client), "minutes": minutes})
    assert response.status_code == 422
    assert 'class="field-error"' in response.get_data(as_text=True)
    assert count(OrderingRules) == 0 and count(AuditEntry) == 0
