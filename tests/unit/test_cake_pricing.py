"""Cake price rules: checking choices against options and rules (data), the itemised price, and
Hypothesis properties: never below the size's base price, independent of choice order, total =
sum of the items."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from storefront.cakes import pricing
from storefront.cakes.pricing import Catalogue, Choice, OptionSpec, RuleSpec
from storefront.core.rules import RuleViolation

pytestmark = pytest.mark.no_db

D = Decimal
SIZE6, SIZE8, SIZE10 = 1, 2, 3
OPTIONS = {
    1: OptionSpec(1, "size", "6-inch", D("28.00"), servings=8),
    2: OptionSpec(2, "size", "8-inch", D("38.00"), servings=14),
    3: OptionSpec(3, "size", "10-inch", D("52.00"), servings=22),
    10: OptionSpec(10, "sponge", "Vanilla", D("0")),
    11: OptionSpec(11, "sponge", "Red velvet", D("4.00"), size_prices={1: D("3.00"), 3: D("6.00")}),
    20: OptionSpec(20, "filling", "Buttercream", D("0")),
    21: OptionSpec(21, "filling", "Old filling", D("1.00"), active=False),
    30: OptionSpec(30, "frosting", "White", D("0"), colour="#ffffff"),
    31: OptionSpec(31, "frosting", "Ganache", D("4.00")),
    40: OptionSpec(40, "decoration", "Berries", D("5.00"), position=1),
    41: OptionSpec(41, "decoration", "Flowers", D("6.00"), position=2),
    42: OptionSpec(42, "decoration", "Gold leaf", D("8.00"), position=3),
    43: OptionSpec(43, "decoration", "Sprinkles", D("2.00"), position=4),
    50: OptionSpec(50, "diet", "Gluten-free", D("6.00")),
    51: OptionSpec(51, "diet", "Eggless", D("4.00")),
}
RULES = (
    RuleSpec("max_choices", "Choose at most 3 decorations.", option_kind="decoration", limit=3),
    RuleSpec("only_sizes", "Gluten-free cakes come in the 6- and 8-inch sizes only.", option_id=50,
             size_ids=frozenset({SIZE6, SIZE8})),
)
CATALOGUE = Catalogue(options=OPTIONS, rules=RULES, message_max=60, message_price=D("0.10"))
BASIC = Choice(size=SIZE8, sponge=10, filling=20, frosting=30)


def fields_of(violation: RuleViolation) -> dict[str, str]:
    return dict(violation.reasons)


def test_a_plain_cake_costs_its_size():
    priced = pricing.price(CATALOGUE, pricing.resolve(CATALOGUE, BASIC))
    assert priced.items == (("8-inch (size)", D("38.00")),)
    assert priced.total == D("38.00")


def test_per_size_price_applies_else_the_flat_price():
    six = pricing.price(CATALOGUE, pricing.resolve(CATALOGUE, Choice(size=SIZE6, sponge=11, filling=20, frosting=30)))
    eight = pricing.price(CATALOGUE, pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=11, filling=20, frosting=30)))
    assert ("Red velvet (sponge)", D("3.00")) in six.items and six.total == D("31.00")
    assert ("Red velvet (sponge)", D("4.00")) in eight.items and eight.total == D("42.00")


def test_message_priced_per_character_spaces_free():
    cake = pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30, message="Happy  Birthday"))
    assert cake.message == "Happy Birthday"
    priced = pricing.price(CATALOGUE, cake)
    assert ("Message, 13 characters", D("1.30")) in priced.items
    assert priced.total == D("39.30")


def test_missing_unknown_and_inactive_options_are_named_beside_their_fields():
    with pytest.raises(RuleViolation) as caught:
        pricing.resolve(CATALOGUE, Choice(size=999, sponge=None, filling=21, frosting=40))
    errors = fields_of(caught.value)
    assert set(errors) == {"size", "sponge", "filling", "frosting"}
    assert "not available" in errors["filling"] and "Choose a sponge" in errors["sponge"]


def test_rules_are_data_at_most_three_decorations():
    with pytest.raises(RuleViolation) as caught:
        pricing.resolve(CATALOGUE, BASIC.__class__(**{**BASIC.__dict__, "decorations": (40, 41, 42, 43)}))
    assert fields_of(caught.value) == {"decorations": "Choose at most 3 decorations."}
    ok = pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30, decorations=(40, 41, 42)))
    assert len(ok.others) == 6


def test_rules_are_data_gluten_free_only_for_six_and_eight_inch():
    with pytest.raises(RuleViolation) as caught:
        pricing.resolve(CATALOGUE, Choice(size=SIZE10, sponge=10, filling=20, frosting=30, diet=50))
    assert fields_of(caught.value) == {"diet": "Gluten-free cakes come in the 6- and 8-inch sizes only."}
    assert pricing.resolve(CATALOGUE, Choice(size=SIZE6, sponge=10, filling=20, frosting=30, diet=50))
    relaxed = Catalogue(options=OPTIONS, rules=RULES[:1])
    assert pricing.resolve(relaxed, Choice(size=SIZE10, sponge=10, filling=20, frosting=30, diet=50))


def test_a_decoration_twice_is_refused():
    with pytest.raises(RuleViolation) as caught:
        pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30, decorations=(40, 40)))
    assert "at most once" in fields_of(caught.value)["decorations"]


@pytest.mark.parametrize("message, words", [
    ("x" * 61, "at most 60 characters"),
    ("Happy\x00birthday", "letters, numbers"),
    ("Hi\u202eereht", "letters, numbers"),
])
def test_bad_messages(message, words):
    with pytest.raises(RuleViolation) as caught:
        pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30, message=message))
    assert words in fields_of(caught.value)["message"]


def test_sixty_characters_and_newlines_become_one_line():
    cake = pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30,
                                             message="Happy\nbirthday " + "x" * 44))
    assert cake.message == "Happy birthday " + "x" * 44 and len(cake.message) == 59


def test_identical_cakes_share_a_key_whatever_the_click_order():
    one = pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30, decorations=(41, 40)))
    two = pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=30, decorations=(40, 41)))
    other = pricing.resolve(CATALOGUE, Choice(size=SIZE8, sponge=10, filling=20, frosting=31, decorations=(40, 41)))
    assert one.key() == two.key() != other.key()


choices = st.builds(
    Choice,
    size=st.sampled_from([SIZE6, SIZE8, SIZE10]),
    sponge=st.sampled_from([10, 11]),
    filling=st.just(20),
    frosting=st.sampled_from([30, 31]),
    decorations=st.lists(st.sampled_from([40, 41, 42, 43]), unique=True, max_size=3).map(tuple),
    diet=st.sampled_from([None, 51]),
    message=st.text(alphabet="abc XYZ!", max_size=60),
)


@given(choice=choices)
def test_price_never_below_the_size_and_equals_its_items(choice):
    priced = pricing.price(CATALOGUE, pricing.resolve(CATALOGUE, choice))
    assert priced.total >= OPTIONS[choice.size].price
    assert priced.total == sum((amount for _, amount in priced.items), D("0"))
    assert all(amount >= 0 for _, amount in priced.items)


@given(choice=choices, data=st.data())
def test_price_does_not_depend_on_choice_order(choice, data):
    shuffled = data.draw(st.permutations(choice.decorations))
    again = Choice(**{**choice.__dict__, "decorations": tuple(shuffled)})
    assert pricing.price(CATALOGUE, pricing.resolve(CATALOGUE, choice)) == \
        pricing.price(CATALOGUE, pricing.resolve(CATALOGUE, again))
