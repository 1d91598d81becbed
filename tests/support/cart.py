"""Reading the cart page in tests."""
from __future__ import annotations

from tests.support.html import soup, text_of


def cart_lines(page) -> dict[str, int]:
    """Each line of the cart page: product name → the quantity its field shows."""
    rows = soup(page).select("#cart tbody tr:has(th.cart-item)")
    return {text_of(row.select_one("th.cart-item a")): int(row.select_one('input[type="number"]')["value"])
            for row in rows}
