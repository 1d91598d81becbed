"""schema.org data for ratings: AggregateRating and Review on product pages, and the café as a
Bakery with its own rating on /reviews."""
from __future__ import annotations

from .models import Review
from .service import Summary


def aggregate(summary: Summary) -> dict | None:
    if not summary.count:
        return None
    return {"@type": "AggregateRating", "ratingValue": str(summary.average), "reviewCount": summary.count,
            "bestRating": 5, "worstRating": 1}


def review_items(reviews: list[Review]) -> list[dict]:
    return [{
        "@type": "Review",
        "author": {"@type": "Person", "name": review.author_name},
        "datePublished": review.created_at.date().isoformat(),
        "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
        **({"name": review.title} if review.title else {}),
        "reviewBody": review.body,
    } for review in reviews]


def with_reviews(data: dict, summary: Summary, reviews: list[Review]) -> dict:
    """`data` (a Product or a Bakery) with its rating and the reviews on the page, when it has any."""
    rating = aggregate(summary)
    if rating is None:
        return data
    return {**data, "aggregateRating": rating, "review": review_items(reviews)}


def bakery(store, url: str) -> dict:
    data = {"@context": "https://schema.org", "@type": "Bakery", "name": store.name, "url": url}
    if store.address:
        data["address"] = store.address
    if store.phone:
        data["telephone"] = store.phone
    return data
