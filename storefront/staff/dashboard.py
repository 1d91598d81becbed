"""The back office's first page: today's figures, each computed by one aggregate query (never by
loading the rows it counts), each leading to the screen where the work is done."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.shop import Context
from ..menu.models import Product
from ..menu.service import LOW_STOCK
from ..orders.models import Order, Status
from ..reservations.models import Reservation, ReservationStatus
from ..reviews.models import Review, ReviewReport
from ..reviews.models import Status as ReviewStatus
from . import cakes
from .service import ACTIVE, start_of_day

NOT_TAKEN = (Status.CANCELLED, Status.REFUNDED)  # orders that bring in nothing
COVERED = (ReservationStatus.CONFIRMED, ReservationStatus.SEATED, ReservationStatus.COMPLETED)
LOW_STOCK_SHOWN = 10


@dataclass(frozen=True)
class Figures:
    orders_today: int
    takings_today: Decimal
    due_next_hour: int
    covers_by_hour: list[tuple[int, int]]  # (local hour, guests booked to start then)
    covers_total: int
    low_stock: list[tuple[str, str, int]]  # (name, slug, left)
    low_stock_count: int
    cakes_today: int = 0
    cakes_week: int = 0  # today and the six days after
    reviews_held: int = 0
    reviews_reported: int = 0  # reviews with a reader's report still open


def figures(session: Session, ctx: Context) -> Figures:
    """Seven queries. "Today" is the shop's calendar day; takings count every order due today that
    was not cancelled or refunded (what the till should see by closing)."""
    day_start = start_of_day(ctx)
    day_end = day_start + timedelta(days=1)
    today_orders = (Order.deleted_at.is_(None), Order.scheduled_for >= day_start, Order.scheduled_for < day_end,
                    Order.status.not_in(NOT_TAKEN))
    count, takings = session.execute(
        sa.select(sa.func.count(Order.id), sa.func.coalesce(sa.func.sum(Order.total), 0)).where(*today_orders)).one()
    due_next_hour = session.scalar(sa.select(sa.func.count(Order.id)).where(
        Order.deleted_at.is_(None), Order.status.in_(ACTIVE), Order.scheduled_for >= ctx.now,
        Order.scheduled_for < ctx.now + timedelta(hours=1)))
    covers = _covers_by_hour(session, ctx.now.astimezone(ctx.tz).date(), ctx)
    low_filter = (Product.deleted_at.is_(None), Product.is_available.is_(True), Product.track_stock.is_(True),
                  Product.stock_quantity <= LOW_STOCK)
    low = session.execute(sa.select(Product.name, Product.slug, Product.stock_quantity, sa.func.count().over())
                          .where(*low_filter).order_by(Product.stock_quantity, Product.name)
                          .limit(LOW_STOCK_SHOWN)).all()
    return Figures(orders_today=count, takings_today=Decimal(takings).quantize(Decimal("0.01")),
                   due_next_hour=due_next_hour, covers_by_hour=covers, covers_total=sum(n for _, n in covers),
                   low_stock=[(name, slug, left) for name, slug, left, _ in low],
                   low_stock_count=low[0][3] if low else 0, **_cakes(session, ctx), **_reviews(session))


def _cakes(session: Session, ctx: Context) -> dict[str, int]:
    today = ctx.now.astimezone(ctx.tz).date()
    on_the_day, in_the_week = session.execute(cakes.counts(today, today + timedelta(days=7))).one()
    return {"cakes_today": int(on_the_day), "cakes_week": int(in_the_week)}


def _reviews(session: Session) -> dict[str, int]:
    held = sa.select(sa.func.count(Review.id)).where(Review.status == ReviewStatus.PENDING,
                                                     Review.deleted_at.is_(None)).scalar_subquery()
    reported = sa.select(sa.func.count(sa.distinct(ReviewReport.review_id))).join(
        Review, Review.id == ReviewReport.review_id).where(ReviewReport.resolved_at.is_(None),
                                                           Review.deleted_at.is_(None)).scalar_subquery()
    held_count, reported_count = session.execute(sa.select(held, reported)).one()
    return {"reviews_held": held_count, "reviews_reported": reported_count}


def _covers_by_hour(session: Session, day, ctx: Context) -> list[tuple[int, int]]:
    """Guests per start time, summed in the database; grouped into local hours here (one row per
    distinct start time, not per booking — the zone's hour is not portable SQL)."""
    rows = session.execute(sa.select(Reservation.starts_at, sa.func.sum(Reservation.party_size))
                           .where(Reservation.local_date == day, Reservation.status.in_(COVERED))
                           .group_by(Reservation.starts_at)).all()
    hours: Counter[int] = Counter()
    for starts_at, guests in rows:
        hours[_local(starts_at, ctx).hour] += int(guests)
    return sorted(hours.items())


def _local(moment: datetime, ctx: Context) -> datetime:
    return moment.astimezone(ctx.tz)
