"""Orders, their lines (name and price copied at the time of ordering) and status history."""
from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Money, SoftDeleteMixin, TimestampMixin, UTCDateTime, string_enum
from ..core.time import utcnow
from ..extensions import db


class Status(str, enum.Enum):
    PLACED = "placed"
    CONFIRMED = "confirmed"
    PREPARING = "preparing"
    READY = "ready"
    OUT_FOR_DELIVERY = "out_for_delivery"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in (Status.COMPLETED, Status.CANCELLED, Status.REFUNDED)


STATUS_LABELS = {
    Status.PLACED: "Order placed",
    Status.CONFIRMED: "Confirmed by the shop",
    Status.PREPARING: "Being prepared",
    Status.READY: "Ready to collect",
    Status.OUT_FOR_DELIVERY: "Out for delivery",
    Status.COMPLETED: "Completed",
    Status.CANCELLED: "Cancelled",
    Status.REFUNDED: "Refunded",
}


class Fulfilment(str, enum.Enum):
    PICKUP = "pickup"
    DELIVERY = "delivery"


class PaymentStatus(str, enum.Enum):
    UNPAID = "unpaid"
    PAID = "paid"
    REFUNDED = "refunded"
    VOID = "void"



class Order(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint("total >= 0", name="total_not_negative"),
        sa.CheckConstraint("discount >= 0 AND discount <= subtotal + delivery_fee", name="discount_in_range"),
        sa.CheckConstraint("redeemed >= 0", name="redeemed_not_negative"),
        # The guest order cap and privacy requests look orders up by address, `name+tag@…` too
        # (core.identity.same_customer: `=` or a prefix LIKE); pattern ops let LIKE use it.
        sa.Index("ix_orders_customer_email", "customer_email",
                 postgresql_ops={"customer_email": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(16), unique=True, nullable=False)
    # SHA-256 of the secret in the guest's tracking link; the number alone opens nothing.
    access_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    customer_name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    customer_email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    customer_phone: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    fulfilment: Mapped[Fulfilment] = mapped_column(string_enum(Fulfilment, "fulfilment", 24), nullable=False)
    address_line: Mapped[str | None] = mapped_column(sa.String(200))
    address_city: Mapped[str | None] = mapped_column(sa.String(100))
    postcode: Mapped[str | None] = mapped_column(sa.String(12))
    delivery_zone_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delivery_zones.id"))
    is_asap: Mapped[bool] = mapped_column(nullable=False)
    scheduled_for: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    slot_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kitchen_note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    subtotal: Mapped[Decimal] = mapped_column(Money, nullable=False)
    discount: Mapped[Decimal] = mapped_column(Money, nullable=False)
    delivery_fee: Mapped[Decimal] = mapped_column(Money, nullable=False)
    total: Mapped[Decimal] = mapped_column(Money, nullable=False)
    redeemed: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"), server_default="0", nullable=False)
    tax_included: Mapped[Decimal] = mapped_column(Money, nullable=False)
    promo_code_id: Mapped[int | None] = mapped_column(sa.ForeignKey("promo_codes.id"))
    promo_code: Mapped[str | None] = mapped_column(sa.String(40))
    payment_method: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    payment_status: Mapped[PaymentStatus] = mapped_column(string_enum(PaymentStatus, "payment_status", 24),
                                                          default=PaymentStatus.UNPAID, nullable=False)
    status: Mapped[Status] = mapped_column(string_enum(Status, "order_status", 24), default=Status.PLACED, index=True,
                                           nullable=False)

    lines: Mapped[list[OrderLine]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                  order_by="OrderLine.id")
    history: Mapped[list[OrderStatusChange]] = relationship(back_populates="order", cascade="all, delete-orphan",
                                                            order_by="OrderStatusChange.id")

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)


class OrderLine(db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (sa.CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    unit_price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    quantity: Mapped[int] = mapped_column(nullable=False)
    line_total: Mapped[Decimal] = mapped_column(Money, nullable=False)
    stock_claimed: Mapped[int] = mapped_column(default=0, nullable=False)

    order: Mapped[Order] = relationship(back_populates="lines")


class OrderStatusChange(db.Model):
    __tablename__ = "order_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(sa.ForeignKey("orders.id", ondelete="CASCADE"), index=True, nullable=False)
    from_status: Mapped[Status | None] = mapped_column(string_enum(Status, "order_status_from", 24))
    to_status: Mapped[Status] = mapped_column(string_enum(Status, "order_status_to", 24), nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)

    order: Mapped[Order] = relationship(back_populates="history")
