"""Cart rules: what may be added, how much, and what the cart shows. Quantities live in Redis;
names, prices, availability and stock are read from the database every time, in one query."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from ..core.cache import cached, cached_rows
from ..core.money import to_money
from ..core.rules import RuleViolation
from ..core.settings import detached_copies
from ..menu.models import Product
from .store import MAX_LINES, MAX_QUANTITY, CartStore, product_field, product_id_of


class NotInCart(LookupError):
    pass


class UnknownProduct(LookupError):
    pass


def _is_visible(product: Product | None) -> bool:
    return product is not None and product.deleted_at is None and product.is_available


def cap_for(product: Product) -> int:
    """The most of this product one cart may hold."""
    return min(MAX_QUANTITY, product.stock_quantity) if product.track_stock else MAX_QUANTITY


@dataclass(frozen=True)
class Facts:
    """What adding to the cart needs of a product: plain values, safe to keep across requests."""
    id: int
    name: str
    price: Decimal
    track_stock: bool
    stock_quantity: int
    customizable: bool


_FACT_COLUMNS = (Product.id, Product.name, Product.price, Product.track_stock, Product.stock_quantity,
                 Product.customizable)


def _visible_facts(session: Session) -> dict[int, Facts]:
    rows = session.execute(sa.select(*_FACT_COLUMNS).where(Product.deleted_at.is_(None),
                                                           Product.is_available.is_(True)))
    return {row.id: Facts(*row) for row in rows}


def visible_product(session: Session, product_id: int) -> Facts | None:
    """A product that can be added, from the shared cache (core.cache): every visible product's
    facts are kept under the version of `products`, which any committed write renews (a stock
    claim at checkout included), so an add reads no statement. The whole table rather than one
    entry per id: an id that names nothing must not grow the cache."""
    return cached(["products"], ("cart", "visible products"), lambda: _visible_facts(session),
                  session).get(product_id)


@dataclass(frozen=True)
class Outcome:
    product: Product | Facts
    quantity: int          # the line's quantity now
    message: str
    summary: CartSummary | None = None   # the cart just after, when the write told us


def add_product(session: Session, cart: CartStore, product_id: int, quantity: int) -> Outcome:
    product = visible_product(session, product_id)
    if product is None:
        raise UnknownProduct(product_id)
    if product.customizable:
        raise RuleViolation.on("quantity", f"{product.name} is made to your design: choose its options first.")
    cap = cap_for(product)
    if cap == 0:
        raise RuleViolation.on("quantity", f"Sorry, {product.name} is sold out.")
    result = cart.add(product_field(product.id), quantity, cap, str(product.price))
    if result.no_room:
        raise RuleViolation.on("quantity", f"Your cart can hold {MAX_LINES} different items. "
                                           "Remove something to make room.")
    if result.capped_by:
        reason = (f"we only have {cap} left" if product.track_stock and cap < MAX_QUANTITY
                  else f"the most one order can have is {MAX_QUANTITY}")
        message = f"Your cart now has {result.quantity} × {product.name}: {reason}."
    else:
        message = f"Added {quantity} × {product.name} to your cart."
    return Outcome(product, result.quantity, message, summary_of(result.lines, result.prices))


def set_quantity(session: Session, cart: CartStore, product_id: int, quantity: int) -> Outcome:
    field_name = product_field(product_id)
    if field_name not in cart.lines():
        raise NotInCart(product_id)
    product = session.get(Product, product_id)
    if not _is_visible(product):
        cart.remove(field_name)
        raise RuleViolation.on("quantity", "That item is no longer available, so we took it out of your cart.")
    if quantity == 0:
        cart.remove(field_name)
        return Outcome(product, 0, f"Removed {product.name} from your cart.")
    cap = cap_for(product)
    if cap == 0:
        cart.remove(field_name)
        raise RuleViolation.on("quantity", f"Sorry, {product.name} has sold out, so we took it out of your cart.")
    if quantity > cap:
        cart.set(field_name, cap, str(product.price))
        raise RuleViolation.on("quantity", f"Only {cap} of {product.name} left — your cart now says {cap}.")
    cart.set(field_name, quantity, str(product.price))
    return Outcome(product, quantity, f"{product.name}: quantity is now {quantity}.")


def remove_line(session: Session, cart: CartStore, product_id: int) -> Outcome:
    lines = cart.lines()
    field_name = product_field(product_id)
    if field_name not in lines:
        raise NotInCart(product_id)
    product = session.get(Product, product_id)
    cart.remove(field_name)
    name = product.name if product is not None else "That item"
    return Outcome(product, lines[field_name], f"Removed {name} from your cart.")


@dataclass(frozen=True)
class CartLine:
    product: Product
    quantity: int

    @property
    def unit_price(self) -> Decimal:
        return self.product.price

    @property
    def total(self) -> Decimal:
        return to_money(self.product.price * self.quantity)


@dataclass
class CartView:
    lines: list[CartLine]
    notices: list[str] = field(default_factory=list)
    others: list = field(default_factory=list)   # lines of other kinds (configured cakes)

    @property
    def subtotal(self) -> Decimal:
        return to_money(sum((line.total for line in (*self.lines, *self.others)), Decimal("0")))

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in (*self.lines, *self.others))

    @property
    def is_empty(self) -> bool:
        return not self.lines and not self.others


@dataclass
class OtherLines:
    lines: list = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)


# Kinds of line that are more than a product, by field prefix ("c:" configured cakes), each with
# a reader: (session, cart, {field: quantity}) → OtherLines. A feature registers its own, so the
# cart never imports it.
OtherReader = Callable[[Session, CartStore, dict[str, int]], OtherLines]
OTHER_KINDS: dict[str, OtherReader] = {}


@dataclass(frozen=True)
class CartSummary:
    """What the cart bar says: items, and their total at the prices last shown to the customer
    (None when a line has no price yet). Read from Redis alone, so every page can show it; the
    cart page and checkout read the database and have the last word."""

    item_count: int
    subtotal: Decimal | None


def summarise(cart: CartStore | None) -> CartSummary:
    if cart is None:
        return CartSummary(0, Decimal("0.00"))
    return summary_of(*cart.lines_and_prices())


def summary_of(lines: dict[str, int], prices: dict[str, str]) -> CartSummary:
    total = Decimal("0")
    for field_name, quantity in lines.items():
        try:
            total += Decimal(prices[field_name]) * quantity
        except (KeyError, ArithmeticError):
            total = None
            break
    return CartSummary(sum(lines.values()), None if total is None else to_money(total))


def _own_rows(ids):
    # Only the product's own row: its diets and allergens are not shown here (one statement).
    return (sa.select(Product).where(Product.id.in_(ids))
            .options(lazyload(Product.diet_rows), lazyload(Product.allergen_rows)))


def _read_products(session: Session, ids) -> dict[int, Product]:
    return {p.id: p for p in session.scalars(_own_rows(ids))} if ids else {}


def product_rows(session: Session, ids) -> dict[int, Product]:
    """The products' own rows as detached copies from the shared cache (`core.cache`), renewed by
    any committed write to products — a staff edit or a stock claim — in every process."""
    return cached_rows([Product.__tablename__], "cart-product", ids,
                       lambda missing: {p.id: p for p in detached_copies(session, _own_rows(missing))}, session)


def view_cart(session: Session, cart: CartStore, money=str, *, kept_rows: bool = False) -> CartView:
    """The cart as it stands now, checked against the database: unavailable items are taken out,
    quantities cut to stock, price changes noticed; each change is told in a notice. Pages that
    only show the cart pass `kept_rows` (the products as last committed, from the shared cache:
    no statement); whatever places an order reads the rows themselves."""
    raw, seen = cart.lines_and_prices()
    ids = {pid: f for f in raw if (pid := product_id_of(f)) is not None}
    products = product_rows(session, ids) if kept_rows else _read_products(session, ids)
    lines, notices, removals = [], [], [f for f in raw if product_id_of(f) is None
                                        and not any(f.startswith(prefix) for prefix in OTHER_KINDS)]
    for pid, field_name in ids.items():
        product, quantity = products.get(pid), raw[field_name]
        if not _is_visible(product):
            removals.append(field_name)
            name = product.name if product is not None else "An item"
            notices.append(f"{name} is no longer available, so we took it out of your cart.")
            continue
        cap = cap_for(product)
        if cap == 0:
            removals.append(field_name)
            notices.append(f"{product.name} has sold out, so we took it out of your cart.")
            continue
        if quantity > cap:
            notices.append(f"Only {cap} of {product.name} left — your cart now says {cap}.")
            quantity = cap
            cart.set(field_name, quantity, str(product.price))
        elif seen.get(field_name) not in (None, str(product.price)):
            notices.append(f"The price of {product.name} changed from {money(Decimal(seen[field_name]))} "
                           f"to {money(product.price)}.")
            cart.set(field_name, quantity, str(product.price))
        lines.append(CartLine(product, quantity))
    others = []
    for prefix, reader in OTHER_KINDS.items():
        found = reader(session, cart, {f: q for f, q in raw.items() if f.startswith(prefix)})
        others += found.lines
        notices += found.notices
        removals += found.removals
    cart.remove(*removals)
    lines.sort(key=lambda line: line.product.name)
    return CartView(lines=lines, notices=notices, others=others)


def merge_into(session: Session, target: CartStore, guest: CartStore, money=str) -> list[str]:
    """At sign-in: the guest's lines join the customer's cart (quantities add, capped by stock)
    and the guest cart is deleted. Returns what the customer should be told."""
    left_out = target.absorb(guest)
    notices = []
    if left_out:
        notices.append(f"Your cart holds at most {MAX_LINES} different items, so {len(left_out)} "
                       "from before you signed in could not be added.")
    notices.extend(view_cart(session, target, money).notices)
    return notices
