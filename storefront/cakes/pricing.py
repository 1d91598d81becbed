"""The cake builder's rules as pure functions over plain values (no database): which choices are
valid, and what a valid cake costs.

- A cake has exactly one size, sponge, filling and frosting, any number of decorations (each at
  most once) and at most one dietary variant. Every chosen id must be an active option of its kind.
- Rules are data (`RuleSpec`): "at most N of a kind", "this option only with these sizes".
- The price is itemised: the size's base price, then each other choice at its price for that size
  (a per-size price when the option has one, else its flat price), then the message at a price per
  character (spaces are free). Every item is ≥ 0, so a cake never costs less than its size's base
  price; items are listed in a fixed order (kind, then display order), so the order in which the
  customer clicked never changes the result; the total is the sum of the items, nothing else."""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from ..core.money import to_money
from ..core.rules import RuleViolation

SINGLE = ("size", "sponge", "filling", "frosting")   # exactly one each
KIND_ORDER = ("size", "sponge", "filling", "frosting", "decoration", "diet")
LABELS = {"size": "Size", "sponge": "Sponge", "filling": "Filling", "frosting": "Frosting",
          "decoration": "Decoration", "diet": "Dietary"}
FIELDS = {"size": "size", "sponge": "sponge", "filling": "filling", "frosting": "frosting",
          "decoration": "decorations", "diet": "diet"}


@dataclass(frozen=True)
class OptionSpec:
    id: int
    kind: str
    name: str
    price: Decimal
    size_prices: Mapping[int, Decimal] = field(default_factory=dict)
    position: int = 0
    active: bool = True
    servings: int | None = None
    inches: int | None = None
    colour: str | None = None

    def price_for(self, size_id: int) -> Decimal:
        return self.size_prices.get(size_id, self.price)


@dataclass(frozen=True)
class RuleSpec:
    kind: str                          # "max_choices" or "only_sizes"
    message: str
    option_kind: str | None = None
    option_id: int | None = None
    limit: int | None = None
    size_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Catalogue:
    options: Mapping[int, OptionSpec]
    rules: tuple[RuleSpec, ...] = ()
    message_max: int = 60
    message_price: Decimal = Decimal("0")

    def of_kind(self, kind: str, *, active_only: bool = True) -> list[OptionSpec]:
        return sorted((o for o in self.options.values() if o.kind == kind and (o.active or not active_only)),
                      key=lambda o: (o.position, o.id))


@dataclass(frozen=True)
class Choice:
    """What the customer picked, as posted (ids may be anything until `resolve` checks them)."""
    size: int | None = None
    sponge: int | None = None
    filling: int | None = None
    frosting: int | None = None
    decorations: tuple[int, ...] = ()
    diet: int | None = None
    message: str = ""


@dataclass(frozen=True)
class Cake:
    """A checked choice: every option known and allowed."""
    size: OptionSpec
    others: tuple[OptionSpec, ...]     # sponge, filling, frosting, decorations, diet, in listing order
    message: str

    def choices(self) -> list[tuple[str, str]]:
        return [(LABELS["size"], self.size.name)] + [(LABELS[o.kind], o.name) for o in self.others]

    def key(self) -> tuple:
        """Equal for identical cakes, whatever order the choices were made in."""
        return (self.size.id, tuple(o.id for o in self.others), self.message)


@dataclass(frozen=True)
class Priced:
    items: tuple[tuple[str, Decimal], ...]

    @property
    def total(self) -> Decimal:
        return to_money(sum((amount for _, amount in self.items), Decimal("0")))


def clean_message(raw: str, limit: int) -> str:
    """The message to pipe, or RuleViolation: at most `limit` characters, printable only."""
    message = " ".join((raw or "").split())
    if any(unicodedata.category(ch)[0] == "C" for ch in (raw or "") if ch not in " \t\r\n"):
        raise RuleViolation.on("message", "The message can only hold letters, numbers, punctuation and spaces.")
    if len(message) > limit:
        raise RuleViolation.on("message", f"The message can be at most {limit} characters "
                                          f"(it has {len(message)}).")
    return message


def _pick(catalogue: Catalogue, kind: str, option_id: int | None, problems: list) -> OptionSpec | None:
    if option_id is None:
        if kind in SINGLE:
            problems.append((FIELDS[kind], f"Choose a {LABELS[kind].lower()}."))
        return None
    option = catalogue.options.get(option_id)
    if option is None or option.kind != kind or not option.active:
        problems.append((FIELDS[kind], f"That {LABELS[kind].lower()} is not available. Choose one of those shown."))
        return None
    return option


def resolve(catalogue: Catalogue, choice: Choice) -> Cake:
    """Check every id and every rule; RuleViolation lists each problem beside its field."""
    problems: list[tuple[str, str]] = []
    singles = {kind: _pick(catalogue, kind, getattr(choice, kind), problems) for kind in SINGLE}
    diet = _pick(catalogue, "diet", choice.diet, problems)
    if len(set(choice.decorations)) != len(choice.decorations):
        problems.append(("decorations", "Choose each decoration at most once."))
    decorations = [d for d in (_pick(catalogue, "decoration", i, problems) for i in set(choice.decorations)) if d]
    try:
        message = clean_message(choice.message, catalogue.message_max)
    except RuleViolation as violation:
        problems += violation.reasons
        message = ""
    chosen = [o for o in (*singles.values(), diet, *decorations) if o is not None]
    size = singles["size"]
    for rule in catalogue.rules:
        if rule.kind == "max_choices":
            if sum(1 for o in chosen if o.kind == rule.option_kind) > (rule.limit or 0):
                problems.append((FIELDS.get(rule.option_kind or "", "__form__"), rule.message))
        elif rule.kind == "only_sizes" and size is not None:
            if any(o.id == rule.option_id for o in chosen) and size.id not in rule.size_ids:
                option = catalogue.options[rule.option_id]
                problems.append((FIELDS[option.kind], rule.message))
    if problems:
        raise RuleViolation(problems)
    others = sorted((o for o in chosen if o.kind != "size"), key=lambda o: (KIND_ORDER.index(o.kind), o.position, o.id))
    return Cake(size=size, others=tuple(others), message=message)


def price(catalogue: Catalogue, cake: Cake) -> Priced:
    items = [(f"{cake.size.name} ({LABELS['size'].lower()})", to_money(cake.size.price))]
    for option in cake.others:
        amount = to_money(option.price_for(cake.size.id))
        if amount:
            items.append((f"{option.name} ({LABELS[option.kind].lower()})", amount))
    letters = sum(1 for ch in cake.message if not ch.isspace())
    if letters and catalogue.message_price:
        items.append((f"Message, {letters} characters", to_money(catalogue.message_price * letters)))
    return Priced(tuple(items))
