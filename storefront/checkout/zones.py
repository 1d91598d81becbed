"""Delivery zones by postcode prefix; the longest matching prefix wins."""
from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import Session

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
    best, best_len = None, 0
    for zone in session.scalars(sa.select(DeliveryZone).where(DeliveryZone.is_active.is_(True))):
        for prefix in zone.prefixes:
            if covers(prefix, outward) and len(prefix) > best_len:
                best, best_len = zone, len(prefix)
    return best
