"""One pattern for every table the back office keeps up (products, categories, promo codes, cake
options and rules): a `Table` says what its rows are, which of their columns a form edits and what
a row must obey; `save` applies a form's values to a new or existing row through the ORM, refuses
with a RuleViolation beside the field (writing nothing), and records who changed what, with the
values before and after, in the same transaction."""
from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...core import audit
from ...core.rules import RuleViolation
from ...core.time import utcnow


def _no_check(session: Session, row, values: dict) -> None:
    return None


def _set_columns(table: Table, row, values: dict) -> None:
    for name in table.fields:
        if name in values:
            setattr(row, name, values[name])


@dataclass(frozen=True)
class Table:
    name: str                                   # the address part and endpoint prefix: "categories"
    noun: str                                   # one row, in words and in the audit log: "category"
    title: str                                  # the list page's heading
    model: type
    form: type
    id_arg: str                                 # the path argument naming a row: "category_id"
    fields: tuple[str, ...]                     # what the form edits and the audit log shows
    columns: tuple[tuple[str, Callable], ...]   # the list page: (heading, row -> text)
    unique: tuple[str, ...] = ()                # columns no two rows may share (case-insensitive)
    check: Callable[[Session, object, dict], None] = _no_check   # more rules, RuleViolation on a field
    apply: Callable[[Table, object, dict], None] = _set_columns
    snapshot_extra: Callable[[object], dict] = field(default=lambda row: {})
    order_by: tuple = ()
    soft_delete: bool = False                   # rows carry deleted_at: "Delete" and "Restore"
    list_options: Callable | None = None        # loader options that keep the list's queries fixed
    read: Callable | None = None                # form -> values (default: the form's data for `fields`)
    prepare: Callable | None = None             # (form, session) -> None: fill choices from the rows that exist
    hints: dict = field(default_factory=dict)   # field name -> hint under its label

    def label(self, row) -> str:
        for attribute in ("name", "code", "message"):
            if getattr(row, attribute, None):
                return getattr(row, attribute)
        return f"{self.noun} {row.id}"

    def values(self, form) -> dict:
        if self.read:
            return self.read(form)
        return {name: form[name].data for name in self.fields if name in form}


def plain(value):
    """A value as the audit log's JSON keeps it."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def snapshot(table: Table, row) -> dict:
    if row is None:
        return {}
    values = {name: plain(getattr(row, name)) for name in table.fields if hasattr(row, name)}
    return values | {key: plain(value) for key, value in table.snapshot_extra(row).items()}


def rows(session: Session, table: Table) -> list:
    query = sa.select(table.model).order_by(*(table.order_by or (table.model.id,)))
    if table.list_options:
        query = query.options(*table.list_options())
    return list(session.scalars(query))


def find(session: Session, table: Table, row_id: int):
    return session.get(table.model, row_id)


def _check_unique(session: Session, table: Table, row, values: dict) -> None:
    reasons = []
    for name in table.unique:
        if name not in values or values[name] is None:
            continue
        column = getattr(table.model, name)
        query = sa.select(table.model.id).where(sa.func.lower(column) == str(values[name]).lower())
        if row is not None and row.id is not None:
            query = query.where(table.model.id != row.id)
        if session.scalar(query.limit(1)) is not None:
            reasons.append((name, f"Another {table.noun} already uses “{values[name]}”. Choose another."))
    if reasons:
        raise RuleViolation(reasons)


def save(session: Session, table: Table, row, values: dict, *, actor_id: int | None,
         after_apply: Callable[[object], None] | None = None):
    """Create (row None) or update `row` with `values`; one transaction, audited. A refusal rolls
    back and raises RuleViolation naming the field."""
    creating = row is None
    before = snapshot(table, row)
    try:
        table.check(session, row, values)
        _check_unique(session, table, row, values)
        if creating:
            row = table.model()
            session.add(row)
        table.apply(table, row, values)
        if after_apply:
            after_apply(row)
        session.flush()
    except RuleViolation:
        session.rollback()
        raise
    except IntegrityError:
        # Two people saving the same slug or code at once: the database's unique index decides.
        session.rollback()
        raise RuleViolation([(name, f"Another {table.noun} already uses that. Choose another.")
                             for name in (table.unique or ("__form__",))]) from None
    after = snapshot(table, row)
    changed = sorted(key for key in after if before.get(key) != after.get(key))
    audit.record(session, actor_id=actor_id, action=f"{table.noun}.{'create' if creating else 'update'}",
                 target_type=table.noun, target_id=row.id,
                 before={key: before.get(key) for key in changed} if not creating else {},
                 after={key: after[key] for key in changed})
    session.commit()
    return row


def set_deleted(session: Session, table: Table, row, deleted: bool, *, actor_id: int | None):
    """Soft delete or restore: customers' queries leave deleted rows out; orders keep their lines."""
    before = row.deleted_at is not None
    if before == deleted:
        return row
    row.deleted_at = utcnow() if deleted else None
    audit.record(session, actor_id=actor_id, action=f"{table.noun}.{'delete' if deleted else 'restore'}",
                 target_type=table.noun, target_id=row.id, before={"deleted": before}, after={"deleted": deleted})
    session.commit()
    return row
