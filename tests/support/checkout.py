"""Driving the checkout through the test client, as a browser form would."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from unittest import mock

import pytest

from storefront.checkout.models import DeliveryZone, OrderingRules, PromoCode, PromoKind
from storefront.extensions import db
from tests.support.builders import make_hours, make_store
from tests.support.html import csrf_from, hidden_value, soup

# Friday 20 November 2026, 10:00 in London (GMT): the shop in these tests is open 08:00–17:00.
FIXED_NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def frozen_clock():
    """Checkout's clock at FIXED_NOW (import it into a test module, or use it by name)."""
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield


def open_shop(**rules) -> None:
    make_store()
    for weekday in range(7):
        make_hours(weekday, "08:00", "17:00")
    values = dict(preparation_minutes=20, slot_minutes=15, orders_per_slot=3, last_order_minutes=15, days_ahead=7,
                  cancel_minutes=60, tax_rate=Decimal("20.00"))
    values.update(rules)
    db.session.add(OrderingRules(**values))
    db.session.add(DeliveryZone(name="Centre", postcode_prefixes="BS1 BS2", fee=Decimal("2.50"),
                                minimum_order=Decimal("12.00")))
    db.session.commit()


def make_promo(code: str, **fields) -> PromoCode:
    values = dict(kind=PromoKind.PERCENT, value=Decimal("10"))
    values.update(fields)
    promo = PromoCode(code=code, **values)
    db.session.add(promo)
    db.session.commit()
    return promo


class CheckoutClient:
    def __init__(self, client):
        self.client = client

    def token(self) -> str:
        return csrf_from(self.client.get("/").data)

    def add(self, product_id: int, quantity: int = 1):
        return self.client.post("/cart/add", data={"csrf_token": self.token(), "product_id": product_id,
                                                   "quantity": quantity})

    def page(self) -> str:
        return self.client.get("/checkout").get_data(as_text=True)

    def form(self, **overrides) -> dict:
        page = soup(self.page())
        selected = page.select_one("select#when option[selected]")
        day = page.select_one("select#day option[selected]") or page.select_one("input[name=day]")
        data = {"csrf_token": csrf_from(page), "key": hidden_value(page, "key"),
                "shown_total": hidden_value(page, "shown_total"), "promo_seen": "",
                "fulfilment": "pickup", "day": day["value"] if day else "",
                "when": selected["value"] if selected else "",
                "name": "Robin Rye", "email": "robin@example.com", "phone": "0117 496 0000", "note": "",
                "promo_code": "", "action": "place"}
        if "when" in overrides and "day" not in overrides:
            # Choosing a time means choosing its day first (a slot value starts with its local date).
            overrides["day"] = overrides["when"][:10] if overrides["when"][:4].isdigit() else data["day"]
        data.update(overrides)
        return data

    def post(self, data: dict, **kwargs):
        return self.client.post("/checkout", data=data, **kwargs)

    def quote_total(self, data: dict) -> str:
        """What the page shows for these choices (as "Update options" would)."""
        return self.shown(data)["shown_total"]

    def shown(self, data: dict) -> dict:
        """What the page carries back after showing these choices: the total and the promo
        code whose answer it shows (as a browser would after a live refresh or "Update options")."""
        response = self.post({**data, "action": "update"})
        return {"shown_total": hidden_value(response, "shown_total"), "promo_seen": hidden_value(response, "promo_seen")}

    def place(self, **overrides):
        """Place the order after the page has shown these choices, as a customer would."""
        data = self.form(**overrides)
        data.update(self.shown(data))
        return self.post(data)

    def place_unseen(self, **overrides):
        """Place the order straight from the first page's total (no update seen in between)."""
        data = self.form(**overrides)
        data["shown_total"] = self.quote_total({**data, "promo_code": ""})
        return self.post(data)
