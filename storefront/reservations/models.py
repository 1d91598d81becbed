"""Tables, combinations, the booking rules, reservations with their table claims and history,
and the waitlist."""
from __future__ import annotations

import enum
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.capacity import Counter
from ..core.db import TimestampMixin, UTCDateTime, string_enum
from ..core.time import utcnow
from ..extensions import db


class ReservationStatus(str, enum.Enum):
    REQUESTED = "requested"
    CONFIRMED = "confirmed"
    SEATED = "seated"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    NO_SHOW = "no_show"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    ReservationStatus.REQUESTED: "Requested",
    ReservationStatus.CONFIRMED: "Confirmed",
    ReservationStatus.SEATED: "Seated",
    ReservationStatus.COMPLETED: "Completed",
    ReservationStatus.CANCELLED: "Cancelled",
    ReservationStatus.NO_SHOW: "No-show",
}

# Statuses that hold tables (and count towards pacing).
ACTIVE_STATUSES = (ReservationStatus.CONFIRMED, ReservationStatus.SEATED)


class Occasion(str, enum.Enum):
    BIRTHDAY = "birthday"
    ANNIVERSARY = "anniversary"
    BUSINESS = "business"
    OTHER = "other"


OCCASION_LABELS = {
    Occasion.BIRTHDAY: "Birthday",
    Occasion.ANNIVERSARY: "Anniversary",
    Occasion.BUSINESS: "Business",
    Occasion.OTHER: "Other",
}


class WaitlistStatus(str, enum.Enum):
    WAITING = "waiting"
    NOTIFIED = "notified"
    BOOKED = "booked"


table_combination_members = sa.Table(
    "table_combination_members",
    db.metadata,
    sa.Column("combination_id", sa.ForeignKey("table_combinations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("table_id", sa.ForeignKey("dining_tables.id", ondelete="CASCADE"), primary_key=True),
)


class DiningTable(db.Model):
    """A table in the room: seats `min_seats`–`max_seats`; staff-only when not online bookable."""

    __tablename__ = "dining_tables"
    __table_args__ = (
        sa.CheckConstraint("min_seats >= 1", name="min_seats_positive"),
        sa.CheckConstraint("max_seats >= min_seats", name="seat_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), unique=True, nullable=False)
    area: Mapped[str] = mapped_column(sa.String(40), default="inside", nullable=False)
    min_seats: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    max_seats: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    online_bookable: Mapped[bool] = mapped_column(default=True, nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)


class TableCombination(db.Model):
    """Tables staff push together, e.g. T4+T5 seating 7–8."""

    __tablename__ = "table_combinations"
    __table_args__ = (
        sa.CheckConstraint("min_seats >= 1", name="min_seats_positive"),
        sa.CheckConstraint("max_seats >= min_seats", name="seat_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True, nullable=False)
    min_seats: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    max_seats: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    online_bookable: Mapped[bool] = mapped_column(default=True, nullable=False)

    tables: Mapped[list[DiningTable]] = relationship(secondary=table_combination_members,
                                                     order_by=DiningTable.id)


class ReservationSettings(TimestampMixin, db.Model):
    """One row: the booking rules. Read by `rules.load_rules`; defaults stand in until it exists."""

    __tablename__ = "reservation_settings"
    __table_args__ = (
        sa.CheckConstraint("slot_minutes BETWEEN 5 AND 60", name="slot_minutes_range"),
        sa.CheckConstraint("buffer_minutes >= 0", name="buffer_not_negative"),
        sa.CheckConstraint("min_notice_minutes >= 0", name="notice_not_negative"),
        sa.CheckConstraint("horizon_days >= 1", name="horizon_positive"),
        sa.CheckConstraint("max_party_online >= 1", name="max_party_online_positive"),
        sa.CheckConstraint("max_party_request >= max_party_online", name="request_above_online"),
        sa.CheckConstraint("pacing_guests_per_slot >= 1", name="pacing_positive"),
        sa.CheckConstraint("cancellation_cutoff_minutes >= 0", name="cutoff_not_negative"),
        sa.CheckConstraint("reminder_hours >= 1", name="reminder_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_minutes: Mapped[int] = mapped_column(default=15, nullable=False)
    buffer_minutes: Mapped[int] = mapped_column(default=15, nullable=False)
    min_notice_minutes: Mapped[int] = mapped_column(default=60, nullable=False)
    horizon_days: Mapped[int] = mapped_column(default=60, nullable=False)
    max_party_online: Mapped[int] = mapped_column(default=8, nullable=False)
    max_party_request: Mapped[int] = mapped_column(default=30, nullable=False)
    pacing_guests_per_slot: Mapped[int] = mapped_column(default=12, nullable=False)
    cancellation_cutoff_minutes: Mapped[int] = mapped_column(default=120, nullable=False)
    reminder_hours: Mapped[int] = mapped_column(default=24, nullable=False)


class TurnTime(db.Model):
    """How long a party keeps its table: the row with the largest `party_from` ≤ the party."""

    __tablename__ = "reservation_turn_times"
    __table_args__ = (
        sa.CheckConstraint("party_from >= 1", name="party_from_positive"),
        sa.CheckConstraint("minutes > 0", name="minutes_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    party_from: Mapped[int] = mapped_column(sa.SmallInteger, unique=True, nullable=False)
    minutes: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)


class ReservationDay(db.Model):
    """One row per local day that has bookings: the lock every claim or release on that day
    takes first, so checks and writes for one day run one at a time (tables and pacing)."""

    __tablename__ = "reservation_days"

    local_date: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    version: Mapped[int] = mapped_column(default=0, nullable=False)


class Reservation(TimestampMixin, db.Model):
    __tablename__ = "reservations"
    __table_args__ = (
        sa.CheckConstraint("party_size >= 1", name="party_size_positive"),
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(12), unique=True, nullable=False)
    status: Mapped[ReservationStatus] = mapped_column(string_enum(ReservationStatus, "reservation_status"),
                                                      index=True, nullable=False)
    party_size: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    local_date: Mapped[date] = mapped_column(sa.Date, index=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), index=True, nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    occasion: Mapped[Occasion | None] = mapped_column(string_enum(Occasion, "reservation_occasion"))
    special_requests: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    combination_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("table_combinations.id", ondelete="SET NULL"))
    # Only the SHA-256 of the manage link's token: a database leak gives no working links.
    manage_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    # The booking form's one-time key: a replayed form finds the booking it already made.
    idempotency_key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    claims: Mapped[list[TableClaim]] = relationship(back_populates="reservation", cascade="all, delete-orphan",
                                                    passive_deletes=True, order_by="TableClaim.id")
    history: Mapped[list[ReservationHistory]] = relationship(
        back_populates="reservation", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ReservationHistory.id")
    combination: Mapped[TableCombination | None] = relationship()

    @property
    def active_claims(self) -> list[TableClaim]:
        return [c for c in self.claims if c.released_at is None]

    def __repr__(self) -> str:
        return f"<Reservation {self.reference} {self.status.value}>"


class TableClaim(db.Model):
    """A reservation's hold on one table for [starts_at, ends_at). Released (not deleted) when the
    booking is cancelled, moved, completed or a no-show; the free-table check reads the
    unreleased ones."""

    __tablename__ = "table_claims"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_starts"),
        sa.Index("ix_table_claims_table_id_starts_at", "table_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(sa.ForeignKey("reservations.id", ondelete="CASCADE"),
                                                index=True, nullable=False)
    table_id: Mapped[int] = mapped_column(sa.ForeignKey("dining_tables.id", ondelete="CASCADE"), nullable=False)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reservation: Mapped[Reservation] = relationship(back_populates="claims")
    table: Mapped[DiningTable] = relationship()


class ReservationHistory(db.Model):
    """Every status change and move, appended: from, to, who, when, what."""

    __tablename__ = "reservation_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    reservation_id: Mapped[int] = mapped_column(sa.ForeignKey("reservations.id", ondelete="CASCADE"),
                                                index=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    from_status: Mapped[str | None] = mapped_column(sa.String(16))
    to_status: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    actor: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # diner, staff, system
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)

    reservation: Mapped[Reservation] = relationship(back_populates="history")


class WaitlistEntry(db.Model):
    """A diner waiting for a table for `party_size` on `local_date` between two local times."""

    __tablename__ = "reservation_waitlist"
    __table_args__ = (
        sa.CheckConstraint("party_size >= 1", name="party_size_positive"),
        sa.CheckConstraint("window_end > window_start", name="window_order"),
        # One waiting entry per diner, day and party size: joining again updates the window.
        sa.Index("uq_reservation_waitlist_waiting", "local_date", "email", "party_size", unique=True,
                 postgresql_where=sa.text("status = 'waiting'"), sqlite_where=sa.text("status = 'waiting'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    local_date: Mapped[date] = mapped_column(sa.Date, index=True, nullable=False)
    party_size: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    window_start: Mapped[time] = mapped_column(sa.Time, nullable=False)
    window_end: Mapped[time] = mapped_column(sa.Time, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[WaitlistStatus] = mapped_column(string_enum(WaitlistStatus, "waitlist_status"),
                                                   default=WaitlistStatus.WAITING, nullable=False)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PacingCount(db.Model):
    """Guests starting at one slot instant (pacing), claimed through core.capacity by bookings
    that hold a table (confirmed or seated) and given back when they stop holding one."""

    __tablename__ = "reservation_pacing"
    __table_args__ = (sa.CheckConstraint("guests >= 0", name="guests_not_negative"),)

    slot_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    guests: Mapped[int] = mapped_column(default=0, nullable=False)


PACING = Counter(PacingCount, key="slot_start", count="guests")
