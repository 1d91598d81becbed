"""Keeping the shop up to date: products and categories (with photos), cake options, rules and
capacity, promo codes. Generic list and edit screens over `upkeep.Table` descriptions; routes
live on the staff blueprint, behind its guard."""

from . import views  # noqa: F401  routes register on import
