"""Delivery zones by postcode, and reading what a customer types as a postcode.

A zone lists outward codes (`BS1`) or whole areas (`BS`); the longest matching prefix wins. So
the outward code alone is enough to find the zone, and the checkout takes either a full postcode
(`BS1 4QA`) or just its outward part (`BS1`). Parsing follows the Royal Mail rules through
`ukpostcodeparser` (areas, letter positions, inward-code letters), never a hand-written pattern."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from ukpostcodeparser.parser import parse_uk_postcode

from .models import DeliveryZone

POSTCODE_FORMAT = "Enter a UK postcode, like BS1 4QA, or just its first part, like BS1"


@dataclass(frozen=True)
class Postcode:
    outward: str   # e.g. BS1, SW1A
    inward: str    # e.g. 4QA; empty when only the outward part was given

    def __str__(self) -> str:
        return f"{self.outward} {self.inward}".strip()


def normalise_postcode(raw: str) -> str:
    """A postcode as it is stored and shown (upper case, one space), or the raw text tidied."""
    parsed = parse_postcode(raw)
    return str(parsed) if parsed else " ".join(raw.upper().split())


def parse_postcode(raw: str | None) -> Postcode | None:
    """A full UK postcode or an outward code alone, or None if it is neither. A half-typed inward
    part (`BS1 4`) is neither: the space says more was meant."""
    text = " ".join((raw or "").upper().split())
    if not text or len(text) > 10:
        return None
    try:
        outward, inward = parse_uk_postcode(text, strict=True, incode_mandatory=False)
    except ValueError:  # the library's InvalidPostcodeError and IncodeNotFoundError are ValueErrors
        return None
    if (outward + inward) != text.replace(" ", "") or (" " in text and not inward):
        return None
    return Postcode(outward, inward)


def is_valid_postcode(raw: str) -> bool:
    """A full UK postcode (what the order's address needs at the very least is the outward part:
    see `parse_postcode`)."""
    parsed = parse_postcode(raw)
    return parsed is not None and bool(parsed.inward)


def outward_code(postcode: str) -> str:
    parsed = parse_postcode(postcode)
    return parsed.outward if parsed else ""


def zone_for(session: Session, postcode: str) -> DeliveryZone | None:
    outward = outward_code(postcode)
    if not outward:
        return None
    best, best_len = None, 0
    for zone in session.scalars(sa.select(DeliveryZone).where(DeliveryZone.is_active.is_(True))):
        for prefix in zone.prefixes:
            if outward == prefix or (outward.startswith(prefix) and not prefix[-1].isdigit()):
                if len(prefix) > best_len:
                    best, best_len = zone, len(prefix)
    return best


def delivery_areas(session: Session) -> tuple[str, ...]:
    """Every active zone's prefixes, for the hint under the postcode field (one statement)."""
    rows = session.scalars(sa.select(DeliveryZone.postcode_prefixes).where(DeliveryZone.is_active.is_(True)))
    return tuple(sorted({prefix for row in rows for prefix in row.upper().split()}))
