"""The text of review invitations: (subject, body). Plain text, no HTML."""
from __future__ import annotations

from ..orders.models import Order
from ..reservations.models import Reservation
from ..store.current import current_store


def _shop_name() -> str:
    return current_store().name


def visit_invite(reservation: Reservation, link: str) -> tuple[str, str]:
    shop = _shop_name()
    subject = f"How was your visit? – {shop}"
    body = (f"Hello {reservation.name},\n\nThank you for dining with us. We would love to hear how it went: "
            "rate the food, the service and the atmosphere, and tell other diners what to order.\n\n"
            f"Review your visit: {link}\n\n"
            "Sign in (or create an account with this email address) to post your review; "
            "it will show a “Verified visit” badge.\n\n"
            f"{shop}\n")
    return subject, body


def order_invite(order: Order, visit_link: str, product_links: list[tuple[str, str]]) -> tuple[str, str]:
    shop = _shop_name()
    subject = f"How was your order {order.number}? – {shop}"
    items = "".join(f"  {name}: {link}\n" for name, link in product_links)
    body = (f"Hello {order.customer_name},\n\nThank you for your order {order.number}. "
            "Would you tell other customers what you thought?\n\n"
            + (f"Review what you bought:\n{items}\n" if items else "")
            + f"Review the order as a whole: {visit_link}\n\n"
            "Sign in to post your review; it will show a “Verified purchase” badge.\n\n"
            f"{shop}\n")
    return subject, body
