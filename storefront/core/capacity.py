"""Capacity: "claim `amount` places of `capacity` for this key, atomically; give them back on
cancel". Order slots use it (orders per slot); cakes per day are next.

A counter is a table with a key column (its primary key: a slot's start, a day) and a count
column. A claim is one statement in the caller's transaction, on both engines: INSERT the key's
row holding `amount`, or ON CONFLICT move the existing count only WHERE `count + amount <=
capacity` (RETURNING says whether a row was written). Two concurrent claims for the last place
cannot both succeed: the second waits on the first one's row lock, then evaluates its WHERE
against the row as the first left it and finds it full. Nothing is read first, so there is
nothing to go stale; the caller's commit or rollback keeps or undoes it."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import upsert_insert


@dataclass(frozen=True)
class Counter:
    model: type
    key: str      # the key column's attribute name
    count: str    # the count column's attribute name

    @property
    def key_column(self):
        return getattr(self.model, self.key)

    @property
    def count_column(self):
        return getattr(self.model, self.count)


def claim(session: Session, counter: Counter, key: Any, capacity: int, amount: int = 1) -> bool:
    """Take `amount` places for `key` if that keeps it within `capacity`. False when full."""
    if amount > capacity:
        return False
    claimed = upsert_insert(session, counter.model).values({counter.key: key, counter.count: amount}) \
        .on_conflict_do_update(index_elements=[counter.key], set_={counter.count: counter.count_column + amount},
                               where=counter.count_column + amount <= capacity) \
        .returning(counter.key_column)
    return session.execute(claimed).first() is not None


def release(session: Session, counter: Counter, key: Any, amount: int = 1) -> None:
    """Give back `amount` places for `key` (never below zero)."""
    session.execute(
        sa.update(counter.model)
        .where(counter.key_column == key, counter.count_column >= amount)
        .values({counter.count: counter.count_column - amount})
        .execution_options(synchronize_session=False))


def taken(session: Session, counter: Counter, keys: Iterable[Any]) -> dict[Any, int]:
    """How many places are taken for each of `keys` that has any (one statement)."""
    keys = list(keys)
    if not keys:
        return {}
    return dict(session.execute(sa.select(counter.key_column, counter.count_column)
                                .where(counter.key_column.between(min(keys), max(keys)))).all())
