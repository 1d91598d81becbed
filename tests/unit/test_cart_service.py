"""The cart's rules, called as a view would call them but without HTTP: what may be added and how
much, quantity changes, removal, what the cart shows after the menu changed, and the merge at
sign-in. Quantities live in the suite's Redis; products in the database."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from storefront.cart import service
from storefront.cart.store import MAX_LINES, MAX_QUANTITY, CartStore, product_field
from storefront.core.rules import RuleViolation
from storefront.extensions import db
from tests.support.builders import make_product


@pytest.fixture
def cart(app, app_ctx) -> CartStore:
    return CartStore(app.extensions["redis"], "g:unit-test")


def quantities(cart: CartStore) -> dict[str, int]:
    return cart.lines()


def refused(call, *args) -> tuple[str, str]:
    with pytest.raises(RuleViolation) as caught:
        call(db.session, *args)
    (reason,) = caught.value.reasons
    return reason


# --- adding ------------------------------------------------------------------------------------

def test_adding_twice_adds_up_and_says_what_was_added(cart):
    bun = make_product("Cinnamon bun", price="2.75")
    first = service.add_product(db.session, cart, bun.id, 2)
    again = service.add_product(db.session, cart, bun.id, 3)
    assert (first.quantity, first.message) == (2, "Added 2 × Cinnamon bun to your cart.")
    assert (again.quantity, again.message) == (5, "Added 3 × Cinnamon bun to your cart.")
    assert quantities(cart) == {product_field(bun.id): 5}


def test_adding_more_than_the_stock_keeps_what_is_left_and_says_why(cart):
    scone = make_product("Scone", track_stock=True, stock_quantity=4)
    outcome = service.add_product(db.session, cart, scone.id, 6)
    assert outcome.quantity == 4
    assert outcome.message == "Your cart now has 4 × Scone: we only have 4 left."


def test_no_line_holds_more_than_one_order_may_have(cart):
    loaf = make_product("Loaf")
    service.add_product(db.session, cart, loaf.id, MAX_QUANTITY - 1)
    outcome = service.add_product(db.session, cart, loaf.id, 5)
    assert outcome.quantity == MAX_QUANTITY
    assert outcome.message == f"Your cart now has {MAX_QUANTITY} × Loaf: the most one order can have is {MAX_QUANTITY}."


def test_a_sold_out_product_is_refused_beside_the_quantity(cart):
    tart = make_product("Lemon tart", track_stock=True, stock_quantity=0)
    assert refused(service.add_product, cart, tart.id, 1) == ("quantity", "Sorry, Lemon tart is sold out.")
    assert quantities(cart) == {}


@pytest.mark.parametrize("change", [{"is_available": False}, {"deleted_at": datetime(2026, 1, 1, tzinfo=UTC)}])
def test_hidden_or_deleted_products_cannot_be_added(cart, change):
    product = make_product("Hidden", **change)
    with pytest.raises(service.UnknownProduct):
        service.add_product(db.session, cart, product.id, 1)
    with pytest.raises(service.UnknownProduct):
        service.add_product(db.session, cart, 999_999, 1)
    assert quantities(cart) == {}


def test_a_full_cart_takes_more_of_a_line_it_has_but_no_new_line(cart):
    for n in range(MAX_LINES - 1):
        cart.set(product_field(100_000 + n), 1)
    kept = make_product("Kept")
    service.add_product(db.session, cart, kept.id, 1)  # the fiftieth line
    assert service.add_product(db.session, cart, kept.id, 1).quantity == 2
    extra = make_product("One too many")
    assert refused(service.add_product, cart, extra.id, 1) == (
        "quantity", f"Your cart can hold {MAX_LINES} different items. Remove something to make room.")
    assert product_field(extra.id) not in quantities(cart)


# --- changing and removing -----------------------------------------------------------------------

def test_setting_a_quantity_replaces_it_and_zero_removes_the_line(cart):
    bun = make_product("Bun")
    service.add_product(db.session, cart, bun.id, 1)
    assert service.set_quantity(db.session, cart, bun.id, 7).message == "Bun: quantity is now 7."
    assert quantities(cart) == {product_field(bun.id): 7}
    removed = service.set_quantity(db.session, cart, bun.id, 0)
    assert (removed.quantity, removed.message) == (0, "Removed Bun from your cart.")
    assert quantities(cart) == {}


def test_setting_more_than_the_stock_cuts_to_the_stock_and_says_so(cart):
    scone = make_product("Scone", track_stock=True, stock_quantity=3)
    service.add_product(db.session, cart, scone.id, 1)
    assert refused(service.set_quantity, cart, scone.id, 9) == (
        "quantity", "Only 3 of Scone left — your cart now says 3.")
    assert quantities(cart) == {product_field(scone.id): 3}


def test_a_line_whose_product_went_away_meanwhile_is_taken_out_when_changed(cart):
    gone, sold = make_product("Gone"), make_product("Sold", track_stock=True, stock_quantity=2)
    service.add_product(db.session, cart, gone.id, 1)
    service.add_product(db.session, cart, sold.id, 1)
    gone.is_available, sold.stock_quantity = False, 0
    db.session.commit()
    assert refused(service.set_quantity, cart, gone.id, 2) == (
        "quantity", "That item is no longer available, so we took it out of your cart.")
    assert refused(service.set_quantity, cart, sold.id, 2) == (
        "quantity", "Sorry, Sold has sold out, so we took it out of your cart.")
    assert quantities(cart) == {}


def test_changing_or_removing_a_line_not_in_the_cart_is_refused(cart):
    bun = make_product("Bun")
    with pytest.raises(service.NotInCart):
        service.set_quantity(db.session, cart, bun.id, 2)
    with pytest.raises(service.NotInCart):
        service.remove_line(db.session, cart, bun.id)


def test_removing_a_line_returns_what_it_held_for_undo(cart):
    bun = make_product("Bun")
    service.add_product(db.session, cart, bun.id, 3)
    cart.set(product_field(999_999), 2)  # a product since deleted from the database
    outcome = service.remove_line(db.session, cart, bun.id)
    assert (outcome.quantity, outcome.message) == (3, "Removed Bun from your cart.")
    assert service.remove_line(db.session, cart, 999_999).message == "Removed That item from your cart."
    assert quantities(cart) == {}


# --- what the cart shows --------------------------------------------------------------------------

def test_the_cart_shows_lines_by_name_with_money_totals(cart):
    for name, price, quantity in (("Scone", "2.10", 3), ("Bun", "2.75", 2)):
        service.add_product(db.session, cart, make_product(name, price=price).id, quantity)
    shown = service.view_cart(db.session, cart)
    assert [(line.product.name, line.quantity, line.total) for line in shown.lines] == [
        ("Bun", 2, Decimal("5.50")), ("Scone", 3, Decimal("6.30"))]
    assert (shown.subtotal, shown.item_count, shown.is_empty, shown.notices) == (Decimal("11.80"), 5, False, [])


def test_the_cart_follows_the_menu_and_tells_each_change_once(cart):
    gone = make_product("Gone")
    sold = make_product("Sold", track_stock=True, stock_quantity=5)
    short = make_product("Short", track_stock=True, stock_quantity=5)
    dearer = make_product("Dearer", price="2.00")
    for product in (gone, sold, short, dearer):
        service.add_product(db.session, cart, product.id, 4)
    cart.set("junk", 1)  # a field no product can have
    gone.deleted_at = datetime(2026, 1, 1, tzinfo=UTC)
    sold.stock_quantity, short.stock_quantity, dearer.price = 0, 2, Decimal("2.40")
    db.session.commit()
    shown = service.view_cart(db.session, cart, money=lambda amount: f"£{amount}")
    assert sorted(shown.notices) == sorted([
        "Gone is no longer available, so we took it out of your cart.",
        "Sold has sold out, so we took it out of your cart.",
        "Only 2 of Short left — your cart now says 2.",
        "The price of Dearer changed from £2.00 to £2.40."])
    assert [(line.product.name, line.quantity) for line in shown.lines] == [("Dearer", 4), ("Short", 2)]
    assert quantities(cart) == {product_field(dearer.id): 4, product_field(short.id): 2}
    assert service.view_cart(db.session, cart).notices == []  # told once


def test_an_empty_cart_costs_nothing(cart):
    shown = service.view_cart(db.session, cart)
    assert (shown.lines, shown.subtotal, shown.item_count, shown.is_empty) == ([], Decimal("0.00"), 0, True)


# --- signing in ----------------------------------------------------------------------------------

def test_the_guest_cart_joins_the_customers_within_stock_and_is_deleted(app, cart):
    mine = CartStore(app.extensions["redis"], "u:1")
    scone = make_product("Scone", track_stock=True, stock_quantity=5)
    bun = make_product("Bun")
    service.add_product(db.session, mine, scone.id, 3)
    service.add_product(db.session, cart, scone.id, 4)
    service.add_product(db.session, cart, bun.id, 1)
    notices = service.merge_into(db.session, mine, cart)
    assert notices == ["Only 5 of Scone left — your cart now says 5."]
    assert quantities(mine) == {product_field(scone.id): 5, product_field(bun.id): 1}
    assert quantities(cart) == {}


def test_guest_lines_that_do_not_fit_a_full_cart_are_counted_in_a_notice(app, cart):
    mine = CartStore(app.extensions["redis"], "u:1")
    loaf = make_product("Loaf")
    service.add_product(db.session, mine, loaf.id, 1)
    for n in range(MAX_LINES - 1):
        mine.set(product_field(100_000 + n), 1)
    cart.set(product_field(200_001), 1)
    cart.set(product_field(200_002), 1)
    cart.set(product_field(loaf.id), 2)  # already a line: it fits
    notices = service.merge_into(db.session, mine, cart)
    assert notices[0] == (f"Your cart holds at most {MAX_LINES} different items, so 2 from before you signed in "
                          "could not be added.")
    assert quantities(mine)[product_field(loaf.id)] == 3
