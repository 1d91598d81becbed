"""Where an order's lines come from. Checkout prices, claims and copies lines through this small
interface, so a new kind of line (a configured cake) joins an order without `place_order`
learning about it:

- `priced`: its unit price, quantity and total as the promo rules see them;
- `claims`: what it takes that could be oversold (stock, a day's cake capacity), each taken with
  a conditional UPDATE in the order's transaction, in one global order (`Claim.rank`) so two
  checkouts never wait on each other in a circle;
- `order_line`: what it copies onto the order (name and price at the time of ordering);
- optionally `due_on`: the day the line must be ready (a custom cake). The order is then ready
  that day, and lines due on different days cannot share an order (`service.order_day`)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..cart.service import CartLine
from ..cart.store import CartStore, product_field
from ..menu.models import Product
from ..orders.models import OrderLine
from .promo import PricedLine


@dataclass(frozen=True)
class Claim:
    rank: tuple                                  # claims are taken in rank order, across all lines
    label: str                                   # how a refusal is ordered when there are several
    take: Callable[[Session], bool]              # False: not enough left (nothing taken)
    refused: Callable[[Session, CartStore], str]  # after the rollback: fix the cart, say what happened


class LineSource(Protocol):
    @property
    def priced(self) -> PricedLine: ...

    def claims(self) -> list[Claim]: ...

    def order_line(self) -> OrderLine: ...


@dataclass(frozen=True)
class ProductLine(CartLine):
    """A menu product in the cart (its price and total are the cart line's)."""

    @property
    def priced(self) -> PricedLine:
        return PricedLine(self.product.id, self.product.category_id, self.total)

    def claims(self) -> list[Claim]:
        if not self.product.track_stock:
            return []
        return [Claim(rank=(0, self.product.id), label=self.product.name, take=self._take_stock,
                      refused=self._sold_out)]

    def order_line(self) -> OrderLine:
        return OrderLine(product_id=self.product.id, name=self.product.name, unit_price=self.unit_price,
                         quantity=self.quantity, line_total=self.total,
                         stock_claimed=self.quantity if self.product.track_stock else 0)

    def _take_stock(self, session: Session) -> bool:
        return session.execute(
            sa.update(Product)
            .where(Product.id == self.product.id, Product.stock_quantity >= self.quantity)
            .values(stock_quantity=Product.stock_quantity - self.quantity)
            .execution_options(synchronize_session=False)
        ).rowcount == 1

    def _sold_out(self, session: Session, cart: CartStore) -> str:
        """Cut the cart line to what is left and say so."""
        left = max(session.scalar(sa.select(Product.stock_quantity).where(Product.id == self.product.id)) or 0, 0)
        if left == 0:
            cart.remove(product_field(self.product.id))
            return f"{self.product.name} has just sold out, so we took it out of your cart."
        cart.set(product_field(self.product.id), left, str(self.product.price))
        return f"Only {left} of {self.product.name} left — your cart now says {left}."
