"""Review moderation in the back office: the queue (reviews held for a link or a blocked word,
and reviews readers reported), the latest reviews to reply to, and the decisions — through the
reviews feature's own staff functions (`reviews.service.set_status`, `reply`,
`set_blocked_words`), which the `flask reviews …` commands use too. Each is audited there."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ..core.rules import FORM, RuleViolation
from ..reviews import service as reviews
from ..reviews.models import Review, ReviewReport, Status

RECENT = 20


@dataclass(frozen=True)
class Queue:
    held: list[Review]
    reported: list[Review]
    reports: dict[int, list[ReviewReport]]  # review id → its open reports, oldest first
    recent: list[Review]  # the newest published or hidden reviews not in the queue, for replies


def _reviews():
    return sa.select(Review).where(Review.deleted_at.is_(None)).options(selectinload(Review.product))


def queue(session: Session) -> Queue:
    """Four queries for the reviews (each with its product in one more), whatever the numbers."""
    held = list(session.scalars(_reviews().where(Review.status == Status.PENDING).order_by(Review.created_at)))
    open_reports = list(session.scalars(sa.select(ReviewReport).where(ReviewReport.resolved_at.is_(None))
                                        .order_by(ReviewReport.created_at)))
    reports: dict[int, list[ReviewReport]] = defaultdict(list)
    for row in open_reports:
        reports[row.review_id].append(row)
    reported = list(session.scalars(_reviews().where(Review.id.in_(list(reports)), Review.status != Status.PENDING)
                                    .order_by(Review.created_at))) if reports else []
    recent = list(session.scalars(_reviews().where(Review.status != Status.PENDING, Review.id.not_in(list(reports)))
                                  .order_by(Review.created_at.desc(), Review.id.desc()).limit(RECENT)))
    return Queue(held=held, reported=reported, reports=dict(reports), recent=recent)


def decide(session: Session, review_id: int, to: str | None, seen: str | None, actor_id: int) -> Review:
    """Publish or hide, from a page that showed the review as `seen`: when it changed meanwhile
    (another member of staff decided first) nothing is done and the page says so."""
    try:
        status = Status(to)
    except ValueError:
        raise RuleViolation.on(FORM, "Choose publish or hide.") from None
    row = session.execute(sa.select(Review.status, Review.deleted_at).where(Review.id == review_id)
                          .with_for_update()).first()  # a second decision waits for the first
    if row is None or row.deleted_at is not None:
        session.rollback()
        raise RuleViolation.on(FORM, "That review no longer exists (its author may have deleted it).")
    if row.status.value != seen:
        current = row.status
        session.rollback()
        raise RuleViolation.on(FORM, f"Review {review_id} has changed since this page was loaded: it is now "
                                     f"{current.value}. Nothing was changed.")
    return reviews.set_status(session, review_id, status, actor_id=actor_id)


def reply(session: Session, review_id: int, text: str, actor_id: int) -> Review:
    try:
        return reviews.reply(session, review_id, text, actor_id=actor_id)
    except RuleViolation:
        session.rollback()
        raise
