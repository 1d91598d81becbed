"""Custom cakes: the options a customer chooses from, the rules between them (as rows, not code),
the cake rules row (notice, daily capacity, change cutoff, message price), the per-day cake
counts claimed through core.capacity, reference photos, and the configuration each ordered cake
keeps (names and prices copied at the time of ordering, like order lines)."""
from __future__ import annotations

import enum
from datetime import date, datetime, time
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..core.capacity import Counter
from ..core.db import Money, TimestampMixin, UTCDateTime, string_enum
from ..core.time import utcnow
from ..extensions import db


class OptionKind(str, enum.Enum):
    SIZE = "size"
    SPONGE = "sponge"
    FILLING = "filling"
    FROSTING = "frosting"
    DECORATION = "decoration"
    DIET = "diet"


class RuleKind(str, enum.Enum):
    MAX_CHOICES = "max_choices"      # at most `limit` options of `option_kind`
    ONLY_SIZES = "only_sizes"        # `option_id` only with the sizes in `size_ids`


class CakeSettings(TimestampMixin, db.Model):
    """One row: how far ahead cakes are ordered, how many a day, until when they can be changed."""

    __tablename__ = "cake_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_days: Mapped[int] = mapped_column(default=2, nullable=False)       # whole days before the cake's day
    daily_cutoff: Mapped[time] = mapped_column(sa.Time, default=time(14, 0), nullable=False)
    days_ahead: Mapped[int] = mapped_column(default=60, nullable=False)
    daily_capacity: Mapped[int] = mapped_column(default=6, nullable=False)
    change_cutoff_hours: Mapped[int] = mapped_column(default=72, nullable=False)
    message_max: Mapped[int] = mapped_column(default=60, nullable=False)
    message_price_per_char: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.10"), nullable=False)


class CakeOption(db.Model):
    """One choice in the builder. Its price is `price` for every size, unless it has per-size
    prices (`CakeOptionPrice`). Sizes carry servings and their base price in `price`; frostings
    their colour for the preview."""

    __tablename__ = "cake_options"
    __table_args__ = (sa.UniqueConstraint("kind", "name"),
                      sa.CheckConstraint("price >= 0", name="price_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[OptionKind] = mapped_column(string_enum(OptionKind, "cake_option_kind"), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), nullable=False)
    servings: Mapped[int | None] = mapped_column()
    inches: Mapped[int | None] = mapped_column()
    colour: Mapped[str | None] = mapped_column(sa.String(7))       # "#rrggbb", frostings
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    size_prices: Mapped[list[CakeOptionPrice]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", foreign_keys="CakeOptionPrice.option_id")


class CakeOptionPrice(db.Model):
    __tablename__ = "cake_option_prices"
    __table_args__ = (sa.CheckConstraint("price >= 0", name="price_not_negative"),)

    option_id: Mapped[int] = mapped_column(sa.ForeignKey("cake_options.id", ondelete="CASCADE"), primary_key=True)
    size_id: Mapped[int] = mapped_column(sa.ForeignKey("cake_options.id", ondelete="CASCADE"), primary_key=True)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)


class CakeRule(db.Model):
    __tablename__ = "cake_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RuleKind] = mapped_column(string_enum(RuleKind, "cake_rule_kind"), nullable=False)
    option_kind: Mapped[OptionKind | None] = mapped_column(string_enum(OptionKind, "cake_rule_option_kind"))
    option_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cake_options.id", ondelete="CASCADE"))
    limit: Mapped[int | None] = mapped_column()
    size_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list, nullable=False)
    message: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)


class CakeDayCount(db.Model):
    """Cakes due on one local day, claimed through core.capacity at checkout, given back on cancel."""

    __tablename__ = "cake_days"
    __table_args__ = (sa.CheckConstraint("cakes >= 0", name="cakes_not_negative"),)

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    cakes: Mapped[int] = mapped_column(default=0, nullable=False)


CAKE_DAYS = Counter(CakeDayCount, key="day", count="cakes")


class CakePhoto(db.Model):
    """A re-encoded reference photo in the instance folder under a random name. `owner` is the
    cart owner that uploaded it ("u:<id>" or "g:<guest token>"): only they and staff see it."""

    __tablename__ = "cake_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    owner: Mapped[str] = mapped_column(sa.String(80), index=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    width: Mapped[int] = mapped_column(nullable=False)
    height: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class CakeConfiguration(db.Model):
    """What one ordered cake is: every choice by name, the itemised price, its day, its photo."""

    __tablename__ = "cake_configurations"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_line_id: Mapped[int] = mapped_column(sa.ForeignKey("order_lines.id", ondelete="CASCADE"), unique=True,
                                               nullable=False)
    due_on: Mapped[date] = mapped_column(sa.Date, index=True, nullable=False)
    choices: Mapped[list] = mapped_column(sa.JSON, nullable=False)     # [[kind label, name], …]
    items: Mapped[list] = mapped_column(sa.JSON, nullable=False)       # [[label, "12.00"], …]
    message: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    notes: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    photo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cake_photos.id", ondelete="SET NULL"))
    cakes_claimed: Mapped[int] = mapped_column(default=0, nullable=False)

    photo: Mapped[CakePhoto | None] = relationship(lazy="joined")
    # An order line knows its cake (`line.cake`) without the orders package knowing cakes.
    order_line = relationship("OrderLine", backref=backref("cake", uselist=False, lazy="selectin",
                                                           cascade="all, delete-orphan"))
