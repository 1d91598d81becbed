"""What the use cases need to know about the outside world, handed in by the caller (a view, a
CLI command or a test): the shop's details and how to build links for emails."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Shop:
    name: str
    address: str
    phone: str
    tz: ZoneInfo
    locale: str


@dataclass(frozen=True)
class Links:
    manage: Callable[[str], str]  # token → absolute URL of the manage page
    calendar: Callable[[str], str]  # token → absolute URL of the .ics file
    find: Callable[[date, int, str | None], str]  # day, party, preferred "HH:MM" → the search page
    mine: Callable[[str], str] | None = None  # reference → a signed-in owner's manage page
    uid_domain: str = "localhost"  # the domain in calendar event ids (the site's host)
