"""The running totals equal a direct count over the published, not-deleted reviews, whatever
sequence of writes, edits, deletions, holds, publications and hides came before (Hypothesis,
on the suite's database)."""
from __future__ import annotations

from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.extensions import db
from storefront.reviews import service
from storefront.reviews.models import Review, Status
from tests.conftest import clean_database
from tests.support.builders import make_category, make_product, make_user

STARS = st.integers(min_value=1, max_value=5)
TEXTS = st.sampled_from(["Lovely bread, would buy again.", "Not for me, too sour.",
                         "Cheaper at www.example.com", "Perfectly fine loaf."])
ACTIONS = st.lists(st.tuples(
    st.sampled_from(["write", "edit", "delete", "publish", "hide"]),
    st.integers(min_value=0, max_value=3),  # which customer
    st.integers(min_value=0, max_value=1),  # which product (or 1 → the café visit)
    STARS, st.tuples(STARS, STARS, STARS), TEXTS,
), min_size=1, max_size=25)


def direct(subject_filter) -> tuple[int, Decimal | None, dict[int, int], tuple]:
    rows = db.session.scalars(sa.select(Review).where(subject_filter, Review.status == Status.PUBLISHED,
                                                      Review.deleted_at.is_(None))).all()
    ratings = [r.rating for r in rows]
    average = (Decimal(sum(ratings)) / len(ratings)).quantize(Decimal("0.1"), ROUND_HALF_UP) if ratings else None
    parts = [r for r in rows if r.food is not None]

    def part(name):
        values = [getattr(r, name) for r in parts]
        return (Decimal(sum(values)) / len(values)).quantize(Decimal("0.1"), ROUND_HALF_UP) if values else None

    return len(ratings), average, dict(Counter(ratings)), (part("food"), part("service"), part("ambience"))


def shown(summary: service.Summary) -> tuple[int, Decimal | None, dict[int, int], tuple]:
    return (summary.count, summary.average, {bar.stars: bar.count for bar in summary.bars if bar.count},
            (summary.food, summary.service, summary.ambience))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_totals_equal_a_direct_count_after_any_sequence(app_ctx, actions):
    clean_database()
    product = make_product("Loaf", category=make_category())
    users = [make_user(f"p{i}@example.com") for i in range(4)]
    for action, who, subject, stars, parts, text in actions:
        user = users[who]
        on_product = subject == 0
        mine = db.session.scalars(sa.select(Review).where(
            Review.user_id == user.id, Review.deleted_at.is_(None),
            Review.product_id == product.id if on_product else Review.product_id.is_(None))).first()
        food, serv, ambience = (None, None, None) if on_product else parts
        draft = service.Draft(rating=stars, body=text, food=food, service=serv, ambience=ambience)
        try:
            if action == "write":
                if on_product:
                    service.write_product_review(db.session, user, product, draft)
                else:
                    service.write_visit_review(db.session, user, draft)
            elif mine is None:
                continue
            elif action == "edit":
                service.edit_review(db.session, user, mine.id, draft)
            elif action == "delete":
                service.delete_review(db.session, user, mine.id)
            else:
                service.set_status(db.session, mine.id, Status.PUBLISHED if action == "publish" else Status.HIDDEN)
        except service.RuleViolation:
            pass  # a second review of the same thing is refused: nothing changes
    assert shown(service.summary(db.session, service.product_subject(product.id))) == \
        direct(Review.product_id == product.id)
    assert shown(service.summary(db.session, service.VISIT_SUBJECT)) == direct(Review.product_id.is_(None))
