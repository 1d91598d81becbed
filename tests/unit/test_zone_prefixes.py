"""What a delivery zone may list and what it covers: real UK postcode areas and districts only,
an area covering its own districts (B is Birmingham, not Bristol's BS), a district covering its
lettered parts (SW1 covers SW1A), and the longest prefix winning."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.checkout.models import DeliveryZone
from storefront.checkout.zones import POSTCODE_AREAS, covers, is_zone_prefix, zone_for
from storefront.extensions import db
from storefront.staff.shop.service import zone_prefixes


@pytest.mark.parametrize("prefix", ["BS", "B", "BS1", "BS10", "BS0", "SW1A", "EC2M", "W1D", "E20", "ZE3", "GY1",
                                    "M1", "NW1"])
def test_real_areas_and_districts_are_accepted(prefix):
    assert is_zone_prefix(prefix)


@pytest.mark.parametrize("prefix", ["XX", "XX1", "QQ1", "BS1A", "BS01", "BS100", "1", "12", "4QA", "BS1 4QA", "",
                                    "SW1AA", "BS-1", "ＢＳ１", "bs1"])
def test_anything_else_is_refused(prefix):
    assert not is_zone_prefix(prefix)


def test_there_are_124_areas():
    assert len(POSTCODE_AREAS) == 124 and "BS" in POSTCODE_AREAS and "BF" not in POSTCODE_AREAS


@pytest.mark.parametrize("prefix, outward, expected", [
    ("BS", "BS1", True), ("BS", "BS10", True), ("B", "B1", True), ("B", "BS1", False),
    ("BS1", "BS1", True), ("BS1", "BS10", False), ("SW1", "SW1A", True), ("SW1A", "SW1", False),
    ("E", "EC1A", False), ("E", "E1W", True),
])
def test_what_a_prefix_covers(prefix, outward, expected):
    assert covers(prefix, outward) is expected


def test_staff_typing_is_tidied():
    assert zone_prefixes(" bs1, BS2;bs1\tbs8 ") == ["BS1", "BS2", "BS8"]
    assert zone_prefixes("") == []


@given(st.text(max_size=6))
def test_no_text_is_both_refused_and_covering(text):
    # Whatever staff type, a refused prefix is never stored, so only accepted ones reach `covers`;
    # an accepted one is upper-case ASCII letters then at most two digits and a letter.
    if is_zone_prefix(text):
        assert text.isascii() and text.isupper() and text[0].isalpha() and len(text) <= 4


def test_birmingham_does_not_take_bristol(app_ctx):
    db.session.add_all([DeliveryZone(name="Birmingham", postcode_prefixes="B", fee=Decimal("9.00")),
                        DeliveryZone(name="Centre", postcode_prefixes="BS1", fee=Decimal("2.50"))])
    db.session.commit()
    assert zone_for(db.session, "BS1 4QA").name == "Centre"
    assert zone_for(db.session, "BS8 1AA") is None
    assert zone_for(db.session, "B1 1AA").name == "Birmingham"
