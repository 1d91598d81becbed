"""A day's cake capacity cannot be oversold: real concurrent checkouts on PostgreSQL."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from storefront.cakes.models import CakeConfiguration, CakeDayCount
from storefront.checkout.models import OrderingRules
from storefront.extensions import db
from tests.concurrency.test_cart_concurrency import Browser
from tests.concurrency.test_checkout_concurrency import all_at_once, order_count
from tests.support.cakes import cake_shop, frozen_clock
from tests.support.servers import LiveServer

DAY = date(2026, 11, 30)
SLOT = "2026-11-30T12:30Z"   # the order is ready on its cakes' day


@pytest.fixture
def server(pg_app):
    live = LiveServer(pg_app).start()
    with frozen_clock():
        yield live
    live.stop()


def cake_buyer(base: str, ids: dict[str, int]) -> tuple[Browser, dict]:
    """A visitor with one cake for DAY in the cart and the checkout form filled in, not yet sent."""
    visitor = Browser()
    token = visitor.csrf(base)
    cake = {"csrf_token": token, "size": ids["6-inch round"], "sponge": ids["Vanilla"],
            "filling": ids["Vanilla buttercream"], "frosting": ids["Classic white buttercream"], "diet": "",
            "message": "", "notes": "", "due_on": DAY.isoformat(), "action": "add"}
    status, _ = visitor.post_page(base + "/cakes", cake)
    assert status == 200  # followed the 303 to the cart
    page = visitor.get(base + "/checkout")
    data = {"csrf_token": token, "key": re.search(r'name="key" type="hidden" value="([^"]+)"', page).group(1),
            "fulfilment": "pickup", "day": DAY.isoformat(), "when": SLOT, "name": "Pat", "email": f"pat{id(visitor)}@example.com",
            "phone": "0117 496 0000", "promo_code": "", "action": "update"}
    _, shown = visitor.post_page(base + "/checkout", data)
    data["shown_total"] = re.search(r'name="shown_total" type="hidden" value="([^"]+)"', shown).group(1)
    data["action"] = "place"
    return visitor, data


def test_three_cakes_left_ten_buyers_exactly_three(pg_app, server):
    ids = cake_shop()
    db.session.execute(sa.update(OrderingRules).values(orders_per_slot=100))
    db.session.add(CakeDayCount(day=DAY, cakes=3))   # 6 a day, 3 already taken
    db.session.commit()
    buyers = [cake_buyer(server.url, ids) for _ in range(10)]
    statuses = all_at_once([lambda v=v, d=d: v.post(server.url + "/checkout", d) for v, d in buyers])
    assert statuses.count(200) == 3 and statuses.count(422) == 7
    assert order_count() == 3
    assert db.session.get(CakeDayCount, DAY).cakes == 6
    assert db.session.scalar(sa.select(sa.func.count(CakeConfiguration.id))) == 3
