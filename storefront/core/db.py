"""Column types and mixins shared by every table."""
from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .time import utcnow


class UTCDateTime(sa.TypeDecorator):
    """An aware UTC datetime on every engine. SQLite keeps no zone, so values are normalised to
    UTC on the way in and marked UTC on the way out; PostgreSQL stores `timestamptz`."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


Money = sa.Numeric(10, 2, asdecimal=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


def string_enum(cls: type, name: str, length: int = 16) -> sa.Enum:
    """A Python enum stored as its values in a plain string column (no native database enum,
    so adding a member never needs an ALTER TYPE), checked by SQLAlchemy."""
    return sa.Enum(cls, name=name, native_enum=False, length=length,
                   values_callable=lambda members: [member.value for member in members])


def insert_ignore(session, model, values: dict, index_elements: list[str]):
    """INSERT … ON CONFLICT DO NOTHING on either engine: make sure a row exists before a
    conditional UPDATE claims it (slot places, per-day booking locks)."""
    return upsert_insert(session, model).values(**values).on_conflict_do_nothing(index_elements=index_elements)


def upsert_insert(session, model):
    """An INSERT that takes ON CONFLICT clauses, for the engine the session uses for `model`."""
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind(mapper=sa.inspect(model)).dialect.name
    inserts = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
    if dialect not in inserts:
        raise RuntimeError(f"the storefront supports PostgreSQL and SQLite, not {dialect}")
    return inserts[dialect](model)
