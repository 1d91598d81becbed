"""Product cards rendered once per version of what they show and kept (`core.cache`): the
product row, its diets, its rating summary, the shop's currency and locale, the categories. Any
committed ORM write to those tables — a staff edit, checkout's conditional stock UPDATE, a new
review — renews them in every process. The per-visitor part of a card (the add-to-cart form with
its CSRF token and "added" note) is not cached: _product_card.html renders it between the two
cached halves."""
from __future__ import annotations

from jinja2_fragments.flask import render_block
from markupsafe import Markup

from ..core.cache import cached

TEMPLATE = "menu/_product_card_parts.html"
TABLES = ("products", "product_diets", "product_allergens", "review_summaries", "store_settings", "categories")


def card_parts(product, autofocus_link: bool = False) -> tuple[Markup, Markup]:
    def build() -> tuple[Markup, Markup]:
        context = dict(product=product, autofocus_link=bool(autofocus_link))
        return Markup(render_block(TEMPLATE, "head", **context)), Markup(render_block(TEMPLATE, "tail", **context))

    return cached(TABLES, ("card", product.id, bool(autofocus_link)), build)
