"""Delivery zones by postcode, and reading what a customer types as a postcode.

A zone lists outward codes (`BS1`) or whole areas (`BS`); the longest matching prefix wins. So
the outward code alone is enough to find the zone, and the checkout takes either a full postcode
(`BS1 4QA`) or just its outward part (`BS1`). Parsing follows the Royal Mail rules through
`ukpostcodeparser` (areas, letter positions, inward-code letters), never a hand-written pattern."""
from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from ukpostcodeparser.parser import parse_uk_postcode

from ..core.cache import cached
from ..core.settings import detached_copies
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


# Every UK postcode area (the letters before the district number), Crown Dependencies included.
POSTCODE_AREAS = frozenset("""
    AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY
    E EC EH EN EX FK FY G GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY L LA LD LE
    LL LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL
    SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE
""".split())
# Only central London's areas have districts with a letter after the number (SW1A, EC2M, W1D).
LETTERED_AREAS = frozenset("E EC N NW SE SW W WC".split())
_OUTWARD = re.compile(r"([A-Z]{1,2})([0-9]{1,2})([A-Z]?)")


def is_zone_prefix(prefix: str) -> bool:
    """A prefix a delivery zone may list: a real postcode area ("BS") or a district of one
    ("BS1", "BS10", "SW1A") — not just any letters and digits."""
    if prefix in POSTCODE_AREAS:
        return True
    parts = _OUTWARD.fullmatch(prefix)
    if parts is None or parts[1] not in POSTCODE_AREAS:
        return False
    area, number, letter = parts.groups()
    if letter:
        return area in LETTERED_AREAS and len(number) == 1
    return not (len(number) == 2 and number[0] == "0")


def _area(outward: str) -> str:
    return re.match(r"[A-Z]*", outward)[0]


def covers(prefix: str, outward: str) -> bool:
    """Whether a zone's prefix covers an outward code: an area covers its districts ("B" covers
    B1 but not BS1), a district covers itself and its lettered parts ("SW1" covers SW1A)."""
    if prefix.isalpha():
        return _area(outward) == prefix
    return outward == prefix or (outward[:-1] == prefix and outward[-1].isalpha())


def zone_for(session: Session, postcode: str) -> DeliveryZone | None:
    """The active zone whose longest prefix covers the postcode's outward code."""
    outward = outward_code(postcode)
    if not outward:
        return None
    best, best_len = None, 0
    zones = cached([DeliveryZone.__tablename__], "delivery_zones", lambda: detached_copies(
        session, sa.select(DeliveryZone).where(DeliveryZone.is_active.is_(True)).order_by(DeliveryZone.id)), session)
    for zone in zones:
        for prefix in zone.prefixes:
            if covers(prefix, outward) and len(prefix) > best_len:
                best, best_len = zone, len(prefix)
    return best


def delivery_areas(session: Session) -> tuple[str, ...]:
    """Every active zone's prefixes, for the hint under the postcode field (cached with the zones)."""
    def read() -> tuple[str, ...]:
        rows = session.scalars(sa.select(DeliveryZone.postcode_prefixes).where(DeliveryZone.is_active.is_(True)))
        return tuple(sorted({prefix for row in rows for prefix in row.upper().split()}))

    return cached([DeliveryZone.__tablename__], "delivery_areas", read, session)
