"""Which review texts wait for staff: links and blocked words (whole words, any case)."""
from __future__ import annotations

import pytest

from storefront.reviews.moderation import hold_reason, parse_blocklist


@pytest.mark.parametrize("text", [
    "Cheaper at https://example.org", "see www.crumbs.example", "visit bestbread.com/deals",
    "HTTP://SHOUTING.EXAMPLE", "email me: me@spam.ru",
])
def test_links_are_held(text):
    assert hold_reason(["", text], ()) == "contains a link"


@pytest.mark.parametrize("text", [
    "Lovely bread, 10/10.", "Three loaves... and a croissant.", "It was 5.50 for a coffee", "Mr. Baker was kind",
])
def test_ordinary_text_is_published(text):
    assert hold_reason([text], ("awful",)) is None


def test_blocked_words_match_whole_words_in_any_case():
    words = parse_blocklist("awful,  Soggy \n,,")
    assert words == ("awful", "soggy")
    assert hold_reason(["Title", "An AWFUL loaf"], words) == "contains a blocked word (awful)"
    assert hold_reason(["Soggy!"], words) == "contains a blocked word (soggy)"
    assert hold_reason(["Awfully good"], words) is None  # not the word itself
    assert hold_reason(["anything"], parse_blocklist("")) is None
