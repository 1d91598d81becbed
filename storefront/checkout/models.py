"""Checkout rules kept in the database: ordering rules, delivery zones, promo codes and their
redemptions, and the per-slot order counts that capacity is claimed against."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.capacity import Counter
from ..core.db import Money, TimestampMixin, UTCDateTime, string_enum
from ..core.time import utcnow
from ..extensions import db


class OrderingRules(TimestampMixin, db.Model):
    """One row: how orders are timed and taxed."""

    __tablename__ = "ordering_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    preparation_minutes: Mapped[int] = mapped_column(default=20, nullable=False)
    slot_minutes: Mapped[int] = mapped_column(default=15, nullable=False)
    orders_per_slot: Mapped[int] = mapped_column(default=4, nullable=False)
    last_order_minutes: Mapped[int] = mapped_column(default=15, nullable=False)  # before closing
    days_ahead: Mapped[int] = mapped_column(default=7, nullable=False)
    cancel_minutes: Mapped[int] = mapped_column(default=60, nullable=False)  # before the order's time
    tax_rate: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2), default=Decimal("20.00"), nullable=False)
    # The staff's switch on the order board: while on, the menu and checkout say so and no order
    # is placed online.
    orders_paused: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), nullable=False)


class DeliveryZone(db.Model):
    __tablename__ = "delivery_zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    # Space-separated postcode prefixes without spaces, e.g. "BS1 BS2 BS8".
    postcode_prefixes: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    fee: Mapped[Decimal] = mapped_column(Money, nullable=False)
    minimum_order: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), nullable=False)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)

    @property
    def prefixes(self) -> list[str]:
        return self.postcode_prefixes.upper().split()


class PromoKind(str, enum.Enum):
    PERCENT = "percent"
    FIXED = "fixed"
    FREE_DELIVERY = "free_delivery"


class OrderType(str, enum.Enum):
    ANY = "any"
    PICKUP = "pickup"
    DELIVERY = "delivery"



class PromoCode(TimestampMixin, db.Model):
    __tablename__ = "promo_codes"
    __table_args__ = (
        sa.CheckConstraint("uses_count >= 0", name="uses_not_negative"),
        sa.CheckConstraint("usage_limit IS NULL OR uses_count <= usage_limit", name="uses_within_limit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)  # stored upper-case
    description: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    kind: Mapped[PromoKind] = mapped_column(string_enum(PromoKind, "promo_kind"), nullable=False)
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"), nullable=False)  # percent or amount
    min_subtotal: Mapped[Decimal | None] = mapped_column(Money)
    max_discount: Mapped[Decimal | None] = mapped_column(Money)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_active: Mapped[bool] = mapped_column(default=True, nullable=False)
    usage_limit: Mapped[int | None] = mapped_column()
    uses_count: Mapped[int] = mapped_column(default=0, nullable=False)
    per_customer_limit: Mapped[int | None] = mapped_column()
    order_type: Mapped[OrderType] = mapped_column(string_enum(OrderType, "promo_order_type"), default=OrderType.ANY,
                                                  nullable=False)
    # Empty scope lists mean the whole order qualifies.
    category_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list, nullable=False)
    product_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list, nullable=False)


class PromoRedemption(db.Model):
    """One use of a code by one order; deleted when that order is cancelled."""

    __tablename__ = "promo_redemptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    promo_id: Mapped[int] = mapped_column(sa.ForeignKey("promo_codes.id"), index=True, nullable=False)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), unique=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True, nullable=False)  # normalised
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class SlotBooking(db.Model):
    """How many orders are booked into one time slot; claimed with a conditional update."""

    __tablename__ = "slot_bookings"
    __table_args__ = (sa.CheckConstraint("orders_count >= 0", name="count_not_negative"),)

    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    orders_count: Mapped[int] = mapped_column(default=0, nullable=False)


# Orders per slot, claimed through core.capacity.
ORDER_SLOTS = Counter(SlotBooking, key="slot_start", count="orders_count")
