"""The shop itself: its details, weekly opening periods and closures."""
from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import TimestampMixin
from ..extensions import db


class StoreSettings(TimestampMixin, db.Model):
    """One row: the shop's details. Created from the STORE_* settings the first time it is needed."""

    __tablename__ = "store_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    address: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), default="", nullable=False)
    timezone: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    currency: Mapped[str] = mapped_column(sa.String(3), nullable=False)
    locale: Mapped[str] = mapped_column(sa.String(16), nullable=False)


class OpeningPeriod(db.Model):
    """One opening period on a weekday (0 = Monday); a split day has two rows."""

    __tablename__ = "opening_periods"
    __table_args__ = (
        sa.CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday_range"),
        sa.CheckConstraint("closes_at > opens_at", name="closes_after_opens"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    weekday: Mapped[int] = mapped_column(sa.SmallInteger, index=True, nullable=False)
    opens_at: Mapped[time] = mapped_column(sa.Time, nullable=False)
    closes_at: Mapped[time] = mapped_column(sa.Time, nullable=False)


class Closure(db.Model):
    """Whole days the shop is closed (holidays, staff training), inclusive of both ends."""

    __tablename__ = "closures"
    __table_args__ = (sa.CheckConstraint("ends_on >= starts_on", name="ends_after_starts"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_on: Mapped[date] = mapped_column(sa.Date, index=True, nullable=False)
    ends_on: Mapped[date] = mapped_column(sa.Date, nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
