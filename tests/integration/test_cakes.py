"""Custom cakes over HTTP: the builder and its price, days, the cart, checkout, the order page,
cancelling; and every kind of bad input (a message beside the field, nothing written)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from storefront.cakes.models import CakeConfiguration, CakeDayCount, CakeOption, OptionKind
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.orders.models import Order, Status
from tests.support.builders import make_closure
from tests.support.cakes import CakeClient, cake_shop, frozen_clock
from tests.support.checkout import CheckoutClient
from tests.support.html import csrf_from

HTMX = {"HX-Request": "true"}
FIRST_DAY = date(2026, 11, 22)   # Friday 10:00 + 2 days' notice, before the 14:00 cutoff
LATER = date(2026, 11, 30)


@pytest.fixture(autouse=True)
def clock():
    with frozen_clock():
        yield


@pytest.fixture
def ids(app_ctx):
    return cake_shop()


@pytest.fixture
def cakes(client):
    return CakeClient(client)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def field_errors(response) -> dict[str, str]:
    """Each field's message, by the id of the field (or fieldset) it is beside."""
    page = soup(response)
    return {p["id"].removesuffix("-error"): p.get_text(" ", strip=True).removeprefix("Error: ")
            for p in page.select(".field-error[id]")}


def cart_fields(client) -> list:
    page = BeautifulSoup(client.get("/cart").get_data(as_text=True), "html.parser")
    return page.select("tr.cake-line")


def test_builder_shows_active_options_the_price_and_the_first_day(client, cakes, ids):
    db.session.get(CakeOption, ids["Gold leaf"]).is_active = False
    db.session.commit()
    page = soup(client.get("/cakes"))
    legends = [legend.get_text(strip=True) for legend in page.select("fieldset legend")]
    assert legends[:6] == ["Size", "Sponge", "Filling", "Frosting", "Decorations (optional)", "Dietary"]
    assert "Gold leaf" not in page.get_text() and "Edible flowers" in page.get_text()
    assert page.select_one(".cake-total").get_text(strip=True) == "£28.00"   # 6-inch, vanilla, no extras
    assert "Sunday 22 November" in page.select_one("#due_on-hint").get_text()
    too_soon = page.select_one('option[value="2026-11-21"]')
    assert too_soon.has_attr("disabled") and "Too soon" in too_soon.get_text()
    assert page.select_one('option[value="2026-11-22"]').has_attr("selected")


def test_price_updates_through_htmx_and_without_javascript(client, cakes, ids):
    data = cakes.form(ids, decorations=[ids["Fresh berries"], ids["Gold leaf"]], sponge=ids["Red velvet"],
                      message="Happy 40th", action="price")
    fragment = client.post("/cakes", data={k: v for k, v in data.items() if k != "action"}, headers=HTMX)
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    assert "HX-Request" in fragment.headers["Vary"]
    rows = [[cell.get_text(strip=True) for cell in row.select("th, td")] for row in soup(fragment).select("tbody tr")]
    assert rows == [["8-inch round (size)", "£38.00"], ["Red velvet (sponge)", "£4.00"],
                    ["Fresh berries (decoration)", "£5.00"], ["Gold leaf (decoration)", "£8.00"],
                    ["Message, 9 characters", "£0.90"]]
    assert soup(fragment).select_one(".cake-total").get_text(strip=True) == "£55.90"
    assert "Message: 10 of 60 characters" in fragment.get_data(as_text=True)
    page = client.post("/cakes", data=data)   # "Update price" without JavaScript: the whole page
    assert page.status_code == 200 and "<html" in page.get_data(as_text=True)
    assert soup(page).select_one(".cake-total").get_text(strip=True) == "£55.90"
    assert cart_fields(client) == []


def test_identical_cakes_merge_and_different_ones_never(client, cakes, ids):
    assert cakes.add(ids, decorations=[ids["Sprinkles"], ids["Fresh berries"]]).status_code == 303
    assert cakes.add(ids, decorations=[ids["Fresh berries"], ids["Sprinkles"]]).status_code == 303
    assert cakes.add(ids, decorations=[ids["Fresh berries"]]).status_code == 303
    lines = cart_fields(client)
    quantities = sorted(int(line.select_one('td[data-label="Quantity"] input[type=number]')["value"]) for line in lines)
    assert quantities == [1, 2]
    assert "Sprinkles" in lines[0].get_text() or "Sprinkles" in lines[1].get_text()


def test_a_cake_line_has_a_quantity_stepper_with_the_days_limit(client, cakes, ids):
    cakes.add(ids, message="Happy birthday")
    cakes.add(ids, message="Happy anniversary")
    first, _ = cart_fields(client)
    csrf = cakes.form(ids)["csrf_token"]
    more = first.select_one("button[id^=more-]").find_parent("form")
    assert more["action"].startswith("/cakes/lines/c:") and more.select_one("input[name=quantity]")["value"] == "2"
    assert first.select_one("button[id^=fewer-]")["aria-label"].startswith("Remove Custom cake")
    assert client.post(more["action"], data={"csrf_token": csrf, "quantity": "2"}).status_code == 303
    quantities = {line.select_one("input[type=number]")["id"]: int(line.select_one("input[type=number]")["value"])
                  for line in cart_fields(client)}
    assert sorted(quantities.values()) == [1, 2]   # only the pressed line changed; the two never merge
    # More than the bakery makes in a day (6 in the test shop), junk, or a negative: refused, nothing changes.
    for bad, message in [("7", "We make at most 6 cakes a day: choose 6 or fewer."),
                         ("-1", "Enter a whole number from 0 to 99"), ("x", "Enter a whole number from 0 to 99")]:
        refused = client.post(more["action"], data={"csrf_token": csrf, "quantity": bad}, headers={"HX-Request": "true"})
        assert refused.status_code == 422 and message in refused.get_data(as_text=True)
        assert sorted(int(line.select_one("input[type=number]")["value"]) for line in cart_fields(client)) == [1, 2]
    # 0 takes the line out; a line that is not in this cart is not found.
    assert client.post(more["action"], data={"csrf_token": csrf, "quantity": "0"}).status_code == 303
    assert [int(line.select_one("input[type=number]")["value"]) for line in cart_fields(client)] == [1]
    assert client.post(more["action"], data={"csrf_token": csrf, "quantity": "1"}).status_code == 404


def test_a_cake_is_changed_and_removed_from_the_cart(client, cakes, ids):
    cakes.add(ids, message="Happy birthday")
    line = cart_fields(client)[0]
    edit = line.select_one("a[href*='line=']")["href"]
    page = client.get(edit)
    assert 'value="Happy birthday"' in page.get_data(as_text=True)
    field = edit.split("line=")[1]
    data = cakes.form(ids, message="Happy birthday Sam", line=field)
    data["shown_total"] = cakes.shown_total(data)
    assert client.post("/cakes", data=data).status_code == 303
    (line,) = cart_fields(client)
    assert "Happy birthday Sam" in line.get_text()
    remove = line.select_one("form")["action"]
    assert client.post(remove, data={"csrf_token": cakes.form(ids)["csrf_token"]}).status_code == 303
    assert cart_fields(client) == []


def test_checkout_makes_a_configuration_per_cake_claims_days_and_cancel_gives_back_once(client, cakes, ids):
    cakes.add(ids, due_on=LATER.isoformat(), message="Happy birthday", decorations=[ids["Gold leaf"]])
    cakes.add(ids, due_on=LATER.isoformat(), size=ids["6-inch round"])
    cakes.add(ids, due_on=LATER.isoformat(), size=ids["6-inch round"])
    response = CheckoutClient(client).place(when="2026-11-30T12:30Z")   # the cakes' day
    assert response.status_code == 303
    order = db.session.scalars(sa.select(Order)).one()
    assert order.slot_start == datetime(2026, 11, 30, 12, 30, tzinfo=UTC)
    assert order.subtotal == Decimal("47.30") + 2 * Decimal("28.00")
    configurations = db.session.scalars(sa.select(CakeConfiguration).order_by(CakeConfiguration.id)).all()
    assert len(configurations) == 2 and {c.cakes_claimed for c in configurations} == {1, 2}
    assert db.session.get(CakeDayCount, LATER).cakes == 3
    page = soup(client.get(response.headers["Location"]))
    assert "“Happy birthday”" in page.get_text() and "Gold leaf" in page.get_text()
    mail = db.session.scalars(sa.select(OutboxMessage)).one()
    assert "Message: “Happy birthday”" in mail.body_text and "Decoration: Gold leaf" in mail.body_text
    csrf = cakes.form(ids)["csrf_token"]
    cancel_url = f"/orders/{order.number}/cancel"
    key = response.headers["Location"].split("key=")[1]
    assert client.post(cancel_url, data={"csrf_token": csrf, "key": key, "confirm": "yes"}).status_code == 303
    assert client.post(cancel_url, data={"csrf_token": csrf, "key": key, "confirm": "yes"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == Status.CANCELLED
    assert db.session.get(CakeDayCount, LATER).cakes == 0   # see the next test for 'exactly once'


def test_cancel_gives_back_only_its_own_places(client, cakes, ids):
    db.session.add(CakeDayCount(day=LATER, cakes=2))
    db.session.commit()
    cakes.add(ids, due_on=LATER.isoformat())
    response = CheckoutClient(client).place(when="2026-11-30T12:30Z")
    order = db.session.scalars(sa.select(Order)).one()
    assert db.session.get(CakeDayCount, LATER).cakes == 3
    csrf, key = cakes.form(ids)["csrf_token"], response.headers["Location"].split("key=")[1]
    for _ in range(2):
        client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf, "key": key, "confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(CakeDayCount, LATER).cakes == 2


def test_a_cake_inside_the_change_cutoff_cannot_be_cancelled_online(client, cakes, ids):
    cakes.add(ids)   # the first day: 22 November, within 72 hours
    response = CheckoutClient(client).place(when="2026-11-22T12:30Z")
    order = db.session.scalars(sa.select(Order)).one()
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cancel this order" not in page
    csrf, key = cakes.form(ids)["csrf_token"], response.headers["Location"].split("key=")[1]
    client.post(f"/orders/{order.number}/cancel", data={"csrf_token": csrf, "key": key, "confirm": "yes"})
    db.session.expire_all()
    assert db.session.get(Order, order.id).status == Status.PLACED
    assert db.session.get(CakeDayCount, FIRST_DAY).cakes == 1


def test_a_full_day_at_checkout_refuses_and_writes_nothing(client, cakes, ids):
    cakes.add(ids, due_on=LATER.isoformat())
    db.session.add(CakeDayCount(day=LATER, cakes=6))
    db.session.commit()
    response = CheckoutClient(client).place(when="2026-11-30T12:30Z")
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    assert db.session.get(CakeDayCount, LATER).cakes == 6


def test_customizable_products_lead_to_the_builder(client, ids):
    from storefront.menu.models import Product
    product = db.session.scalars(sa.select(Product).where(Product.customizable.is_(True))).one()
    page = soup(client.get(f"/menu/{product.slug}"))
    assert page.select_one('a[href="/cakes"]') is not None
    token = csrf_from(client.get("/").data)
    response = client.post("/cart/add", data={"csrf_token": token, "product_id": product.id, "quantity": 1})
    assert response.status_code == 303
    assert "Your cart is empty" in client.get("/cart").get_data(as_text=True)


def _bad(ids, case):
    inactive = ids["Chocolate drip"]
    db.session.get(CakeOption, inactive).is_active = False
    make_closure(date(2026, 11, 25), reason="Closed for a wedding")
    db.session.add(CakeDayCount(day=date(2026, 11, 26), cakes=6))
    db.session.commit()
    return {
        "unknown size": ({"size": 99999}, "size", "not available"),
        "size that is a sponge": ({"size": ids["Vanilla"]}, "size", "not available"),
        "garbage id": ({"sponge": "abc"}, "sponge", "Choose a sponge"),
        "inactive decoration": ({"decorations": [inactive]}, "decorations", "not available"),
        "four decorations": ({"decorations": [ids["Fresh berries"], ids["Edible flowers"], ids["Gold leaf"],
                                              ids["Sprinkles"]]}, "decorations", "at most 3"),
        "gluten-free 10-inch": ({"size": ids["10-inch round"], "diet": ids["Gluten-free"]}, "diet",
                                "6- and 8-inch sizes only"),
        "message too long": ({"message": "x" * 61}, "message", "at most 60 characters"),
        "message with control characters": ({"message": "Hi\x07there"}, "message", "control or text-direction"),
        "too soon": ({"due_on": "2026-11-21"}, "due_on", "Too soon"),
        "in the past": ({"due_on": "2026-01-01"}, "due_on", "too soon"),
        "closed": ({"due_on": "2026-11-25"}, "due_on", "Closed for a wedding"),
        "full": ({"due_on": "2026-11-26"}, "due_on", "Fully booked"),
        "not a date": ({"due_on": "next tuesday"}, "due_on", "Choose the day"),
        "too far": ({"due_on": "2028-01-01"}, "due_on", "that far ahead"),
    }[case]


@pytest.mark.parametrize("case", ["unknown size", "size that is a sponge", "garbage id", "inactive decoration",
                                  "four decorations", "gluten-free 10-inch", "message too long",
                                  "message with control characters", "too soon", "in the past", "closed", "full",
                                  "not a date", "too far"])
def test_bad_input_gets_a_message_beside_the_field_and_writes_nothing(client, cakes, ids, case):
    overrides, field, words = _bad(ids, case)
    data = cakes.form(ids, **overrides)
    data["shown_total"] = ""
    response = client.post("/cakes", data=data)
    assert response.status_code == 422
    errors = field_errors(response)
    assert words.lower() in errors.get(field, "").lower(), errors
    if field == "due_on" and case not in ("not a date",):
        assert "22 November" in errors[field]    # the first possible day is suggested
    assert cart_fields(client) == []


def test_a_forged_price_is_refused(client, cakes, ids):
    response = cakes.add(ids, shown_total="1.00")
    assert response.status_code == 422
    assert "price has changed" in soup(response).select_one(".error-summary").get_text()
    assert cart_fields(client) == []


def test_builder_and_cart_read_a_fixed_number_of_statements(client, cakes, ids, count_queries):
    """No N+1: more options or more cakes in the cart never mean more statements."""
    cakes.add(ids, due_on=LATER.isoformat())
    with count_queries() as few_cakes:
        client.get("/cart")
    with count_queries() as builder_few:
        client.get("/cakes")
    for n in range(6):
        db.session.add(CakeOption(kind=OptionKind.DECORATION, name=f"Extra {n}", price=Decimal("1.00"), position=20 + n))
    db.session.commit()
    for decoration in ("Fresh berries", "Gold leaf", "Sprinkles"):
        cakes.add(ids, due_on=LATER.isoformat(), decorations=[ids[decoration]])
    with count_queries() as many_cakes:
        client.get("/cart")
    with count_queries() as builder_many:
        client.get("/cakes")
    assert len(cart_fields(client)) == 4
    assert many_cakes.count == few_cakes.count
    assert builder_many.count == builder_few.count


def test_an_order_with_a_cake_is_ready_on_the_cake_day_and_offers_only_its_times(client, cakes, ids):
    cakes.add(ids, due_on=LATER.isoformat())
    page = BeautifulSoup(client.get("/checkout").get_data(as_text=True), "html.parser")
    assert "Your cake is for Monday 30 November, so the whole order is ready for pickup that day." in \
        " ".join(page.get_text().split())
    assert page.select_one("select#day") is None and page.select_one("input[name=day]")["value"] == "2026-11-30"
    times = [option["value"] for option in page.select("select#when option")]
    assert times and all(value.startswith("2026-11-30T") for value in times)   # no "asap", no other day
    response = CheckoutClient(client).place(when=times[0])
    assert response.status_code == 303
    order = db.session.scalars(sa.select(Order)).one()
    assert order.slot_start == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert db.session.get(CakeDayCount, LATER).cakes == 1


@pytest.mark.parametrize("when", ["2026-11-21T12:30Z", "asap", "2026-11-30T18:00Z"])
def test_a_time_off_the_cake_day_is_refused_and_writes_nothing(client, cakes, ids, when):
    cakes.add(ids, due_on=LATER.isoformat())
    response = CheckoutClient(client).place(when=when, day="2026-11-30")
    assert response.status_code == 422
    assert field_errors(response)["when"] == ("Your cake is for Monday 30 November, so the order is ready that day: "
                                              "choose one of that day’s times.")
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    assert db.session.get(CakeDayCount, LATER) is None


def test_cakes_for_different_days_cannot_share_an_order(client, cakes, ids):
    cakes.add(ids, due_on=LATER.isoformat())
    cakes.add(ids, due_on=date(2026, 11, 28).isoformat(), size=ids["6-inch round"])
    response = CheckoutClient(client).place(when="2026-11-28T12:30Z")
    assert response.status_code == 422
    assert field_errors(response)["when"] == (
        "Your cakes are for different days (Saturday 28 November and Monday 30 November), and an order is "
        "collected on one day. Please order them separately: keep one day’s cakes in your cart.")
    assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(CakeDayCount.day))) == 0


def test_a_price_preview_sends_no_statement_and_sees_a_new_price_at_once(client, cakes, ids, count_queries):
    # The options and rules are kept under their tables' versions, and the summary never shows
    # the days: a warm htmx preview reads nothing from the database. A committed price change
    # is priced at once.
    data = {k: v for k, v in cakes.form(ids, sponge=ids["Red velvet"]).items() if k != "action"}
    client.post("/cakes", data=data, headers=HTMX)
    with count_queries() as counter:
        fragment = client.post("/cakes", data=data, headers=HTMX)
    assert counter.count == 0, counter.statements
    assert soup(fragment).select_one(".cake-total").get_text(strip=True) == "£42.00"
    red_velvet = db.session.get(CakeOption, ids["Red velvet"])
    red_velvet.size_prices = []
    red_velvet.price = Decimal("6.00")
    db.session.commit()
    assert soup(client.post("/cakes", data=data, headers=HTMX)).select_one(".cake-total").get_text(strip=True) \
        == "£44.00"
    db.session.get(CakeOption, ids["Red velvet"]).is_active = False
    db.session.commit()
    refused = soup(client.post("/cakes", data=data, headers=HTMX))
    assert refused.select_one(".cake-total") is None
    assert "That sponge is not available" in refused.select_one(".summary-problems").get_text()
