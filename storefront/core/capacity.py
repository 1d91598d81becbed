"""Capacity: "claim `amount` places of `capacity` for this key, atomically; give them back on
cancel". Order slots use it (orders per slot); cakes per day are next.

A counter is a table with a key column (its primary key: a slot's start, a day) and a count
column. A claim first makes sure the key's row exists (INSERT … ON CONFLICT DO NOTHING, on both
engines), then moves the count with one conditional UPDATE (`count + amount <= capacity`) in the
caller's transaction: two concurrent claims for the last place cannot both succeed, since the
second UPDATE waits for the first transaction and then finds the row full. Nothing is read
first, so there is nothing to go stale; the caller's commit or rollback keeps or undoes it."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .db import insert_ignore


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
    session.execute(insert_ignore(session, counter.model, {counter.key: key, counter.count: 0}, [counter.key]))
    return session.execute(
        sa.update(counter.model)
        .where(counter.key_column == key, counter.count_column + amount <= capacity)
        .values({counter.count: counter.count_column + amount})
        .execution_options(synchronize_session=False)
    ).rowcount == 1


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
