"""What the use cases need to know about the outside world, handed in by the caller (a view, a
CLI command or a test): the shop (`core.shop.Shop`) and how to build links for emails."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from flask import current_app

from ..core.links import external_url


@dataclass(frozen=True)
class Links:
    manage: Callable[[str], str]  # token → absolute URL of the manage page
    calendar: Callable[[str], str]  # token → absolute URL of the .ics file
    find: Callable[[date, int, str | None], str]  # day, party, preferred "HH:MM" → the search page
    mine: Callable[[str], str] | None = None  # reference → a signed-in owner's manage page
    uid_domain: str = "localhost"  # the domain in calendar event ids (the site's host)


def email_links() -> Links:
    """The site's own links (needs an app and a request context, as url_for does)."""
    return Links(
        manage=lambda token: external_url("reservations.manage", token=token),
        calendar=lambda token: external_url("reservations.calendar", token=token),
        find=lambda day, party, at: external_url("reservations.index", date=day.isoformat(), party=party, time=at),
        mine=lambda reference: external_url("reservations.manage", reference=reference),
        uid_domain=calendar_uid_domain(),
    )


def calendar_uid_domain() -> str:
    """The same event id in the downloaded and the emailed .ics, so calendars keep one entry."""
    return urlsplit(current_app.config["PUBLIC_URL"]).hostname or "localhost"
