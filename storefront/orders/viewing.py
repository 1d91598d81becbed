"""What checkout and order pages share: wording of an order's time, and who may see an order
(its owner, or whoever holds its secret link)."""
from __future__ import annotations

import hmac

from flask import session, url_for
from flask_login import current_user

from ..core.security import token_digest
from ..orders.models import Order
from ..store.current import current_store, local_datetime, local_time
from ..store.service import store_zone

ORDER_TOKENS_KEY = "order_tokens"


def when_words(order: Order) -> str:
    if order.is_asap:
        return f"as soon as possible (ready about {local_time(order.scheduled_for.astimezone(store_zone(current_store())).time())})"
    return local_datetime(order.scheduled_for, "EEEE d MMMM 'at' HH:mm")


def remember_order_token(number: str, token: str) -> None:
    """A guest keeps access to the orders placed in this browser without the emailed link."""
    tokens = dict(session.get(ORDER_TOKENS_KEY) or {})
    tokens[number] = token
    session[ORDER_TOKENS_KEY] = dict(list(tokens.items())[-10:])


def _token_matches(order: Order, token: str | None) -> bool:
    return bool(token) and len(token) < 100 and hmac.compare_digest(token_digest(token), order.access_token_hash)


def access_token_for(order: Order, given: str | None) -> str | None:
    """The link secret that opens this order for this visitor, if any."""
    if _token_matches(order, given):
        return given
    remembered = (session.get(ORDER_TOKENS_KEY) or {}).get(order.number)
    return remembered if _token_matches(order, remembered) else None


def may_view(order: Order, given_token: str | None) -> bool:
    if current_user.is_authenticated and order.user_id == current_user.id:
        return True
    return access_token_for(order, given_token) is not None


def order_url(order: Order, token: str | None = None, **kwargs) -> str:
    return number_url(order.number, token, **kwargs)


def number_url(number: str, token: str | None = None, **kwargs) -> str:
    return url_for("orders.detail", number=number, key=token, **kwargs)
