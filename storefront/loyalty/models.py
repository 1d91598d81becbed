"""Loyalty points: the rules row, one account row per customer holding the balance (the row a
redemption claims), and the ledger — one row per change with the balance after it.

Points that arrive (earned, given back, added by staff) are a *lot* with an expiry; points that
leave (redeemed, reversed, expired, taken by staff) use up the oldest lots first, so what
expires is what has been held longest. At every moment:
    account.balance == sum(ledger.points) == sum(lot.remaining)  and  balance >= 0."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import Money, TimestampMixin, UTCDateTime, string_enum
from ..core.time import utcnow
from ..extensions import db


class LoyaltySettings(TimestampMixin, db.Model):
    """One row: how points are earned, how long they last and how they are spent."""

    __tablename__ = "loyalty_settings"
    __table_args__ = (
        sa.CheckConstraint("points_per_unit >= 0", name="rate_not_negative"),
        sa.CheckConstraint("redeem_minimum >= 1 AND redeem_step >= 1", name="redeem_positive"),
        sa.CheckConstraint("max_share_percent BETWEEN 0 AND 100", name="share_in_range"),
        sa.CheckConstraint("value_per_100 >= 0", name="value_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    points_per_unit: Mapped[int] = mapped_column(default=1, nullable=False)    # per 1.00 spent on goods
    expiry_months: Mapped[int] = mapped_column(default=12, nullable=False)
    redeem_minimum: Mapped[int] = mapped_column(default=100, nullable=False)
    redeem_step: Mapped[int] = mapped_column(default=50, nullable=False)
    max_share_percent: Mapped[int] = mapped_column(default=50, nullable=False)  # of the goods after a promo
    value_per_100: Mapped[Decimal] = mapped_column(Money, default=Decimal("1.00"), nullable=False)
    combine_with_promo: Mapped[bool] = mapped_column(default=True, nullable=False)


class LoyaltyAccount(db.Model):
    """A customer's balance. Every change locks this row first, so two spends of the same points
    are serialised and the second sees what the first left."""

    __tablename__ = "loyalty_accounts"
    __table_args__ = (sa.CheckConstraint("balance >= 0", name="balance_not_negative"),)

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    balance: Mapped[int] = mapped_column(default=0, nullable=False)


class EntryKind(str, enum.Enum):
    EARNED = "earned"        # a completed order
    REDEEMED = "redeemed"    # spent at checkout
    RETURNED = "returned"    # a cancelled or refunded order gives back what it spent
    REVERSED = "reversed"    # a completed order refunded or cancelled takes back what it earned
    EXPIRED = "expired"
    ADJUSTED = "adjusted"    # by staff, with a reason

    @property
    def label(self) -> str:
        return {"earned": "Earned", "redeemed": "Spent", "returned": "Given back", "reversed": "Taken back",
                "expired": "Expired", "adjusted": "Adjusted"}[self.value]


class LoyaltyEntry(db.Model):
    __tablename__ = "loyalty_ledger"
    __table_args__ = (
        sa.CheckConstraint("balance_after >= 0", name="balance_after_not_negative"),
        sa.CheckConstraint("remaining >= 0 AND (remaining = 0 OR remaining <= points)", name="remaining_in_range"),
        sa.CheckConstraint("points <> 0", name="points_not_zero"),
        sa.Index("ix_loyalty_ledger_user_created", "user_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    kind: Mapped[EntryKind] = mapped_column(string_enum(EntryKind, "loyalty_entry_kind"), nullable=False)
    points: Mapped[int] = mapped_column(nullable=False)            # + arrives, − leaves
    balance_after: Mapped[int] = mapped_column(nullable=False)
    # A lot (points > 0): how many of its points are still held, and when they expire.
    remaining: Mapped[int] = mapped_column(default=0, nullable=False)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    # The one-time key of the staff form that made an adjustment: a replayed form adjusts once.
    form_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
