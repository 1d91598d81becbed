"""When Redis stops answering: the cart says it is unavailable (503 page or toast) wherever it
is used, every page still answers, and an order that was committed is never lost: the customer
lands on its page (a guest with the order's secret link)."""
from __future__ import annotations

from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.cart.store import CartStore, CartUnavailable
from storefront.checkout import service as checkout_service
from storefront.extensions import db
from storefront.orders.models import Order
from tests.support.builders import PASSWORD, make_category, make_product, make_user
from tests.support.checkout import CheckoutClient, frozen_clock, open_shop  # noqa: F401
from tests.support.html import csrf_from, text
from tests.support.servers import RedisProcess

HTMX = {"HX-Request": "true"}

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture
def shop(app_ctx):
    open_shop()
    return {"loaf": make_product("Sourdough loaf", price="5.00", slug="sourdough-loaf",
                                 category=make_category("Bread", slug="bread")).id}


def unreachable(*args, **kwargs):
    raise CartUnavailable("Connection refused")


def test_checkout_and_reorder_say_the_cart_is_unavailable(client, auth, shop):
    make_user("robin@example.com")
    auth.login("robin@example.com", PASSWORD)
    checkout = CheckoutClient(client)
    checkout.add(shop["loaf"])
    data = checkout.form()
    data["shown_total"] = checkout.quote_total(data)
    assert checkout.post(data).status_code == 303
    number = db.session.scalars(sa.select(Order.number)).one()
    token = csrf_from(client.get("/").data)
    with mock.patch.object(CartStore, "_call", unreachable):
        answers = {
            "GET /checkout": client.get("/checkout"),
            "POST /checkout (update)": client.post("/checkout", data={**data, "csrf_token": token, "action": "update"}),
            "POST /checkout (place)": client.post("/checkout", data={**data, "csrf_token": token}),
            "POST reorder": client.post(f"/orders/{number}/reorder", data={"csrf_token": token}),
        }
        toast = client.post(f"/orders/{number}/reorder", data={"csrf_token": token}, headers=HTMX)
    for what, answer in answers.items():
        assert answer.status_code == 503, what
        assert "Your cart is temporarily unavailable" in text(answer), what
    assert toast.status_code == 503 and toast.headers["HX-Retarget"] == "#toasts" and "<html" not in text(toast)
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1


@pytest.mark.parametrize("signed_in", [False, True])
def test_an_order_committed_just_before_redis_fails_lands_on_its_page(client, auth, shop, signed_in):
    if signed_in:
        make_user("robin@example.com")
        auth.login("robin@example.com", PASSWORD)
    checkout = CheckoutClient(client)
    checkout.add(shop["loaf"])
    with mock.patch.object(CartStore, "clear", unreachable):
        response = checkout.place()
    (order,) = db.session.scalars(sa.select(Order)).all()
    assert response.status_code == 303
    assert response.headers["Location"].startswith(f"/orders/{order.number}?key=")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and order.number in text(page)


def test_redis_stopped_mid_journey(make_app, app_ctx):
    """A real Redis, stopped right after the order commits: the order page still opens with the
    link the customer was sent to, and every page answers without a 500."""
    redis_server = RedisProcess()
    try:
        app = make_app(REDIS_URL=redis_server.url)
        client = app.test_client()
        open_shop()
        loaf = make_product("Sourdough loaf", price="5.00", slug="sourdough-loaf",
                            category=make_category("Bread", slug="bread")).id
        checkout = CheckoutClient(client)
        assert checkout.add(loaf).status_code == 303
        data = checkout.form()
        data["shown_total"] = checkout.quote_total(data)
        real_place_order = checkout_service.place_order

        def place_then_redis_stops(*args, **kwargs):
            placed = real_place_order(*args, **kwargs)
            redis_server.stop()
            return placed

        with mock.patch.object(checkout_service, "place_order", place_then_redis_stops):
            placed = checkout.post(data)
        assert redis_server.process.poll() is not None  # Redis really is down
        assert placed.status_code == 303
        order_link = placed.headers["Location"]
        number = db.session.scalars(sa.select(Order.number)).one()
        assert order_link.startswith(f"/orders/{number}?key=")
        order_page = client.get(order_link)
        assert order_page.status_code == 200 and number in text(order_page)
        pages = ["/", "/menu", "/menu?q=loaf", "/menu/sourdough-loaf", "/cart", "/checkout", "/orders",
                 f"/orders/{number}", "/reservations", "/account/login", "/account/register",
                 "/account/reset", "/healthz"]
        for path in pages:
            answer = client.get(path)
            assert answer.status_code < 500 or answer.status_code == 503, (path, answer.status_code)
        token = csrf_from(client.get("/").data)
        posted = client.post("/cart/add", data={"csrf_token": token, "product_id": loaf, "quantity": 1})
        assert posted.status_code == 503
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 1
    finally:
        if redis_server.process.poll() is None:
            redis_server.stop()
