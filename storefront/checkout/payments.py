"""How an order is paid. Today only in person; an online provider would implement the same
interface (start a payment for an order, say what status it leaves the order in)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from ..orders.models import Fulfilment, PaymentStatus


@dataclass(frozen=True)
class PaymentStart:
    method: str
    status: PaymentStatus
    redirect_url: str | None = None   # where a hosted payment page would take the customer


class PaymentProvider(Protocol):
    def start(self, *, fulfilment: Fulfilment, amount, currency: str, order_number: str) -> PaymentStart: ...


class PayInPerson:
    """Pay at the counter on pickup, or to the driver on delivery."""

    def start(self, *, fulfilment: Fulfilment, amount, currency: str, order_number: str) -> PaymentStart:
        method = "pay_at_pickup" if fulfilment == Fulfilment.PICKUP else "pay_on_delivery"
        return PaymentStart(method=method, status=PaymentStatus.UNPAID)


PAYMENT_LABELS = {"pay_at_pickup": "Pay at pickup", "pay_on_delivery": "Pay on delivery"}
