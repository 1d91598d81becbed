"""Review invitations: both parts of each email, from the template pairs under templates/emails/."""
from __future__ import annotations

from ..core.mail import Email, render_email
from ..orders.models import Order
from ..reservations.models import Reservation
from ..store.current import current_store


def _shop_name() -> str:
    return current_store().name


def visit_invite(reservation: Reservation, link: str) -> Email:
    return render_email("review_visit_invite", subject=f"How was your visit? – {_shop_name()}",
                        reservation=reservation, link=link)


def order_invite(order: Order, visit_link: str, product_links: list[tuple[str, str]]) -> Email:
    return render_email("review_order_invite", subject=f"How was your order {order.number}? – {_shop_name()}",
                        order=order, visit_link=visit_link, product_links=product_links)
