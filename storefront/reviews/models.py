"""Reviews, their running totals, helpful votes and reports."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from ..core.db import SoftDeleteMixin, TimestampMixin, UTCDateTime, string_enum
from ..core.time import utcnow
from ..extensions import db
from ..menu.models import Product

STARS = (5, 4, 3, 2, 1)


class Kind(str, enum.Enum):
    PRODUCT = "product"
    VISIT = "visit"


class Status(str, enum.Enum):
    PUBLISHED = "published"
    PENDING = "pending"  # held for staff: a link or a blocked word
    HIDDEN = "hidden"  # taken down by staff


class Review(TimestampMixin, SoftDeleteMixin, db.Model):
    """One customer's review of a product or of a visit.

    `subject_key` makes "one review per customer per product" and "one review per visit or
    order" a unique index rather than a check that two requests can both pass:
    `product:<product>:<user>`, `reservation:<id>`, `order:<id>`, or `visit:<user>` for the one
    visit review a customer may write without a booking or order to tie it to."""

    __tablename__ = "reviews"
    __table_args__ = (
        sa.CheckConstraint("rating BETWEEN 1 AND 5", name="rating_range"),
        sa.CheckConstraint("food IS NULL OR food BETWEEN 1 AND 5", name="food_range"),
        sa.CheckConstraint("service IS NULL OR service BETWEEN 1 AND 5", name="service_range"),
        sa.CheckConstraint("ambience IS NULL OR ambience BETWEEN 1 AND 5", name="ambience_range"),
        sa.CheckConstraint("helpful_count >= 0", name="helpful_not_negative"),
        # The lists read published reviews of one subject, newest or best first.
        sa.Index("ix_reviews_listing", "kind", "product_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(string_enum(Kind, "review_kind"), nullable=False)
    subject_key: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"))
    reservation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("reservations.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orders.id", ondelete="SET NULL"))
    rating: Mapped[int] = mapped_column(sa.SmallInteger, nullable=False)
    food: Mapped[int | None] = mapped_column(sa.SmallInteger)
    service: Mapped[int | None] = mapped_column(sa.SmallInteger)
    ambience: Mapped[int | None] = mapped_column(sa.SmallInteger)
    title: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    verified: Mapped[bool] = mapped_column(default=False, nullable=False)
    status: Mapped[Status] = mapped_column(string_enum(Status, "review_status"), nullable=False)
    held_reason: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    helpful_count: Mapped[int] = mapped_column(default=0, nullable=False)
    reply_body: Mapped[str | None] = mapped_column(sa.Text)
    reply_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    author = relationship("User", foreign_keys=[user_id], lazy="joined")
    product: Mapped[Product | None] = relationship()

    @property
    def counts(self) -> bool:
        """Whether this review is in the averages: published and not deleted."""
        return self.status == Status.PUBLISHED and self.deleted_at is None

    @property
    def author_name(self) -> str:
        """First name and initial: enough to be a person, not enough to be found. A deleted
        account's reviews stay, signed "Former customer"."""
        if self.author is not None and not self.author.is_active_account:
            return "Former customer"
        parts = (self.author.name if self.author else "").split()
        if not parts:
            return "A customer"
        return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."


class ReviewSummary(db.Model):
    """Running totals of the published reviews of one subject ("visit", or "product:<id>"),
    kept by the same transaction that changes a review, so a page reads one row instead of
    scanning reviews."""

    __tablename__ = "review_summaries"
    __table_args__ = (sa.CheckConstraint("review_count >= 0", name="count_not_negative"),)

    subject: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    product_id: Mapped[int | None] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"), unique=True)
    review_count: Mapped[int] = mapped_column(default=0, nullable=False)
    rating_total: Mapped[int] = mapped_column(default=0, nullable=False)
    stars_1: Mapped[int] = mapped_column(default=0, nullable=False)
    stars_2: Mapped[int] = mapped_column(default=0, nullable=False)
    stars_3: Mapped[int] = mapped_column(default=0, nullable=False)
    stars_4: Mapped[int] = mapped_column(default=0, nullable=False)
    stars_5: Mapped[int] = mapped_column(default=0, nullable=False)
    # Visit sub-ratings: totals and how many reviews gave each.
    food_total: Mapped[int] = mapped_column(default=0, nullable=False)
    service_total: Mapped[int] = mapped_column(default=0, nullable=False)
    ambience_total: Mapped[int] = mapped_column(default=0, nullable=False)
    parts_count: Mapped[int] = mapped_column(default=0, nullable=False)

    # A product's rating comes joined to the product itself: menu cards and product pages read it
    # without a statement of their own.
    product: Mapped[Product | None] = relationship(
        backref=backref("rating_summary", uselist=False, lazy="joined", viewonly=True))


class ReviewVote(db.Model):
    """A "helpful" vote: one per customer per review (the primary key)."""

    __tablename__ = "review_votes"

    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)


class ReviewReport(db.Model):
    """A reader's report that a review breaks the rules: once per reader per review."""

    __tablename__ = "review_reports"
    __table_args__ = (sa.UniqueConstraint("review_id", "user_id", name="uq_review_reports_review_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"), index=True, nullable=False)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class BlockedWord(db.Model):
    """A word staff added to the block list: a review containing it waits for them (the words
    from `REVIEW_BLOCKLIST` count as well)."""

    __tablename__ = "review_blocked_words"

    word: Mapped[str] = mapped_column(sa.String(60), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
