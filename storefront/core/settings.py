"""One way to read a settings table (a table of one row: ordering rules, booking rules, the
shop's details). The defaults live in one place, the model's column defaults; until staff or the
demo seed save a row, an unsaved row built from them stands in.

The row's values are kept in the shared cache (`core.cache`), so pages read no
settings statement at all; any committed ORM write to the table renews them in every process.
Each call hands out its own detached copy: reading it is free, and a caller that changes it and
adds it to a session updates the row (but staff screens should load the row they edit with
`settings_for_update`). Within a request each table is built once (kept on `flask.g`)."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Session, make_transient_to_detached

from .cache import cached

Row = TypeVar("Row")


def defaults_of(model: type[Row], **given) -> Row:
    """An unsaved row whose columns hold the model's defaults (`given` fills the columns that
    have none, such as the shop's name from the environment)."""
    values = {}
    for column in sa.inspect(model).columns:
        default = column.default
        # Scalar defaults only: per-row callables (timestamps) are the database's to fill.
        if column.key not in given and default is not None and default.is_scalar:
            values[column.key] = default.arg
    return model(**values, **given)


def _values(session: Session, model) -> dict | None:
    row = session.scalars(sa.select(model).order_by(model.id).limit(1)).first()
    if row is None:
        return None
    return {attr.key: getattr(row, attr.key) for attr in sa.inspect(model).column_attrs}


def detached_copies(session: Session, query) -> list:
    """The rows of `query` as detached copies holding every column: safe to keep across requests
    and sessions (see `core.cache`)."""
    copies = []
    for row in session.scalars(query):
        mapper = sa.inspect(row).mapper
        copy = mapper.class_(**{attr.key: getattr(row, attr.key) for attr in mapper.column_attrs})
        make_transient_to_detached(copy)
        copies.append(copy)
    return copies


def load_settings(session: Session, model: type[Row], **given) -> Row:
    """The settings row of `model`, or its defaults when there is none yet."""
    cache_key = f"settings:{model.__tablename__}"
    if has_request_context() and cache_key in g:
        return g.get(cache_key)
    table = model.__tablename__
    values = cached([table], ("settings", table), lambda: _values(session, model), session)
    if values is None:
        row = defaults_of(model, **given)
    else:
        row = model(**values)
        make_transient_to_detached(row)
    if has_request_context():
        setattr(g, cache_key, row)
    return row


def settings_for_update(session: Session, model: type[Row]) -> Row | None:
    """The settings row itself, locked for the transaction, for a screen that changes it."""
    return session.scalars(sa.select(model).order_by(model.id).limit(1).with_for_update()).first()
