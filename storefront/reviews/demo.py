"""Demo reviews for `flask seed-demo`: a few published product and visit reviews by demo
reviewers, one with the shop's reply. Safe to run again: each review has a fixed subject key."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import Role, User
from ..core.security import hash_password, new_token
from ..core.time import utcnow
from ..menu.models import Product
from . import service
from .models import Kind, Review, Status

# email, name: accounts that cannot sign in (their password is random and never shown)
REVIEWERS = (
    ("priya.reviewer@example.com", "Priya Shah"),
    ("tom.reviewer@example.com", "Tom Hughes"),
    ("lena.reviewer@example.com", "Lena Okafor"),
)

# reviewer, product slug (None: a visit), stars, (food, service, ambience), title, text, days ago, reply
REVIEWS = (
    (0, "country-sourdough-loaf", 5, None, "The best sourdough in town",
     "A proper crackly crust and an open, tangy crumb. Still good for toast on day three.", 12, None),
    (1, "country-sourdough-loaf", 4, None, "Great loaf, sells out early",
     "Lovely bread. Get there before ten on a Saturday or it is gone.", 6,
     "Thank you, Tom! You can now order ahead for collection, so it is kept for you."),
    (2, "rosemary-focaccia", 5, None, "Pillowy",
     "Soft, salty and generous with the rosemary. Perfect with soup.", 3, None),
    (1, "seeded-rye-loaf", 3, None, "",
     "Good flavour but a little dense for my taste. Great with smoked fish though.", 9, None),
    (0, None, 5, (5, 4, 5), "Our new Sunday spot",
     "Warm welcome, excellent coffee and the cinnamon buns are a must.", 8, None),
    (1, None, 4, (5, 3, 4), "Lovely food, busy service",
     "Everything we ate was delicious. It was busy and we waited a while for a table.", 4,
     "Sorry about the wait, Tom. We have added weekend staff and you can now book a table online."),
    (2, None, 5, (5, 5, 4), "Birthday brunch",
     "They brought out a candle in my pastry without being asked. Such kind people.", 2, None),
)


def seed_reviews(session: Session, report) -> None:
    users = []
    for email, name in REVIEWERS:
        user = session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name, role=Role.CUSTOMER, password_hash=hash_password(new_token()))
            session.add(user)
            session.flush()
            report.count("demo reviewers")
        users.append(user)
    slugs = {slug for _, slug, *_ in REVIEWS if slug}
    products = {p.slug: p for p in session.scalars(sa.select(Product).where(Product.slug.in_(slugs)))}
    now = utcnow()
    for who, slug, stars, parts, title, text, days_ago, reply in REVIEWS:
        user = users[who]
        if slug and slug not in products:
            continue
        key = f"product:{products[slug].id}:{user.id}" if slug else f"visit:{user.id}"
        if session.scalar(sa.select(Review.id).where(Review.subject_key == key)) is not None:
            continue
        food, serv, ambience = parts or (None, None, None)
        when = now - timedelta(days=days_ago)
        service.add_review(session, Review(
            kind=Kind.PRODUCT if slug else Kind.VISIT, subject_key=key, user_id=user.id,
            product_id=products[slug].id if slug else None, rating=stars, food=food, service=serv,
            ambience=ambience, title=title, body=text, verified=False, status=Status.PUBLISHED,
            held_reason="", helpful_count=0, created_at=when, updated_at=when,
            reply_body=reply, reply_at=when + timedelta(days=1) if reply else None))
        report.count("reviews")
