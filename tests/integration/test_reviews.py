"""Reviews over HTTP: writing product and visit reviews (plain and htmx), the verified badges,
who may edit, delete, vote and report, bad input, reading (sort, filter, pages), the café page,
structured data, and statement counts that do not grow with the number of reviews."""
from __future__ import annotations

import json
import re

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from storefront.extensions import db
from storefront.orders.models import Status as OrderStatus
from storefront.reviews import service
from storefront.reviews.models import Kind, Review, ReviewReport, ReviewSummary, ReviewVote, Status
from tests.support.builders import PASSWORD, make_product, make_store, make_user
from tests.support.html import csrf_from
from tests.support.reviews import make_order, write

HTMX = {"HX-Request": "true"}
GOOD = {"rating": "4", "title": "Crusty", "body": "Crackly crust and a lovely open crumb."}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def review_titles(response) -> list[str]:
    """The titles of the reviews in the list, in order."""
    items = soup(response).select("#review-items article.review h3")
    return [h.get_text(strip=True) for h in items]


def reviews_in_db() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Review))


@pytest.fixture
def shop(app_ctx):
    make_store()
    loaf = make_product("Sourdough loaf", slug="sourdough")
    other = make_user("other@example.com", name="Olive Other")
    return {"loaf": loaf, "loaf_id": loaf.id, "other": other, "other_id": other.id}


def post_review(forms, slug="sourdough", data=None, **kwargs):
    return forms.post(f"/menu/{slug}", data or GOOD, action=f"/reviews/product/{slug}", **kwargs)


# --------------------------------------------------------------------------------------------
# Writing a product review
# --------------------------------------------------------------------------------------------

def test_a_signed_in_customer_reviews_a_product_and_sees_it(client, forms, shop, logged_in):
    response = post_review(forms)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/menu/sourdough#review-")
    page = client.get("/menu/sourdough")
    assert review_titles(page) == ["Crusty"]
    overview = soup(page).select_one("#rating-overview").get_text(" ", strip=True)
    assert "4.0 out of 5 · 1 review" in overview
    assert "Verified purchase" not in page.get_data(as_text=True)  # nothing bought
    assert db.session.scalar(sa.select(ReviewSummary.review_count).where(
        ReviewSummary.product_id == shop["loaf_id"])) == 1


def test_with_htmx_the_review_replaces_the_form_and_the_list_updates(client, forms, shop, logged_in):
    response = post_review(forms, htmx=True)
    assert response.status_code == 200
    html = soup(response)
    assert html.find("html") is None
    assert "Your review is published" in html.select_one("#write-review").get_text()
    assert html.select_one("#review-form") is None
    assert html.select_one("#rating-overview")["data-hx-swap-oob"] == "true"
    assert [h.get_text(strip=True) for h in html.select("#review-items h3")] == ["Crusty"]


def test_verified_purchase_needs_a_completed_order_with_the_product(client, forms, shop, logged_in, app_ctx):
    user = db.session.get(type(shop["other"]), logged_in)
    make_order(user, [shop["loaf"]], status=OrderStatus.READY)  # not completed yet
    other_product = make_product("Rye")
    make_order(user, [other_product])  # completed, but not this product
    post_review(forms)
    assert not db.session.scalar(sa.select(Review.verified))
    assert "Verified purchase" not in client.get("/menu/sourdough").get_data(as_text=True)


def test_a_completed_order_earns_the_verified_purchase_badge(client, forms, shop, logged_in, app_ctx):
    user = db.session.get(type(shop["other"]), logged_in)
    make_order(user, [shop["loaf"]])
    post_review(forms)
    badges = soup(client.get("/menu/sourdough")).select("#review-items .badge--verified")
    assert [b.get_text() for b in badges] == ["Verified purchase"]
    only_verified = client.get("/menu/sourdough?verified=1")
    assert review_titles(only_verified) == ["Crusty"]


def test_edit_and_soft_delete_ones_own_review(client, forms, shop, logged_in, app_ctx):
    post_review(forms)
    review_id = db.session.scalar(sa.select(Review.id))
    edit_page = client.get(f"/reviews/{review_id}/edit")
    assert edit_page.status_code == 200
    assert soup(edit_page).select_one("#edit-body").get_text().strip() == GOOD["body"]
    response = forms.post(f"/reviews/{review_id}/edit", {"edit-rating": "2", "edit-title": "Changed my mind",
                                                          "edit-body": "Too sour for me, sadly."})
    assert response.status_code == 303
    page = client.get("/menu/sourdough")
    assert review_titles(page) == ["Changed my mind"]
    assert "2.0 out of 5" in soup(page).select_one("#rating-overview").get_text()

    response = forms.post("/menu/sourdough", {}, action=f"/reviews/{review_id}/delete")
    assert response.status_code == 303
    page = client.get("/menu/sourdough")
    assert review_titles(page) == []
    assert "No reviews yet" in soup(page).select_one("#rating-overview").get_text()
    db.session.expire_all()
    review = db.session.get(Review, review_id)
    assert review.deleted_at is not None  # soft: the row stays
    # After a delete the customer may write again; it takes the same row.
    assert post_review(forms).status_code == 303
    assert reviews_in_db() == 1
    assert review_titles(client.get("/menu/sourdough")) == ["Crusty"]


# --------------------------------------------------------------------------------------------
# Authorization
# --------------------------------------------------------------------------------------------

def test_editing_or_deleting_someone_elses_review_is_refused(client, forms, shop, logged_in, app_ctx):
    theirs = write(shop["other"], shop["loaf"], 5, title="Mine, not yours")
    assert client.get(f"/reviews/{theirs.id}/edit").status_code == 404
    response = forms.post("/menu/sourdough", {"edit-rating": "1", "edit-body": "Vandalised by someone else"},
                          action=f"/reviews/{theirs.id}/edit")
    assert response.status_code == 404
    assert forms.post("/menu/sourdough", {}, action=f"/reviews/{theirs.id}/delete").status_code == 404
    db.session.expire_all()
    review = db.session.get(Review, theirs.id)
    assert (review.rating, review.title, review.deleted_at) == (5, "Mine, not yours", None)


def test_signed_out_readers_cannot_write_vote_or_report(client, shop, app_ctx):
    theirs = write(shop["other"], shop["loaf"], 5)
    page = client.get("/menu/sourdough")
    assert soup(page).select_one("#write-review a").get_text() == "Sign in to write a review"
    token = csrf_from(page.data)
    for url, data in [("/reviews/product/sourdough", GOOD), (f"/reviews/{theirs.id}/helpful", {"helpful": "1"}),
                      (f"/reviews/{theirs.id}/report", {"reason": "spam"})]:
        response = client.post(url, data={"csrf_token": token, **data})
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    assert reviews_in_db() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewVote)) == 0


def test_helpful_votes_once_per_customer_and_never_on_ones_own(client, forms, shop, logged_in, app_ctx):
    theirs = write(shop["other"], shop["loaf"], 5, title="Theirs")
    for _ in range(2):  # voting twice leaves one vote
        response = forms.post("/menu/sourdough", {"helpful": "1"}, action=f"/reviews/{theirs.id}/helpful", htmx=True)
        assert response.status_code == 200
        assert soup(response).select_one("button")["aria-pressed"] == "true"
        assert "1 person found this helpful" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Review, theirs.id).helpful_count == 1
    response = forms.post("/menu/sourdough", {"helpful": "0"}, action=f"/reviews/{theirs.id}/helpful", htmx=True)
    assert soup(response).select_one("button")["aria-pressed"] == "false"
    db.session.expire_all()
    assert db.session.get(Review, theirs.id).helpful_count == 0

    post_review(forms)
    mine = db.session.scalar(sa.select(Review.id).where(Review.user_id == logged_in))
    response = forms.post("/menu/sourdough", {"helpful": "1"}, action=f"/reviews/{mine}/helpful", htmx=True)
    assert response.status_code == 422
    assert "can’t mark your own review" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewVote)) == 0


def test_helpful_without_javascript_redirects_back_with_a_message(client, forms, shop, logged_in, app_ctx):
    theirs = write(shop["other"], shop["loaf"], 5, title="Theirs")
    response = forms.post("/menu/sourdough", {"helpful": "1"}, action=f"/reviews/{theirs.id}/helpful")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "Thank you: your vote is counted." in page.get_data(as_text=True)
    assert soup(page).select_one(f"#helpful-{theirs.id} button")["aria-pressed"] == "true"


def test_a_reader_reports_a_review_once_with_a_reason(client, forms, shop, logged_in, app_ctx):
    theirs = write(shop["other"], shop["loaf"], 1, title="Rude")
    page = f"/reviews/{theirs.id}/report"
    missing = forms.post(page, {"reason": ""})
    assert missing.status_code == 422
    assert "Choose a reason" in soup(missing).select_one(".error-summary").get_text()
    assert forms.post(page, {"reason": "offensive", "note": "Name-calling"}).status_code == 303
    again = forms.post(page, {"reason": "spam"})
    assert again.status_code == 422
    assert "already reported" in again.get_data(as_text=True)
    reports = db.session.scalars(sa.select(ReviewReport)).all()
    assert [(r.reason, r.note) for r in reports] == [("offensive", "Name-calling")]


# --------------------------------------------------------------------------------------------
# Bad input: a clear message, nothing written, never a 500
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("rating", ["", "0", "6", "-1", "five", "4.5", "99999999999999999999"])
def test_stars_outside_one_to_five_or_missing_are_refused(client, forms, shop, logged_in, rating):
    data = {**GOOD, "rating": rating} if rating else {k: v for k, v in GOOD.items() if k != "rating"}
    response = post_review(forms, data=data, htmx=True)
    assert response.status_code == 422
    error = soup(response).select_one("#rating-error")
    assert "Choose a rating from 1 to 5 stars" in error.get_text()
    assert reviews_in_db() == 0


@pytest.mark.parametrize("body, message", [
    ("", "Write your review"),
    ("Too short", "Write between 10 and 2000 characters"),
    ("x" * 2001, "Write between 10 and 2000 characters"),
    ("Nice bread\x00 really", "We can't accept control or text-direction characters here"),
    ("Nice bread \u202e reversed", "We can't accept control or text-direction characters here"),
])
def test_texts_too_short_too_long_or_with_control_characters_are_refused(client, forms, shop, logged_in, body, message):
    response = post_review(forms, data={**GOOD, "body": body})
    assert response.status_code == 422
    assert message in soup(response).select_one("#body-error").get_text()
    assert soup(response).select_one(".error-summary a[href='#body']") is not None
    assert reviews_in_db() == 0


def test_a_long_title_is_refused(client, forms, shop, logged_in):
    response = post_review(forms, data={**GOOD, "title": "t" * 121}, htmx=True)
    assert response.status_code == 422
    assert "120 characters" in soup(response).select_one("#title-error").get_text()
    assert reviews_in_db() == 0


def test_unknown_and_hidden_products_cannot_be_reviewed(client, forms, shop, logged_in, app_ctx):
    make_product("Secret", slug="secret", is_available=False)
    page = client.get("/menu/sourdough")
    token = csrf_from(page.data)
    for slug in ("no-such-bread", "secret"):
        response = client.post(f"/reviews/product/{slug}", data={"csrf_token": token, **GOOD})
        assert response.status_code == 404
        assert "<html" in response.get_data(as_text=True)
    assert reviews_in_db() == 0


def test_a_double_submit_writes_one_review(client, forms, shop, logged_in):
    page = client.get("/menu/sourdough")
    data = {"csrf_token": csrf_from(page.data), **GOOD}
    first = client.post("/reviews/product/sourdough", data=data)
    second = client.post("/reviews/product/sourdough", data=data, headers=HTMX)
    assert first.status_code == 303
    assert second.status_code == 422
    assert "already reviewed this product" in second.get_data(as_text=True)
    assert reviews_in_db() == 1


def test_missing_csrf_token_is_refused(client, shop, logged_in):
    response = client.post("/reviews/product/sourdough", data=GOOD)
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)
    assert reviews_in_db() == 0


def test_posting_is_rate_limited(client, forms, shop, logged_in, app_ctx):
    page = client.get("/menu/sourdough")
    token = csrf_from(page.data)
    statuses = [client.post("/reviews/product/sourdough", data={"csrf_token": token, "rating": "9"}).status_code
                for _ in range(8)]
    assert statuses[:6] == [422] * 6
    assert statuses[6:] == [429, 429]
    limited = client.post("/reviews/product/sourdough", data={"csrf_token": token, **GOOD})
    assert limited.status_code == 429
    assert "Please wait" in limited.get_data(as_text=True)
    assert reviews_in_db() == 0


def test_review_text_is_shown_as_text(client, shop, app_ctx):
    write(shop["other"], shop["loaf"], 4, title='"><img src=x onerror=alert(1)>',
          body="<script>alert(1)</script> but the bread is good")
    html = client.get("/menu/sourdough").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    data = json.loads(soup(client.get("/menu/sourdough")).find("script", type="application/ld+json").string)
    assert data["review"][0]["reviewBody"].startswith("<script>")  # data, safely inside the JSON


# --------------------------------------------------------------------------------------------
# Moderation
# --------------------------------------------------------------------------------------------

def test_links_and_blocked_words_wait_for_staff(client, forms, shop, logged_in, app, app_ctx):
    response = post_review(forms, data={**GOOD, "body": "Cheap loaves at www.example.com instead"}, htmx=True)
    assert "will appear once our team has read it" in response.get_data(as_text=True)
    review = db.session.scalar(sa.select(Review))
    assert (review.status, review.held_reason) == (Status.PENDING, "contains a link")
    page = client.get("/menu/sourdough")
    assert review_titles(page) == []  # readers don't see it
    assert "Waiting for our team" in soup(page).select_one("#write-review").get_text()  # its author does
    assert "No reviews yet" in soup(page).select_one("#rating-overview").get_text()

    runner = app.test_cli_runner()
    assert f"#{review.id}" in runner.invoke(args=["reviews", "pending"]).output
    assert "published" in runner.invoke(args=["reviews", "publish", str(review.id)]).output
    assert review_titles(client.get("/menu/sourdough")) == ["Crusty"]
    runner.invoke(args=["reviews", "reply", str(review.id), "Thank you for coming in!"])
    reply = soup(client.get("/menu/sourdough")).select_one(f"#review-{review.id} .review-reply")
    assert "Thank you for coming in!" in reply.get_text()
    runner.invoke(args=["reviews", "hide", str(review.id)])
    assert review_titles(client.get("/menu/sourdough")) == []
    assert runner.invoke(args=["reviews", "hide", "999"]).exit_code != 0


def test_a_blocked_word_from_the_settings_holds_a_review(app, make_app, shop):
    blocked = make_app(REVIEW_BLOCKLIST="soggy, awful")
    with blocked.app_context():
        user_id = make_user("c@example.com").id
    client = blocked.test_client()
    page = client.get("/account/login")
    client.post("/account/login", data={"csrf_token": csrf_from(page.data), "email": "c@example.com",
                                        "password": PASSWORD})
    page = client.get("/menu/sourdough")
    client.post("/reviews/product/sourdough", data={"csrf_token": csrf_from(page.data), "rating": "1",
                                                    "body": "An AWFUL loaf, really."})
    with blocked.app_context():
        review = db.session.scalar(sa.select(Review).where(Review.user_id == user_id))
        assert (review.status, review.held_reason) == (Status.PENDING, "contains a blocked word (awful)")


# --------------------------------------------------------------------------------------------
# Reading: sort, filter, pages
# --------------------------------------------------------------------------------------------

@pytest.fixture
def many_reviews(shop, app_ctx):
    """12 reviews: ratings cycle 5,4,3,2,1; review 3 is the most helpful."""
    for i in range(12):
        user = make_user(f"reader{i}@example.com", name=f"Reader {i}")
        review = write(user, shop["loaf"], 5 - i % 5, title=f"Review {i}")
        review.created_at = review.created_at.replace(year=2025, month=1, day=i + 1)
        if i == 3:
            review.helpful_count = 9
    db.session.commit()
    return shop


def test_sort_filter_and_pages(client, many_reviews):
    newest = review_titles(client.get("/menu/sourdough"))
    assert newest == [f"Review {i}" for i in range(11, 1, -1)]
    assert review_titles(client.get("/menu/sourdough?sort=helpful"))[0] == "Review 3"
    assert review_titles(client.get("/menu/sourdough?sort=highest"))[:3] == ["Review 10", "Review 5", "Review 0"]
    assert review_titles(client.get("/menu/sourdough?sort=lowest"))[:2] == ["Review 9", "Review 4"]
    assert review_titles(client.get("/menu/sourdough?stars=4")) == ["Review 11", "Review 6", "Review 1"]
    page_two = client.get("/menu/sourdough?page=2")
    assert review_titles(page_two) == ["Review 1", "Review 0"]
    assert soup(page_two).find("a", string="Previous reviews")["href"] == "/menu/sourdough#reviews"
    # Nonsense in the address falls back to the defaults; a page past the end shows the last.
    assert review_titles(client.get("/menu/sourdough?sort=evil&stars=9&page=x")) == newest
    past = client.get("/menu/sourdough?page=50")
    assert review_titles(past) == ["Review 1", "Review 0"]
    assert "this is the last page" in past.get_data(as_text=True)


def test_load_more_answers_htmx_with_the_next_items_and_a_plain_link_otherwise(client, many_reviews):
    first = soup(client.get("/menu/sourdough"))
    more = first.select_one("#load-more-reviews a")
    assert more["href"] == "/menu/sourdough?page=2#reviews"
    response = client.get(more["data-hx-get"], headers={**HTMX, "HX-Target": "load-more-reviews"})
    items = soup(response)
    assert items.find("html") is None
    assert [h.get_text(strip=True) for h in items.select("article h3")] == ["Review 1", "Review 0"]
    assert items.select_one("#load-more-reviews") is None  # the last page
    plain = client.get(more["data-hx-get"])
    assert plain.status_code == 303 and plain.headers["Location"] == "/menu/sourdough?page=2#reviews"


def test_filters_with_htmx_replace_the_list_and_the_address(client, many_reviews):
    response = client.get("/reviews/list?product=sourdough&sort=lowest&stars=1",
                          headers={**HTMX, "HX-Target": "review-results"})
    assert [h.get_text(strip=True) for h in soup(response).select("#review-items h3")] == ["Review 9", "Review 4"]
    assert response.headers["HX-Push-Url"] == "/menu/sourdough?sort=lowest&stars=1"
    assert response.headers["Vary"] == "HX-Request" or "HX-Request" in response.headers["Vary"]
    assert client.get("/reviews/list?product=nope", headers=HTMX).status_code == 404


def test_distribution_and_average_count_published_reviews_only(client, many_reviews, app_ctx):
    hidden = db.session.scalar(sa.select(Review).where(Review.title == "Review 0"))
    service.set_status(db.session, hidden.id, Status.HIDDEN)
    bars = soup(client.get("/menu/sourdough")).select(".rating-bars li")
    counts = [re.sub(r"\s+", " ", li.get_text(" ", strip=True)) for li in bars]
    assert counts == ["5 stars 2 reviews (18%)", "4 stars 3 reviews (27%)", "3 stars 2 reviews (18%)",
                      "2 stars 2 reviews (18%)", "1 star 2 reviews (18%)"]
    # (2×5 + 3×4 + 2×3 + 2×2 + 2×1) / 11 = 34 / 11 = 3.09…
    assert "3.1 out of 5 · 11 reviews" in soup(client.get("/menu/sourdough")).select_one("#rating-overview").get_text(" ", strip=True)


def test_menu_cards_show_rating_and_best_rated_sorts_by_average_then_count_then_name(client, shop, app_ctx):
    loaf = shop["loaf"]
    bun, cake, tart = make_product("Bun"), make_product("Cake"), make_product("Tart")
    make_product("Unrated scone")
    users = [make_user(f"r{i}@example.com") for i in range(3)]
    write(users[0], loaf, 4)
    write(users[0], bun, 5)
    write(users[0], cake, 4)
    write(users[1], cake, 4)
    write(users[0], tart, 4)
    response = client.get("/menu?sort=rating")
    names = [a.get_text() for a in soup(response).select(".product-card h3 a")]
    assert names == ["Bun", "Cake", "Sourdough loaf", "Tart", "Unrated scone"]
    card = soup(response).select(".product-card")[1]
    assert card.select_one(".card-rating").get_text(" ", strip=True).endswith("4.0 (2 reviews)")
    assert card.select_one(".stars")["aria-label"] == "Rated 4.0 out of 5"


# --------------------------------------------------------------------------------------------
# Visit reviews
# --------------------------------------------------------------------------------------------

def test_a_visit_review_with_sub_ratings_tied_to_a_completed_order(client, forms, shop, logged_in, app_ctx):
    user = db.session.get(type(shop["other"]), logged_in)
    order = make_order(user, [shop["loaf"]])
    page = client.get("/reviews")
    choices = [o["value"] for o in soup(page).select("#visit option")]
    assert choices == [f"order-{order.id}", ""]
    response = forms.post("/reviews", {"rating": "5", "food": "5", "service": "4", "ambience": "3",
                                        "visit": f"order-{order.id}", "title": "Lovely lunch",
                                        "body": "Great soup and the friendliest staff."})
    assert response.status_code == 303
    page = client.get("/reviews")
    article = soup(page).select_one("#review-items article")
    assert article.select_one(".badge--verified").get_text() == "Verified visit"
    assert [s["aria-label"] for s in article.select(".sub-ratings .stars")] == [
        "Food: 5 out of 5", "Service: 4 out of 5", "Ambience: 3 out of 5"]
    overview = soup(page).select_one("#rating-overview").get_text(" ", strip=True)
    assert "Food" in overview and "5.0" in overview
    assert [o["value"] for o in soup(page).select("#visit option")] == [""]  # that visit is taken
    jsonld = json.loads(soup(page).find("script", type="application/ld+json").string)
    assert jsonld["@type"] == "Bakery"
    assert jsonld["aggregateRating"] == {"@type": "AggregateRating", "ratingValue": "5.0", "reviewCount": 1,
                                         "bestRating": 5, "worstRating": 1}


def test_a_visit_needs_all_three_sub_ratings_and_a_visit_of_ones_own(client, forms, shop, logged_in, app_ctx):
    someone_elses = make_order(shop["other"], [shop["loaf"]])
    response = forms.post("/reviews", {"rating": "5", "food": "5", "body": "Great soup and kind staff.",
                                        "visit": f"order-{someone_elses.id}"}, htmx=True)
    assert response.status_code == 422
    html = soup(response)
    assert "Choose a service rating from 1 to 5 stars" in html.select_one("#service-error").get_text()
    assert "Choose an ambience rating from 1 to 5 stars" in html.select_one("#ambience-error").get_text()
    response = forms.post("/reviews", {"rating": "5", "food": "5", "service": "5", "ambience": "5",
                                        "body": "Great soup and kind staff.", "visit": f"order-{someone_elses.id}"})
    assert response.status_code == 422
    assert "Choose one of your completed visits" in soup(response).select_one("#visit-error").get_text()
    assert reviews_in_db() == 0
    # Not tied to a visit: allowed, without the badge, once.
    unverified = {"rating": "4", "food": "4", "service": "4", "ambience": "4", "visit": "",
                  "body": "Nice place for a coffee."}
    assert forms.post("/reviews", unverified).status_code == 303
    assert forms.post("/reviews", unverified).status_code == 422
    assert db.session.scalars(sa.select(Review.verified)).all() == [False]


# --------------------------------------------------------------------------------------------
# Invitations
# --------------------------------------------------------------------------------------------

def test_invite_after_order_queues_an_email_whose_links_open_the_right_forms(app, client, auth, shop, app_ctx):
    from storefront.core.outbox import OutboxMessage

    guest_order = make_order(None, [shop["loaf"]], email="guest@example.com")
    service.invite_after_order(db.session, guest_order)
    db.session.commit()
    message = db.session.scalar(sa.select(OutboxMessage))
    assert message.to_address == "guest@example.com"
    assert f"order {guest_order.number}" in message.subject
    assert "http://127.0.0.1/menu/sourdough#write-review" in message.body_text
    visit_link = re.search(r"http://127\.0\.0\.1(/reviews\?invite=\S+)", message.body_text).group(1)
    # The guest signs up and follows the link: the order is offered for a verified visit review.
    make_user("guest@example.com")
    auth.login("guest@example.com", PASSWORD)
    page = soup(client.get(visit_link))
    assert page.select_one("#visit option[selected]")["value"] == f"order-{guest_order.id}"
    assert page.select_one("input[name=invite]")["value"] == visit_link.split("invite=")[1].split("#")[0]
    # A forged token offers nothing.
    forged = soup(client.get("/reviews?invite=abc.def"))
    assert [o["value"] for o in forged.select("#visit option")] == [""]


def test_an_order_moved_to_completed_invites_its_customer_once(shop, app_ctx):
    from storefront.core.outbox import OutboxMessage
    from storefront.orders import service as orders_service
    from tests.unit.test_orders_service import CTX

    user = make_user("buyer@example.com")
    order = make_order(user, [shop["loaf"]], status=OrderStatus.READY)
    orders_service.change_status(db.session, order, OrderStatus.COMPLETED, actor=None, ctx=CTX)
    sent = db.session.scalars(sa.select(OutboxMessage)).all()
    assert [m.to_address for m in sent] == ["buyer@example.com"] and order.number in sent[0].subject


def test_invite_after_order_marks_earlier_reviews_of_its_products_verified(shop, app_ctx):
    user = make_user("buyer@example.com")
    review = write(user, shop["loaf"], 5)
    assert not review.verified
    order = make_order(user, [shop["loaf"]])
    service.invite_after_order(db.session, order)
    db.session.commit()
    assert db.session.get(Review, review.id).verified


def test_completing_a_booking_invites_a_visit_review(app, shop, app_ctx):
    from storefront.core.outbox import OutboxMessage
    from storefront.reservations.models import ReservationStatus
    from tests.support.reservations import future_day, local, make_reservation, make_rules, make_table, open_every_day

    make_rules()
    open_every_day()
    table = make_table("T1", 1, 4)
    reservation, _ = make_reservation(local(future_day(1), "12:00"), 2, [table], status=ReservationStatus.SEATED,
                                      email="diner@example.com")
    result = app.test_cli_runner().invoke(args=["reservations", "mark", reservation.reference, "completed"])
    assert result.exit_code == 0, result.output
    bodies = db.session.scalars(sa.select(OutboxMessage.body_text).where(
        OutboxMessage.subject.like("How was your visit%"))).all()
    assert len(bodies) == 1 and "/reviews?invite=" in bodies[0]


# --------------------------------------------------------------------------------------------
# Statement counts
# --------------------------------------------------------------------------------------------

def _reviews(product, visits: bool, count: int, start: int) -> None:
    from storefront.accounts.models import User
    from storefront.core.security import hash_password

    password_hash = hash_password(PASSWORD)  # one hash for all: hashing is slow on purpose
    users = [User(email=f"bulk{start + i}@example.com", name=f"Bulk {i}", password_hash=password_hash)
             for i in range(count)]
    db.session.add_all(users)
    db.session.commit()
    # One transaction through the same running totals as a customer's review (committing each
    # of 2,000 reviews would only make the test slow).
    for i, user in enumerate(users):
        for subject in (product, None) if visits else (product,):
            service.add_review(db.session, Review(
                kind=Kind.PRODUCT if subject else Kind.VISIT, user_id=user.id, product_id=subject and subject.id,
                subject_key=f"product:{subject.id}:{user.id}" if subject else f"visit:{user.id}",
                rating=1 + i % 5, food=None if subject else 3, service=None if subject else 4,
                ambience=None if subject else 5, body="Bulk review text.", title="", verified=i % 2 == 0,
                status=Status.PUBLISHED, held_reason="", helpful_count=i % 7))
    db.session.commit()


PAGES = ["/menu", "/menu?sort=rating", "/menu/sourdough", "/menu/sourdough?sort=helpful&stars=3&verified=1",
         "/reviews", "/reviews?verified=1"]


def statements(client, count_queries) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        client.get(url)
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        counts[url] = counter.count
    return counts


def test_statement_counts_do_not_grow_from_10_to_1000_reviews(client, auth, shop, count_queries, app_ctx):
    for i in range(5):
        make_product(f"Other {i}", category=shop["loaf"].category)
    _reviews(shop["loaf"], True, 10, 0)
    auth.login("bulk0@example.com", PASSWORD)
    small = statements(client, count_queries)
    _reviews(shop["loaf"], True, 990, 10)
    large = statements(client, count_queries)
    assert small == large, f"statement counts grew with the reviews: {small} -> {large}"
    assert max(large.values()) <= 13, large
