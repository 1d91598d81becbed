"""Delivery zones by postcode prefix; the longest matching prefix wins."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.cache import cached
from ..core.settings import detached_copies
from .models import DeliveryZone

# UK postcodes: outward code (e.g. BS1, SW1A) then inward code (e.g. 4QA); spaces optional.
UK_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def normalise_postcode(raw: str) -> str:
    return " ".join(raw.upper().split())


def is_valid_postcode(raw: str) -> bool:
    return bool(UK_POSTCODE.match(normalise_postcode(raw)))


def outward_code(postcode: str) -> str:
    compact = normalise_postcode(postcode).replace(" ", "")
    return compact[:-3]


def zone_for(session: Session, postcode: str) -> DeliveryZone | None:
    outward = outward_code(postcode)
    best, best_len = None, 0
    zones = cached([DeliveryZone.__tablename__], "delivery_zones", lambda: detached_copies(
        session, sa.select(DeliveryZone).where(DeliveryZone.is_active.is_(True)).order_by(DeliveryZone.id)), session)
    for zone in zones:
        for prefix in zone.prefixes:
            if outward == prefix or (outward.startswith(prefix) and not prefix[-1].isdigit()):
                if len(prefix) > best_len:
                    best, best_len = zone, len(prefix)
    return best
