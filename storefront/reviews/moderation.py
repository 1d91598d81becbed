"""Which new texts wait for staff before they are shown. Pure functions over plain values.

Rule: a review publishes at once unless its title or text contains a link (a scheme, a `www.`
address or a bare domain such as `example.com/…`) or a word from the shop's block list (whole
words, any case). Held reviews wait for a member of staff to publish or hide them."""
from __future__ import annotations

import re
from collections.abc import Iterable

_LINK = re.compile(r"(?i)\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|net|org|"
                   r"info|biz|io|co|uk|ru|xyz|top|shop|online|site|ly|me|app|dev)\b(?:/\S*)?")


def parse_blocklist(raw: str | Iterable[str]) -> tuple[str, ...]:
    """A comma- or newline-separated list (from the environment) as lower-case words."""
    words = re.split(r"[,\n]", raw) if isinstance(raw, str) else list(raw)
    return tuple(sorted({w.strip().lower() for w in words if w.strip()}))


def hold_reason(texts: Iterable[str], blocklist: Iterable[str]) -> str | None:
    """Why these texts must wait for staff, or None when they can be published now."""
    text = "\n".join(texts)
    if _LINK.search(text):
        return "contains a link"
    lowered = text.lower()
    for word in blocklist:
        if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", lowered):
            return f"contains a blocked word ({word})"
    return None
