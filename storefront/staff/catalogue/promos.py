"""Promo codes beyond plain editing: how each code is doing (uses, discount given, revenue of the
orders using it: one aggregate query for any number of codes), deactivating, and generating N
single-use codes that share a code's rules, handed out as a CSV file."""
from __future__ import annotations

import csv
import io
import secrets
from dataclasses import dataclass
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ...checkout.models import PromoCode, PromoRedemption
from ...core import audit
from ...orders.models import Order, Status
from .tables import PROMO_FIELDS

MAX_GENERATED = 500
# No 0/O, 1/I/L: codes are read off paper and typed on phones.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
RANDOM_PART = 8


@dataclass(frozen=True)
class Usage:
    uses: int
    discount: Decimal
    revenue: Decimal


NO_USE = Usage(0, Decimal("0.00"), Decimal("0.00"))


def usage(session: Session, promo_ids: list[int] | None = None) -> dict[int, Usage]:
    """Per code, over orders that still stand (a cancelled order gives its use back)."""
    query = (sa.select(PromoRedemption.promo_id, sa.func.count(Order.id), sa.func.coalesce(sa.func.sum(Order.discount), 0),
                       sa.func.coalesce(sa.func.sum(Order.total), 0))
             .join(Order, Order.id == PromoRedemption.order_id)
             .where(Order.status != Status.CANCELLED).group_by(PromoRedemption.promo_id))
    if promo_ids is not None:
        query = query.where(PromoRedemption.promo_id.in_(promo_ids))
    return {promo_id: Usage(uses, Decimal(discount).quantize(Decimal("0.01")), Decimal(revenue).quantize(Decimal("0.01")))
            for promo_id, uses, discount, revenue in session.execute(query)}


def deactivate(session: Session, promo: PromoCode, *, actor_id: int | None) -> None:
    if not promo.is_active:
        return
    promo.is_active = False
    audit.record(session, actor_id=actor_id, action="promo.update", target_type="promo", target_id=promo.id,
                 before={"is_active": True}, after={"is_active": False})
    session.commit()


def _new_codes(session: Session, prefix: str, count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {f"{prefix}-{''.join(secrets.choice(ALPHABET) for _ in range(RANDOM_PART))}"
                  for _ in range(count - len(codes))}
        taken = set(session.scalars(sa.select(PromoCode.code).where(PromoCode.code.in_(wanted))))
        codes |= wanted - taken
    return sorted(codes)


def generate(session: Session, template: PromoCode, count: int, prefix: str, *, actor_id: int | None) -> list[str]:
    """`count` (1–500) new codes, each usable once, with `template`'s rules; one audit row."""
    if not 1 <= count <= MAX_GENERATED:
        raise ValueError("count out of range")
    codes = _new_codes(session, prefix, count)
    rules = {name: getattr(template, name) for name in PROMO_FIELDS if name not in ("code", "usage_limit")}
    rules["description"] = (f"Single-use, from {template.code}")[:200]
    for code in codes:
        session.add(PromoCode(**rules, code=code, usage_limit=1, uses_count=0))
    audit.record(session, actor_id=actor_id, action="promo.generate", target_type="promo", target_id=template.id,
                 count=count, first=codes[0], last=codes[-1])
    session.commit()
    return codes


def codes_csv(template: PromoCode, codes: list[str]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "uses", "rules from"])
    for code in codes:
        writer.writerow([code, 1, template.code])
    return out.getvalue()
