"""Demo cake options, rules and settings (used by `flask seed-demo`; matched by kind and name,
so a second run changes nothing)."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.settings import defaults_of
from .models import CakeOption, CakeOptionPrice, CakeRule, CakeSettings, OptionKind, RuleKind

SIZES = (  # name, inches, servings, base price
    ("6-inch round", 6, 8, "28.00"),
    ("8-inch round", 8, 14, "38.00"),
    ("10-inch round", 10, 22, "52.00"),
    ("12-inch two-tier", 12, 35, "85.00"),
)
# kind, name, flat price, per-size prices (by inches) or None, colour
OPTIONS = (
    (OptionKind.SPONGE, "Vanilla", "0.00", None, None),
    (OptionKind.SPONGE, "Chocolate", "0.00", None, None),
    (OptionKind.SPONGE, "Lemon", "0.00", None, None),
    (OptionKind.SPONGE, "Red velvet", "4.00", {6: "3.00", 8: "4.00", 10: "6.00", 12: "9.00"}, None),
    (OptionKind.FILLING, "Vanilla buttercream", "0.00", None, None),
    (OptionKind.FILLING, "Raspberry jam and buttercream", "2.00", None, None),
    (OptionKind.FILLING, "Salted caramel", "3.00", {6: "2.50", 8: "3.00", 10: "4.50", 12: "6.00"}, None),
    (OptionKind.FROSTING, "Classic white buttercream", "0.00", None, "#fbf6ee"),
    (OptionKind.FROSTING, "Pale pink buttercream", "0.00", None, "#f4c6d0"),
    (OptionKind.FROSTING, "Chocolate ganache", "4.00", None, "#5a3522"),
    (OptionKind.FROSTING, "Lemon cream cheese", "3.00", None, "#f6e7a1"),
    (OptionKind.DECORATION, "Fresh berries", "5.00", None, None),
    (OptionKind.DECORATION, "Edible flowers", "6.00", None, None),
    (OptionKind.DECORATION, "Gold leaf", "8.00", None, None),
    (OptionKind.DECORATION, "Sprinkles", "2.00", None, None),
    (OptionKind.DECORATION, "Chocolate drip", "4.00", None, None),
    (OptionKind.DIET, "Eggless", "4.00", None, None),
    (OptionKind.DIET, "Gluten-free", "6.00", None, None),
)


def seed_cakes(session: Session, report) -> None:
    if session.scalar(sa.select(CakeSettings.id).limit(1)) is None:
        session.add(defaults_of(CakeSettings))
        report.count("cake settings")
    existing = {(o.kind, o.name): o for o in session.scalars(sa.select(CakeOption))}
    sizes = {}
    for position, (name, inches, servings, base) in enumerate(SIZES):
        size = existing.get((OptionKind.SIZE, name))
        if size is None:
            size = CakeOption(kind=OptionKind.SIZE, name=name, inches=inches, servings=servings,
                              price=Decimal(base), position=position, description=f"Serves about {servings}")
            session.add(size)
            report.count("cake options")
        sizes[inches] = size
    session.flush()
    for position, (kind, name, flat, per_size, colour) in enumerate(OPTIONS):
        if (kind, name) in existing:
            continue
        option = CakeOption(kind=kind, name=name, price=Decimal(flat), colour=colour, position=position)
        option.size_prices = [CakeOptionPrice(size_id=sizes[inches].id, price=Decimal(amount))
                              for inches, amount in (per_size or {}).items()]
        session.add(option)
        existing[(kind, name)] = option
        report.count("cake options")
    session.flush()
    rules = [
        (RuleKind.MAX_CHOICES, OptionKind.DECORATION, None, 3, [], "Choose at most 3 decorations."),
        (RuleKind.ONLY_SIZES, None, existing[(OptionKind.DIET, "Gluten-free")].id, None,
         [sizes[6].id, sizes[8].id], "Gluten-free cakes come in the 6- and 8-inch sizes only."),
    ]
    known = set(session.scalars(sa.select(CakeRule.message)))
    for kind, option_kind, option_id, limit, size_ids, message in rules:
        if message not in known:
            session.add(CakeRule(kind=kind, option_kind=option_kind, option_id=option_id, limit=limit,
                                 size_ids=size_ids, message=message))
            report.count("cake rules")
