"""One way to read a settings table (a table of one row: ordering rules, booking rules, the
shop's details). The defaults live in one place, the model's column defaults; until staff or the
demo seed save a row, an unsaved row built from them stands in. Within a request each table is
read once (kept on `flask.g`); outside one (a CLI command, a test) every call reads afresh."""
from __future__ import annotations

from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy.orm import Session

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


def load_settings(session: Session, model: type[Row], **given) -> Row:
    """The settings row of `model`, or its defaults when there is none yet."""
    cache_key = f"settings:{model.__tablename__}"
    if has_request_context() and cache_key in g:
        return g.get(cache_key)
    row = session.scalars(sa.select(model).order_by(model.id).limit(1)).first()
    if row is None:
        row = defaults_of(model, **given)
    if has_request_context():
        setattr(g, cache_key, row)
    return row
