"""Which cart a request is using: the signed-in customer's, or the guest's whose random token
sits in the signed session cookie (created on the first write, never read from the URL)."""
from __future__ import annotations

import re
import secrets

from flask import current_app, g, session
from flask_login import current_user

from ..core.sessions import store_down
from .service import CartSummary, summarise
from .store import CartStore, CartUnavailable

GUEST_TOKEN_KEY = "cart_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")


def _guest_token(create: bool) -> str | None:
    token = session.get(GUEST_TOKEN_KEY)
    if isinstance(token, str) and _TOKEN.match(token):
        return token
    if not create:
        return None
    token = secrets.token_urlsafe(24)
    session[GUEST_TOKEN_KEY] = token
    return token


def current_cart(*, for_writing: bool = False) -> CartStore | None:
    """The request's cart, or None for a guest who has never added anything (reading only)."""
    client = current_app.extensions["redis"]
    if store_down():
        raise CartUnavailable("the session store is not answering")
    if current_user.is_authenticated:
        return CartStore(client, f"u:{current_user.id}")
    token = _guest_token(create=for_writing)
    return CartStore(client, f"g:{token}") if token else None


def guest_cart(token: str) -> CartStore:
    return CartStore(current_app.extensions["redis"], f"g:{token}")


def cart_summary():
    """Items and their total for the header badge and the cart bar, read once per request; None
    when Redis is not answering."""
    if "cart_summary" not in g:
        try:
            g.cart_summary = summarise(current_cart())
        except CartUnavailable:
            g.cart_summary = None
    return g.cart_summary


def know_summary(summary) -> None:
    """The cart as a write just left it (the add script reads it back): the badge and bar of this
    answer show it without reading the cart again."""
    if summary is not None:
        g.cart_summary = summary


def note_summary(cart) -> None:
    """The cart page and checkout have just read the cart against the database: the badge and the
    cart bar say the same without reading it again."""
    know_summary(CartSummary(cart.item_count, cart.subtotal))


def badge_count() -> int | None:
    """Items in the cart for the header badge; None when Redis is not answering."""
    summary = cart_summary()
    return None if summary is None else summary.item_count
