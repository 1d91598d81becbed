"""Demo artwork: every product is drawn as its own kind of thing, and the committed SVGs are the
ones the generator makes (so a change to a drawing is seen in review)."""
from __future__ import annotations

from pathlib import Path

from storefront.demo.artwork import MOTIFS, product_svg
from storefront.demo.catalogue import PRODUCTS

IMAGES = Path(__file__).resolve().parents[2] / "static" / "img" / "products"


def test_every_product_names_a_kind_that_has_a_drawing():
    assert {p["kind"] for p in PRODUCTS} <= set(MOTIFS)
    assert set(MOTIFS) <= {p["kind"] for p in PRODUCTS}  # no drawing left unused


def test_buns_knots_and_raisin_swirls_are_not_drawn_as_croissants():
    kinds = {p["slug"]: p["kind"] for p in PRODUCTS}
    assert kinds["cinnamon-bun"] == "bun" and kinds["cardamom-knot"] == "knot"
    assert kinds["pain-aux-raisins"] == "raisin-swirl" and kinds["butter-croissant"] == "croissant"
    croissant = product_svg("Butter croissant", "pastries", "croissant")
    assert product_svg("Cinnamon bun", "pastries", "bun").count("<ellipse") < croissant.count("<ellipse")


def test_committed_images_match_the_generator():
    for product in PRODUCTS:
        committed = (IMAGES / f"{product['slug']}.svg").read_text(encoding="utf-8")
        assert committed == product_svg(product["name"], product["category"], product["kind"]), product["slug"]


def test_alt_text_says_it_is_an_illustration_and_is_unique():
    alts = [p["image_alt"] for p in PRODUCTS]
    assert all(alt.startswith("Illustration of ") for alt in alts)
    assert len(set(alts)) == len(alts)
