"""Time is stored as aware UTC and shown in the store's zone."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utcnow() -> datetime:
    return datetime.now(UTC)


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None


def to_zone(moment: datetime, tz: ZoneInfo) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: store and compute aware UTC times only")
    return moment.astimezone(tz)


# Every rule of the shop looks at most a few months ahead or back; ten years either side leaves
# room for all of them and keeps date arithmetic far from year 1 and year 9999.
SANE_DISTANCE = timedelta(days=3653)


def is_sane_date(day: date, today: date | None = None) -> bool:
    today = today or utcnow().date()
    return today - SANE_DISTANCE <= day <= today + SANE_DISTANCE


def parse_instant(raw: str | None) -> datetime | None:
    """An ISO 8601 time with its UTC offset (as forms and links carry slots) as an aware UTC
    instant; None when it is not one, has no offset, or is not a sane date."""
    if not raw or len(raw) > 40:
        return None
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or not is_sane_date(moment.date()):
        return None
    return moment.astimezone(UTC)
