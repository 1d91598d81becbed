"""The back office's cakes-due screen, the dashboard's cakes and reviews tiles, and review
moderation: what each shows, that each costs the same queries with more data, and that every
decision is audited, refused when stale, and lands on the public pages."""
from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
import sqlalchemy as sa

from storefront.accounts.models import Role
from storefront.cakes.models import CakeConfiguration, CakePhoto
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.orders.models import Status
from storefront.reviews import service as review_service
from storefront.reviews.models import BlockedWord, Review, ReviewReport, ReviewSummary
from storefront.reviews.models import Status as ReviewStatus
from tests.support.builders import PASSWORD, make_product, make_store, make_user
from tests.support.checkout import FIXED_NOW
from tests.support.html import csrf_from
from tests.support.orders import make_order
from tests.support.reviews import write

TODAY = FIXED_NOW.date()


@pytest.fixture
def staff(app_ctx, client, auth):
    make_store()
    make_user("staff@example.com", role=Role.STAFF)
    auth.login("staff@example.com", PASSWORD)
    with mock.patch("storefront.store.current.utcnow", return_value=FIXED_NOW):
        yield client


def token(client) -> str:
    return csrf_from(client.get("/staff/reviews").data)


def cake_order(day, *, status=Status.CONFIRMED, message="Happy birthday Ada", notes="Nut-free kitchen please",
               photo=False, quantity=1):
    order = make_order(status=status, due=FIXED_NOW + timedelta(days=(day - TODAY).days), quantity=quantity)
    line = order.lines[0]
    line.name = "Custom cake (8-inch)"
    photo_row = None
    if photo:
        photo_row = CakePhoto(name=f"photo{order.id}", owner="o", width=400, height=300)
        db.session.add(photo_row)
        db.session.flush()
    db.session.add(CakeConfiguration(order_line_id=line.id, due_on=day, message=message, notes=notes,
                                     choices=[["Size", "8-inch"], ["Sponge", "Lemon"], ["Frosting", "Rose buttercream"]],
                                     items=[["8-inch", "30.00"]], cakes_claimed=quantity,
                                     photo_id=photo_row.id if photo_row else None))
    db.session.commit()
    return order


def section(html: str, title_start: str) -> str:
    start = html.index(title_start)
    return html[start:html.index("</section>", start)]


# --- cakes due -------------------------------------------------------------------------------

def test_the_cakes_screen_lists_upcoming_cakes_by_day_with_every_detail(staff):
    today = cake_order(TODAY, photo=True).number
    later = cake_order(TODAY + timedelta(days=3), message="", notes="").number
    cake_order(TODAY + timedelta(days=1), status=Status.CANCELLED)  # not to be made
    cake_order(TODAY + timedelta(days=20))  # beyond the two weeks shown
    html = staff.get("/staff/cakes").get_data(as_text=True)
    first = section(html, f'id="cake-day-{TODAY.isoformat()}"')
    assert today in first and "(today)" in first and "1 cake<" in first
    for text in ("8-inch", "Lemon", "Rose buttercream", "“Happy birthday Ada”", "Nut-free kitchen please",
                 "Robin Rye", f'alt="Reference photo for order {today}"', "/cakes/photos/photo"):
        assert text in first, text
    assert 'width="160" height="120"' in first
    third = section(html, f'id="cake-day-{(TODAY + timedelta(days=3)).isoformat()}"')
    assert later in third and "No reference photo." in third
    assert f'cake-day-{(TODAY + timedelta(days=1)).isoformat()}' not in html
    assert f'cake-day-{(TODAY + timedelta(days=20)).isoformat()}' not in html


def test_the_cakes_screen_says_when_there_are_none(staff):
    assert "No cakes are due in the next two weeks." in staff.get("/staff/cakes").get_data(as_text=True)


def test_the_cakes_screen_costs_the_same_queries_for_one_cake_or_eight(staff, count_queries):
    cake_order(TODAY, photo=True)
    with count_queries() as few:
        assert staff.get("/staff/cakes").status_code == 200
    for n in range(7):
        cake_order(TODAY + timedelta(days=n % 3), photo=n % 2 == 0)
    with count_queries() as many:
        html = staff.get("/staff/cakes").get_data(as_text=True)
    assert html.count('class="cake-due"') == 8
    assert many.count == few.count


# --- the dashboard's tiles ------------------------------------------------------------------

def tile(html: str, title: str) -> str:
    start = html.index(f">{title}</h2>")
    return html[start:html.index("</section>", start)]


def test_the_dashboard_counts_cakes_and_reviews_waiting_and_links_to_their_screens(staff):
    cake_order(TODAY, quantity=2)
    cake_order(TODAY + timedelta(days=6))
    cake_order(TODAY + timedelta(days=7))  # the eighth day: not this week
    cake_order(TODAY, status=Status.CANCELLED)
    author, reader = make_user("a@example.com"), make_user("r@example.com")
    product = make_product("Rye loaf")
    write(author, product, body="Buy cheap stuff at www.example.com today")  # held: a link
    reported = write(make_user("b@example.com"), make_product("Bun"), body="A fine bun, would eat again.")
    review_service.report(db.session, reader, reported.id, "spam")
    review_service.report(db.session, author, reported.id, "offensive")  # one review, two reports
    html = staff.get("/staff/").get_data(as_text=True)
    cakes = tile(html, "Cakes due today")
    assert '<p class="tile__figure">2</p>' in cakes and "3 in the next seven days" in cakes
    assert 'href="/staff/cakes"' in cakes
    reviews = tile(html, "Reviews waiting")
    assert '<p class="tile__figure">2</p>' in reviews and "1 held, 1 reported" in reviews
    assert 'href="/staff/reviews"' in reviews


def test_the_new_tiles_cost_the_same_queries_with_more_data(staff, count_queries):
    cake_order(TODAY)
    with count_queries() as few:
        staff.get("/staff/")
    for n in range(5):
        cake_order(TODAY + timedelta(days=n))
        write(make_user(f"w{n}@example.com"), make_product(f"P{n}"), body=f"See www.spam{n}.com for more")
    with count_queries() as many:
        staff.get("/staff/")
    assert many.count == few.count


# --- review moderation ----------------------------------------------------------------------

@pytest.fixture
def reviewed(staff):
    product = make_product("Rye loaf")
    good = write(make_user("g@example.com", name="Gwen Good"), product, rating=5, body="The best rye in town, truly.")
    bad = write(make_user("b@example.com", name="Bo Bad"), product, rating=1, body="Dreadful, stale and sad bread.")
    held = write(make_user("h@example.com"), product, rating=5, body="Cheap loaves at www.example.com friends")
    reader = make_user("reader@example.com")
    review_service.report(db.session, reader, bad.id, "offensive", "Rude about the baker")
    return {"product": product.slug, "good": good.id, "bad": bad.id, "held": held.id}


def average(slug: str) -> tuple[int, int]:
    db.session.expire_all()
    row = db.session.scalars(sa.select(ReviewSummary).where(ReviewSummary.subject.like("product:%"))).one()
    return row.review_count, row.rating_total


def test_the_queue_shows_held_and_reported_reviews_and_the_latest(staff, reviewed):
    html = staff.get("/staff/reviews").get_data(as_text=True)
    held = section(html, 'id="held-title"')
    assert f"Review {reviewed['held']}:" in held and "contains a link" in held
    reported = section(html, 'id="reported-title"')
    assert f"Review {reviewed['bad']}:" in reported and "Offensive or abusive" in reported
    assert "Rude about the baker" in reported
    latest = section(html, 'id="recent-title"')
    assert f"Review {reviewed['good']}:" in latest and f"Review {reviewed['bad']}:" not in latest


def test_hiding_a_reported_review_changes_the_average_resolves_reports_and_is_audited(staff, reviewed):
    assert average(reviewed["product"]) == (2, 6)
    response = staff.post(f"/staff/reviews/{reviewed['bad']}/decide",
                          data={"csrf_token": token(staff), "to": "hidden", "seen": "published"})
    assert response.status_code == 303
    assert average(reviewed["product"]) == (1, 5)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReviewReport)
                             .where(ReviewReport.resolved_at.is_(None))) == 0
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "review.hidden")).one()
    assert entry.target_id == str(reviewed["bad"]) and entry.details == {"previous": "published"}
    page = staff.get(f"/menu/{reviewed['product']}").get_data(as_text=True)
    assert "Dreadful, stale and sad bread." not in page


def test_publishing_a_held_review_adds_it_to_the_average(staff, reviewed):
    staff.post(f"/staff/reviews/{reviewed['held']}/decide",
               data={"csrf_token": token(staff), "to": "published", "seen": "pending"})
    assert average(reviewed["product"]) == (3, 11)
    assert db.session.get(Review, reviewed["held"]).status == ReviewStatus.PUBLISHED


def test_a_stale_decision_changes_nothing_and_says_so(staff, reviewed):
    csrf = token(staff)
    assert staff.post(f"/staff/reviews/{reviewed['held']}/decide",
                      data={"csrf_token": csrf, "to": "hidden", "seen": "pending"}).status_code == 303
    stale = staff.post(f"/staff/reviews/{reviewed['held']}/decide",
                       data={"csrf_token": csrf, "to": "published", "seen": "pending"})
    assert stale.status_code == 422
    assert "has changed since this page was loaded: it is now hidden" in stale.get_data(as_text=True)
    assert db.session.get(Review, reviewed["held"]).status == ReviewStatus.HIDDEN
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 1


@pytest.mark.parametrize("data", [{"to": "deleted", "seen": "published"}, {"to": "", "seen": ""},
                                  {"to": "hidden\x00", "seen": "published"}])
def test_nonsense_decisions_get_a_message_never_a_500(staff, reviewed, data):
    response = staff.post(f"/staff/reviews/{reviewed['good']}/decide", data={"csrf_token": token(staff), **data})
    assert response.status_code == 422
    assert db.session.get(Review, reviewed["good"]).status == ReviewStatus.PUBLISHED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_an_unknown_review_is_refused_with_a_message(staff, reviewed):
    response = staff.post("/staff/reviews/99999/decide",
                          data={"csrf_token": token(staff), "to": "hidden", "seen": "published"})
    assert response.status_code == 422 and "no longer exists" in response.get_data(as_text=True)
    response = staff.post("/staff/reviews/99999/reply", data={"csrf_token": token(staff), "reply": "Thanks"})
    assert response.status_code == 422 and "There is no review 99999" in response.get_data(as_text=True)


def test_reply_write_edit_and_remove_shows_on_the_public_page_and_is_audited(staff, reviewed):
    url = f"/staff/reviews/{reviewed['good']}/reply"
    assert staff.post(url, data={"csrf_token": token(staff), "reply": "Thank you, Gwen!"}).status_code == 303
    assert "Thank you, Gwen!" in staff.get(f"/menu/{reviewed['product']}").get_data(as_text=True)
    staff.post(url, data={"csrf_token": token(staff), "reply": "Thank you so much, Gwen!"})
    page = staff.get(f"/menu/{reviewed['product']}").get_data(as_text=True)
    assert "Thank you so much, Gwen!" in page and "Thank you, Gwen!" not in page
    staff.post(url, data={"csrf_token": token(staff), "reply": ""})
    assert "Gwen!" not in staff.get(f"/menu/{reviewed['product']}").get_data(as_text=True)
    trail = [(e.details["before"], e.details["after"]) for e in db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "review.reply").order_by(AuditEntry.id))]
    assert trail == [("", "Thank you, Gwen!"), ("Thank you, Gwen!", "Thank you so much, Gwen!"),
                     ("Thank you so much, Gwen!", "")]


@pytest.mark.parametrize("reply, message", [("x" * 2001, "Keep the reply to 2000 characters or fewer"),
                                            ("Thanks\x00", "")])
def test_a_bad_reply_is_refused_beside_its_box_and_nothing_is_written(staff, reviewed, reply, message):
    response = staff.post(f"/staff/reviews/{reviewed['good']}/reply", data={"csrf_token": token(staff), "reply": reply})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="reply-{reviewed["good"]}-error"' in html and message in html
    assert db.session.get(Review, reviewed["good"]).reply_body is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_the_block_list_holds_new_reviews_and_is_audited(staff, reviewed):
    response = staff.post("/staff/reviews/blocklist", data={"csrf_token": token(staff), "words": "Soggy\ncheap, soggy"})
    assert response.status_code == 303
    assert list(db.session.scalars(sa.select(BlockedWord.word))) == ["cheap", "soggy"]
    assert "cheap\nsoggy" in staff.get("/staff/reviews").get_data(as_text=True)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "review.blocklist")).one()
    assert entry.details == {"before": [], "after": ["cheap", "soggy"]}
    # A customer's review with the word now waits for staff (the words the review pages use).
    from storefront.reviews.views import _blocklist

    draft = review_service.Draft(rating=2, body="Rather soggy in the middle, sadly.")
    review = review_service.write_product_review(db.session, make_user("new@example.com"), make_product("Bun"), draft,
                                                 blocklist=_blocklist())
    assert review.status == ReviewStatus.PENDING and review.held_reason == "contains a blocked word (soggy)"


def test_a_too_long_blocked_word_is_refused_beside_the_field(staff, reviewed):
    response = staff.post("/staff/reviews/blocklist", data={"csrf_token": token(staff), "words": "a" * 61})
    assert response.status_code == 422
    assert 'id="words-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BlockedWord)) == 0


def test_the_queue_costs_the_same_queries_with_more_reviews(staff, reviewed, count_queries):
    with count_queries() as few:
        staff.get("/staff/reviews")
    reader = make_user("reader2@example.com")
    for n in range(6):
        r = write(make_user(f"m{n}@example.com"), make_product(f"Q{n}"), body=f"Great loaf number {n}, yes.")
        write(make_user(f"s{n}@example.com"), make_product(f"S{n}"), body=f"Visit www.spam{n}.com now")
        review_service.report(db.session, reader, r.id, "spam")
    with count_queries() as many:
        staff.get("/staff/reviews")
    assert many.count == few.count
