"""The rules of reviews: who may write, edit, delete, vote and report, what waits for staff,
and the running totals that every rating on the site is read from.

Every change to a review goes through `_changing`, which moves the review's share of its
subject's totals out and back in with one conditional UPDATE each, inside the same
transaction: the totals always equal a count over the published, not-deleted reviews."""
from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..core import audit, outbox
from ..core.db import insert_ignore
from ..core.rules import FORM, RuleViolation
from ..core.time import utcnow
from ..menu.models import Product
from ..menu.service import visible_products
from ..orders.models import Order, OrderLine
from ..orders.models import Status as OrderStatus
from ..reservations.models import Reservation, ReservationStatus
from . import emails, invites
from .models import STARS, BlockedWord, Kind, Review, ReviewReport, ReviewSummary, ReviewVote, Status
from .moderation import hold_reason, parse_blocklist

VISIT_SUBJECT = "visit"
PAGE_SIZE = 10
SORTS = {"newest": "Newest", "highest": "Highest rated", "lowest": "Lowest rated", "helpful": "Most helpful"}
REPORT_REASONS = {
    "offensive": "Offensive or abusive",
    "spam": "Spam or advertising",
    "off-topic": "Not about this product or visit",
    "personal": "Shares personal details",
    "other": "Something else",
}


def product_subject(product_id: int) -> str:
    return f"product:{product_id}"


@dataclass(frozen=True)
class Draft:
    """What a reviewer typed, already checked for form (stars 1–5, text length) by the form."""

    rating: int
    body: str
    title: str = ""
    food: int | None = None
    service: int | None = None
    ambience: int | None = None


# --------------------------------------------------------------------------------------------
# Running totals
# --------------------------------------------------------------------------------------------

def _share(review: Review) -> tuple[int, int | None, int | None, int | None] | None:
    """What a review adds to its subject's totals: nothing unless it is published and not deleted."""
    return (review.rating, review.food, review.service, review.ambience) if review.counts else None


def _subject_of(review: Review) -> tuple[str, int | None]:
    if review.kind == Kind.PRODUCT:
        return product_subject(review.product_id), review.product_id
    return VISIT_SUBJECT, None


def _apply(session: Session, review: Review, share, sign: int) -> None:
    if share is None:
        return
    rating, food, service, ambience = share
    subject, product_id = _subject_of(review)
    session.execute(insert_ignore(session, ReviewSummary, {"subject": subject, "product_id": product_id},
                                  ["subject"]))
    parts = food is not None and service is not None and ambience is not None
    if not parts:
        food = service = ambience = 0
    column = ReviewSummary.__table__.c
    session.execute(
        sa.update(ReviewSummary.__table__).where(column.subject == subject).values({
            column.review_count: column.review_count + sign,
            column.rating_total: column.rating_total + sign * rating,
            column[f"stars_{rating}"]: column[f"stars_{rating}"] + sign,
            column.food_total: column.food_total + sign * food,
            column.service_total: column.service_total + sign * service,
            column.ambience_total: column.ambience_total + sign * ambience,
            column.parts_count: column.parts_count + (sign if parts else 0),
        }))


@contextmanager
def _changing(session: Session, review: Review) -> Iterator[None]:
    """Change a review inside the block; its share of the totals follows the change."""
    before = _share(review) if review.id is not None else None
    yield
    session.flush()
    after = _share(review)
    if before != after:
        _apply(session, review, before, -1)
        _apply(session, review, after, +1)
        session.expire_all()


def add_review(session: Session, review: Review) -> Review:
    """Add a prepared review with its share of the totals, in the caller's transaction (the demo
    data; customers' reviews come through the write functions below)."""
    with _changing(session, review):
        session.add(review)
    return review


# --------------------------------------------------------------------------------------------
# Who may write what
# --------------------------------------------------------------------------------------------

def reviewable_product(session: Session, slug: str) -> Product | None:
    """A product a customer can see (and so review): not deleted, on sale."""
    return session.scalars(visible_products().where(Product.slug == slug)).first()


def bought(session: Session, user_id: int, product_id: int) -> bool:
    """The verified-purchase rule: a completed order of this customer's contains the product."""
    return session.scalar(sa.select(sa.exists().where(
        OrderLine.order_id == Order.id, OrderLine.product_id == product_id, Order.user_id == user_id,
        Order.status == OrderStatus.COMPLETED, Order.deleted_at.is_(None)))) or False


@dataclass(frozen=True)
class Visit:
    """A completed booking or order a customer may tie a visit review to."""

    kind: str  # "reservation" or "order"
    id: int
    when: datetime
    label: str

    @property
    def value(self) -> str:
        return f"{self.kind}-{self.id}"

    @property
    def subject_key(self) -> str:
        return f"{self.kind}:{self.id}"


def _visit_of(row) -> Visit:
    if isinstance(row, Reservation):
        guests = "1 guest" if row.party_size == 1 else f"{row.party_size} guests"
        return Visit("reservation", row.id, row.starts_at, f"Table for {guests}, booking {row.reference}")
    return Visit("order", row.id, row.scheduled_for, f"Order {row.number}")


def eligible_visits(session: Session, user_id: int, invited: tuple[str, int] | None = None) -> list[Visit]:
    """The verified-visit rule: the customer's own completed bookings and orders (and the one an
    emailed invitation names, when the booking was made without signing in) that no review is
    tied to yet, newest first."""
    reservation_owner = Reservation.user_id == user_id
    order_owner = Order.user_id == user_id
    if invited and invited[0] == "reservation":
        reservation_owner = sa.or_(reservation_owner, sa.and_(Reservation.id == invited[1],
                                                              Reservation.user_id.is_(None)))
    if invited and invited[0] == "order":
        order_owner = sa.or_(order_owner, sa.and_(Order.id == invited[1], Order.user_id.is_(None)))
    live = Review.deleted_at.is_(None)
    reservations = session.scalars(sa.select(Reservation).where(
        reservation_owner, Reservation.status == ReservationStatus.COMPLETED,
        ~sa.exists().where(Review.reservation_id == Reservation.id, live))
        .order_by(Reservation.starts_at.desc()).limit(20))
    orders = session.scalars(sa.select(Order).where(
        order_owner, Order.status == OrderStatus.COMPLETED, Order.deleted_at.is_(None),
        ~sa.exists().where(Review.order_id == Order.id, live))
        .order_by(Order.scheduled_for.desc()).limit(20))
    visits = [_visit_of(row) for row in [*reservations, *orders]]
    return sorted(visits, key=lambda v: v.when, reverse=True)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

def _fill(review: Review, draft: Draft, blocklist) -> None:
    review.rating = draft.rating
    review.title = draft.title
    review.body = draft.body
    if review.kind == Kind.VISIT:
        review.food, review.service, review.ambience = draft.food, draft.service, draft.ambience
    if review.status != Status.HIDDEN:  # a review staff took down stays down when edited
        reason = hold_reason([draft.title, draft.body], blocklist)
        review.status = Status.PENDING if reason else Status.PUBLISHED
        review.held_reason = reason or ""


def _save_new(session: Session, user: User, review: Review, draft: Draft, taken: str, blocklist) -> Review:
    """Save a new review under its subject key. A review the customer deleted under the same key
    is written over (so "one per product" survives a delete); a live one refuses, and the
    unique key turns a double submit that slips past the check into the same refusal."""
    existing = session.scalars(sa.select(Review).where(Review.subject_key == review.subject_key)).first()
    if existing is not None and (existing.deleted_at is None or existing.user_id != user.id):
        raise RuleViolation.on(FORM, taken)
    if existing is not None:
        with _changing(session, existing):
            existing.deleted_at = None
            existing.created_at = utcnow()
            existing.verified = review.verified
            existing.helpful_count = 0
            existing.reply_body = existing.reply_at = existing.reply_by_id = None
            _fill(existing, draft, blocklist)
        session.execute(sa.delete(ReviewVote).where(ReviewVote.review_id == existing.id))
        session.commit()
        return existing
    _fill(review, draft, blocklist)
    try:
        with session.begin_nested():
            with _changing(session, review):
                session.add(review)
    except IntegrityError:
        session.rollback()
        raise RuleViolation.on(FORM, taken) from None
    session.commit()
    return review


def write_product_review(session: Session, user: User, product: Product, draft: Draft, *,
                         blocklist=()) -> Review:
    """One review per customer per product; verified when a completed order of theirs has it."""
    review = Review(kind=Kind.PRODUCT, subject_key=f"product:{product.id}:{user.id}", user_id=user.id,
                    product_id=product.id, verified=bought(session, user.id, product.id),
                    helpful_count=0, held_reason="", status=Status.PUBLISHED)
    return _save_new(session, user, review, draft,
                     "You have already reviewed this product: edit your review instead.", blocklist)


def write_visit_review(session: Session, user: User, draft: Draft, visit_value: str = "", *,
                       invited: tuple[str, int] | None = None, blocklist=()) -> Review:
    """A visit review, tied to one of the customer's completed visits (verified) or not. Each
    visit takes one review; a customer may also write one review not tied to a visit."""
    visit = None
    if visit_value:
        visit = next((v for v in eligible_visits(session, user.id, invited) if v.value == visit_value), None)
        if visit is None:
            raise RuleViolation.on("visit", "Choose one of your completed visits, or “Another visit”")
    review = Review(kind=Kind.VISIT, subject_key=visit.subject_key if visit else f"visit:{user.id}",
                    user_id=user.id, verified=visit is not None,
                    reservation_id=visit.id if visit and visit.kind == "reservation" else None,
                    order_id=visit.id if visit and visit.kind == "order" else None,
                    helpful_count=0, held_reason="", status=Status.PUBLISHED)
    taken = ("That visit already has a review." if visit else
             "You have already reviewed a visit without a booking or order: edit that review instead.")
    return _save_new(session, user, review, draft, taken, blocklist)


def own_review(session: Session, user_id: int, review_id: int) -> Review:
    """The customer's own, not-deleted review; anyone else's is refused as if it did not exist."""
    review = session.get(Review, review_id)
    if review is None or review.deleted_at is not None or review.user_id != user_id:
        raise LookupError(review_id)
    return review


def edit_review(session: Session, user: User, review_id: int, draft: Draft, *, blocklist=()) -> Review:
    review = own_review(session, user.id, review_id)
    with _changing(session, review):
        if review.kind == Kind.PRODUCT:
            review.verified = review.verified or bought(session, user.id, review.product_id)
        _fill(review, draft, blocklist)
    session.commit()
    return review


def delete_review(session: Session, user: User, review_id: int) -> Review:
    """Soft delete: the row stays (with its votes and reports) but nobody sees it."""
    review = own_review(session, user.id, review_id)
    with _changing(session, review):
        review.deleted_at = utcnow()
    session.commit()
    return review


# --------------------------------------------------------------------------------------------
# Readers: helpful votes and reports
# --------------------------------------------------------------------------------------------

def _public_review(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None or not review.counts:
        raise LookupError(review_id)
    return review


def toggle_helpful(session: Session, user: User, review_id: int, *, helpful: bool) -> Review:
    """Mark (or unmark) a review helpful: one vote per customer, never on one's own review.
    Marking twice leaves one vote; the count moves with one conditional UPDATE."""
    review = _public_review(session, review_id)
    if review.user_id == user.id:
        raise RuleViolation.on(FORM, "You can’t mark your own review as helpful.")
    table = ReviewVote.__table__
    # RETURNING says whether a row really went in or out (an INSERT's rowcount is not reliable
    # on every driver).
    if helpful:
        changed = len(session.execute(insert_ignore(session, ReviewVote, {
            "review_id": review.id, "user_id": user.id, "created_at": utcnow()}, ["review_id", "user_id"])
            .returning(table.c.review_id)).all())
    else:
        changed = -len(session.execute(sa.delete(table).where(
            table.c.review_id == review.id, table.c.user_id == user.id).returning(table.c.review_id)).all())
    if changed:
        session.execute(sa.update(Review.__table__).where(Review.__table__.c.id == review.id)
                        .values(helpful_count=Review.__table__.c.helpful_count + changed))
    session.commit()
    session.refresh(review)
    return review


def voted(session: Session, user_id: int | None, review_ids: list[int]) -> set[int]:
    if not user_id or not review_ids:
        return set()
    return set(session.scalars(sa.select(ReviewVote.review_id).where(
        ReviewVote.user_id == user_id, ReviewVote.review_id.in_(review_ids))))


def report(session: Session, user: User, review_id: int, reason: str, note: str = "") -> ReviewReport:
    """A reader reports a review to staff, once per review, with a reason."""
    review = _public_review(session, review_id)
    if reason not in REPORT_REASONS:
        raise RuleViolation.on("reason", "Choose a reason")
    if review.user_id == user.id:
        raise RuleViolation.on(FORM, "You can’t report your own review; edit or delete it instead.")
    row = ReviewReport(review_id=review.id, user_id=user.id, reason=reason, note=note)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        session.rollback()
        raise RuleViolation.on(FORM, "You have already reported this review; staff will look at it.") from None
    session.commit()
    return row


# --------------------------------------------------------------------------------------------
# Staff
# --------------------------------------------------------------------------------------------

BLOCKED_WORD_MAX = 60


def blocked_words(session: Session) -> tuple[str, ...]:
    """The words staff keep on the block list, sorted."""
    return tuple(session.scalars(sa.select(BlockedWord.word).order_by(BlockedWord.word)))


def blocklist(session: Session, configured: str = "") -> tuple[str, ...]:
    """Every word that holds a review: the staff's list and the configured `REVIEW_BLOCKLIST`."""
    return parse_blocklist([*parse_blocklist(configured), *blocked_words(session)])


def set_blocked_words(session: Session, raw: str, *, actor_id: int | None = None) -> tuple[str, ...]:
    """Replace the staff's block list with these comma- or newline-separated words. A word is
    refused beside the field when it is too long; reviews already written are not re-checked."""
    words = parse_blocklist(raw)
    too_long = [w for w in words if len(w) > BLOCKED_WORD_MAX]
    if too_long:
        raise RuleViolation.on("words", f"Keep each word to {BLOCKED_WORD_MAX} characters or fewer "
                                        f"(“{too_long[0][:20]}…” is longer).")
    before = blocked_words(session)
    if words != before:
        session.execute(sa.delete(BlockedWord))
        session.add_all(BlockedWord(word=w) for w in words)
        audit.record(session, actor_id=actor_id, action="review.blocklist", target_type="blocklist",
                     target_id="reviews", before=list(before), after=list(words))
    session.commit()
    return words


def pending(session: Session) -> list[Review]:
    return list(session.scalars(sa.select(Review).where(Review.status == Status.PENDING, Review.deleted_at.is_(None))
                                .order_by(Review.created_at)))


def open_reports(session: Session) -> list[tuple[ReviewReport, Review]]:
    return list(session.execute(sa.select(ReviewReport, Review).join(Review, Review.id == ReviewReport.review_id)
                                .where(ReviewReport.resolved_at.is_(None)).order_by(ReviewReport.created_at)).all())


def _staff_review(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None or review.deleted_at is not None:
        raise RuleViolation.on(FORM, f"There is no review {review_id}.")
    return review


def set_status(session: Session, review_id: int, status: Status, *, actor_id: int | None = None) -> Review:
    """Publish or hide a review (staff). Either is a decision on its open reports, which are
    resolved: a review kept published after a look leaves the queue."""
    review = _staff_review(session, review_id)
    previous = review.status
    with _changing(session, review):
        review.status = status
        review.held_reason = ""
    if status in (Status.HIDDEN, Status.PUBLISHED):
        session.execute(sa.update(ReviewReport).where(ReviewReport.review_id == review_id,
                                                      ReviewReport.resolved_at.is_(None)).values(resolved_at=utcnow()))
    audit.record(session, actor_id=actor_id, action=f"review.{status.value}", target_type="review",
                 target_id=review_id, previous=previous.value)
    session.commit()
    return review


def reply(session: Session, review_id: int, text: str, *, actor_id: int | None = None) -> Review:
    """The shop's public reply under a review (an empty text removes it)."""
    review = _staff_review(session, review_id)
    text = text.strip()
    if len(text) > 2000:
        raise RuleViolation.on("reply", "Keep the reply to 2000 characters or fewer.")
    before = review.reply_body or ""
    review.reply_body = text or None
    review.reply_at = utcnow() if text else None
    review.reply_by_id = actor_id if text else None
    audit.record(session, actor_id=actor_id, action="review.reply", target_type="review", target_id=review_id,
                 before=before, after=text)
    session.commit()
    return review


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def _average(total: int, count: int) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Bar:
    stars: int
    count: int
    percent: int


@dataclass(frozen=True)
class Summary:
    count: int = 0
    average: Decimal | None = None
    bars: tuple[Bar, ...] = ()
    food: Decimal | None = None
    service: Decimal | None = None
    ambience: Decimal | None = None

    @property
    def rounded(self) -> int:
        """The average to the nearest whole star, for the star picture."""
        return int(self.average.quantize(Decimal("1"), rounding=ROUND_HALF_UP)) if self.average else 0


def summary_of(row: ReviewSummary | None) -> Summary:
    if row is None or not row.review_count:
        return Summary(bars=tuple(Bar(s, 0, 0) for s in STARS))
    counts = {s: getattr(row, f"stars_{s}") for s in STARS}
    return Summary(
        count=row.review_count, average=_average(row.rating_total, row.review_count),
        bars=tuple(Bar(s, counts[s], round(100 * counts[s] / row.review_count)) for s in STARS),
        food=_average(row.food_total, row.parts_count), service=_average(row.service_total, row.parts_count),
        ambience=_average(row.ambience_total, row.parts_count))


def summary(session: Session, subject: str) -> Summary:
    return summary_of(session.get(ReviewSummary, subject))


@dataclass(frozen=True)
class ListFilters:
    sort: str = "newest"
    stars: int | None = None
    verified: bool = False
    page: int = 1


@dataclass
class ReviewPage:
    filters: ListFilters
    reviews: list[Review]
    total: int
    page: int
    pages: int
    notices: list[str] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


_ORDER = {
    "newest": [Review.created_at.desc(), Review.id.desc()],
    "highest": [Review.rating.desc(), Review.created_at.desc(), Review.id.desc()],
    "lowest": [Review.rating, Review.created_at.desc(), Review.id.desc()],
    "helpful": [Review.helpful_count.desc(), Review.created_at.desc(), Review.id.desc()],
}


def listing(session: Session, filters: ListFilters, *, product_id: int | None = None,
            published: int | None = None) -> ReviewPage:
    """One page of published reviews of a product (or of visits): one statement, the total
    riding along as a window count. `published` (from the summary) saves even that when there
    are no reviews to list."""
    if published == 0:
        return ReviewPage(filters=filters, reviews=[], total=0, page=1, pages=1,
                          notices=[f"There is no page {filters.page} of reviews."] if filters.page > 1 else [])
    query = sa.select(Review, sa.func.count().over().label("total")).where(
        Review.status == Status.PUBLISHED, Review.deleted_at.is_(None))
    if product_id is None:
        query = query.where(Review.kind == Kind.VISIT, Review.product_id.is_(None))
    else:
        query = query.where(Review.kind == Kind.PRODUCT, Review.product_id == product_id)
    if filters.stars:
        query = query.where(Review.rating == filters.stars)
    if filters.verified:
        query = query.where(Review.verified.is_(True))
    query = query.order_by(*_ORDER.get(filters.sort, _ORDER["newest"])).limit(PAGE_SIZE)
    rows = session.execute(query.offset((max(filters.page, 1) - 1) * PAGE_SIZE)).unique().all()
    notices = []
    if not rows and filters.page > 1:
        # Past the end (an old link): show the last page instead, and say so.
        total = session.scalar(sa.select(sa.func.count()).select_from(query.limit(None).subquery()))
        last = max(1, math.ceil(total / PAGE_SIZE))
        notices.append(f"There is no page {filters.page} of reviews; this is the last page.")
        rows = session.execute(query.offset((last - 1) * PAGE_SIZE)).unique().all() if total else []
        page = last
    else:
        page = max(filters.page, 1)
    total = rows[0].total if rows else 0
    return ReviewPage(filters=filters, reviews=[row.Review for row in rows], total=total, page=page,
                      pages=max(1, math.ceil(total / PAGE_SIZE)), notices=notices)


def mine(session: Session, user_id: int | None, *, product_id: int | None = None) -> list[Review]:
    """The customer's own not-deleted reviews of this product (or of visits), whatever their status."""
    if not user_id:
        return []
    query = sa.select(Review).where(Review.user_id == user_id, Review.deleted_at.is_(None))
    if product_id is None:
        query = query.where(Review.kind == Kind.VISIT)
    else:
        query = query.where(Review.kind == Kind.PRODUCT, Review.product_id == product_id)
    return list(session.scalars(query.order_by(Review.created_at.desc())).unique())


# --------------------------------------------------------------------------------------------
# Invitations after a visit
# --------------------------------------------------------------------------------------------

def invite_after_visit(session: Session, reservation: Reservation) -> None:
    """Queue the "how was your visit?" email for a completed booking, in the caller's
    transaction. Its link opens the visit review form with this booking chosen."""
    outbox.enqueue_email(session, to=reservation.email,
                         email=emails.visit_invite(reservation, invites.visit_link("reservation", reservation.id)))


def invite_after_order(session: Session, order: Order) -> None:
    """Queue the review invitation for a completed order, in the caller's transaction (the
    caller commits): a link to review the order as a visit and one per product bought. Reviews
    the customer already wrote of those products get their verified-purchase badge."""
    products = [line for line in order.lines if line.product_id is not None]
    if order.user_id is not None and products:
        session.execute(sa.update(Review).where(
            Review.user_id == order.user_id, Review.kind == Kind.PRODUCT,
            Review.product_id.in_([line.product_id for line in products])).values(verified=True))
    slugs = dict(session.execute(sa.select(Product.id, Product.slug).where(
        Product.id.in_([line.product_id for line in products]), Product.deleted_at.is_(None))).all())
    product_links = [(line.name, invites.product_link(slugs[line.product_id]))
                     for line in products if line.product_id in slugs]
    outbox.enqueue_email(session, to=order.customer_email,
                         email=emails.order_invite(order, invites.visit_link("order", order.id), product_links))
