"""Reading the audit log: newest first, filtered by what was acted on and by kind of action over
a time range (the two ways the log is indexed), a page at a time."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..core.audit import AuditEntry
from ..core.shop import Context

PAGE = 50


@dataclass(frozen=True)
class Filters:
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    since: date | None = None
    until: date | None = None
    before_id: int | None = None  # the page after the one that ended at this id


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    actor: str
    changes: list[tuple[str, str]]  # (label, value) pairs worth showing


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    next_before: int | None
    actions: list[str]
    target_types: list[str]


def _local_start(day: date, ctx: Context) -> datetime:
    return datetime.combine(day, time(0), tzinfo=ctx.tz).astimezone(ctx.now.tzinfo)


def search(session: Session, filters: Filters, ctx: Context) -> Page:
    """Three queries: the page with each actor's name, the actions and the kinds in the log."""
    conditions = []
    if filters.action:
        conditions.append(AuditEntry.action == filters.action)
    if filters.target_type:
        conditions.append(AuditEntry.target_type == filters.target_type)
    if filters.target_id:
        conditions.append(AuditEntry.target_id == filters.target_id)
    if filters.since:
        conditions.append(AuditEntry.created_at >= _local_start(filters.since, ctx))
    if filters.until:
        conditions.append(AuditEntry.created_at < _local_start(filters.until + timedelta(days=1), ctx))
    if filters.before_id:
        conditions.append(AuditEntry.id < filters.before_id)
    found = session.execute(
        sa.select(AuditEntry, User.name, User.email).outerjoin(User, User.id == AuditEntry.actor_id)
        .where(*conditions).order_by(AuditEntry.id.desc()).limit(PAGE + 1)).all()
    rows = [Row(entry, name or email or "system", _changes(entry.details)) for entry, name, email in found[:PAGE]]
    actions = list(session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
    kinds = list(session.scalars(sa.select(AuditEntry.target_type).distinct().order_by(AuditEntry.target_type)))
    return Page(rows=rows, next_before=rows[-1].entry.id if len(found) > PAGE else None, actions=actions,
                target_types=kinds)


def _changes(details: dict) -> list[tuple[str, str]]:
    shown = []
    before, after = details.get("before"), details.get("after")
    if isinstance(before, dict) or isinstance(after, dict):
        # A record's values (shop upkeep): one line per value that changed, or every value when
        # the record was created or deleted.
        before, after = before or {}, after or {}
        for key in list(before) + [k for k in after if k not in before]:
            if before.get(key) != after.get(key):
                shown.append((key, f"{_word(before.get(key))} → {_word(after.get(key))}"))
        for key, value in details.items():
            if key not in ("before", "after"):
                shown.append((key, _word(value)))
        return shown
    if "before" in details or "after" in details or "previous" in details:
        before = details.get("before", details.get("previous", ""))
        shown.append(("change", f"{_word(before)} → {_word(details.get('after', ''))}"))
    for key, value in details.items():
        if key not in ("before", "after", "previous"):
            shown.append((key, _word(value)))
    return shown


def _word(value) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return "" if value is None else str(value)
