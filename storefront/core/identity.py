"""Telling customers apart by email for per-customer limits (promo uses, orders an hour, open
unpaid guest orders)."""
from __future__ import annotations

import sqlalchemy as sa


def customer_email_key(email: str) -> str:
    """The form of an address that per-customer limits compare: spaces around it and letter case
    dropped, and a `+tag` after the name removed, so `X+1@Example.com` counts as `x@example.com`.

    Not caught, on purpose: dots in Gmail names (`a.b@` and `ab@` are one mailbox there, not at
    most providers), other providers' alias schemes, and simply another address. Per-customer
    limits are a speed bump for guests; an account is the real identity."""
    address = email.strip().lower()
    name, at, domain = address.rpartition("@")
    if not at:
        return address
    base = name.split("+", 1)[0]
    return f"{base}@{domain}" if base else address


def _like_literal(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def same_customer(column, email: str):
    """A SQL condition: `column` (a lower-case email) belongs to the same customer as `email`,
    by `customer_email_key`: the address itself or any `+tag` of it."""
    key = customer_email_key(email)
    name, at, domain = key.rpartition("@")
    if not at or not name:
        return column == key
    return sa.or_(column == key, column.like(f"{_like_literal(name)}+%@{_like_literal(domain)}", escape="\\"))
