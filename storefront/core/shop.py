"""What a service needs to know about the shop it works for: its name and contact details, the
zone its clock runs in, and how it words money and dates. Built in one place
(`store.current.current_shop`) and handed to services by views, CLI commands and tests alike, so
no service reads the request or the settings row for itself."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.dates import format_date

from .money import format_money


@dataclass(frozen=True)
class Shop:
    name: str
    address: str
    phone: str
    tz: ZoneInfo
    locale: str
    currency: str = "GBP"

    def money(self, amount: Decimal | None) -> str:
        return "" if amount is None else format_money(amount, self.currency, self.locale)

    def local_date(self, moment: datetime) -> str:
        """The day of an instant in the shop's zone, e.g. "20 November 2026"."""
        return format_date(moment.astimezone(self.tz).date(), "long", locale=self.locale)


@dataclass(frozen=True)
class Context:
    """A use case's outside world: the moment it happens, the shop, and who acts (a signed-in
    customer's or staff member's id; None for a guest or the system)."""
    now: datetime
    shop: Shop
    user_id: int | None = None

    @property
    def tz(self) -> ZoneInfo:
        return self.shop.tz

    def money(self, amount: Decimal | None) -> str:
        return self.shop.money(amount)

    def local_date(self, moment: datetime) -> str:
        return self.shop.local_date(moment)
