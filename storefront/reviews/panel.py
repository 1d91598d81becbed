"""What a page shows about reviews: the summary, one page of the list, the reader's votes and
own reviews, and the write form. The product page (menu) and /reviews both build theirs here,
in a fixed number of statements whatever the number of reviews."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask import request, url_for
from flask_login import current_user

from ..extensions import db
from ..menu.models import Product
from ..store.current import local_datetime
from . import service
from .forms import ListForm, ReviewForm, VisitReviewForm
from .invites import read_invite


@dataclass
class Panel:
    product: Product | None
    summary: service.Summary
    listing: service.ReviewPage
    filters_form: ListForm
    voted: set[int]
    mine: list
    form: ReviewForm | None
    page_url: Callable[..., str]
    list_url: Callable[..., str]
    post_url: str
    visits: list = field(default_factory=list)

    @property
    def heading(self) -> str:
        return "Reviews" if self.product else "What our guests say"


def filters_from(args) -> tuple[service.ListFilters, ListForm]:
    """The list's GET form; unknown values fall back to the defaults, never an error."""
    form = ListForm(args)
    sort = form.sort.data if form.sort.data in service.SORTS else "newest"
    stars = int(form.stars.data) if form.stars.data in ("1", "2", "3", "4", "5") else None
    verified = form.verified.data == "1"
    raw_page = (form.page.data or "").strip()
    page = int(raw_page) if raw_page.isdigit() and len(raw_page) < 6 else 1
    form.sort.data, form.stars.data, form.verified.data = sort, str(stars or ""), "1" if verified else ""
    return service.ListFilters(sort=sort, stars=stars, verified=verified, page=max(page, 1)), form


def _query(filters: service.ListFilters, **changes) -> dict:
    values = {"sort": filters.sort, "stars": filters.stars, "verified": "1" if filters.verified else None,
              "page": filters.page, **changes}
    return {"sort": values["sort"] if values["sort"] != "newest" else None, "stars": values["stars"] or None,
            "verified": values["verified"], "page": values["page"] if values["page"] and values["page"] > 1 else None}


def build(product: Product | None, *, form: ReviewForm | None = None, args=None) -> Panel:
    filters, filters_form = filters_from(request.args if args is None else args)
    user_id = current_user.id if current_user.is_authenticated else None
    # A product's totals came with it; the café's are one row.
    summary = (service.summary_of(product.rating_summary) if product
               else service.summary(db.session, service.VISIT_SUBJECT))
    listing = service.listing(db.session, filters, product_id=product.id if product else None,
                              published=summary.count)
    mine = service.mine(db.session, user_id, product_id=product.id if product else None)
    invited = read_invite(request.args.get("invite") or request.form.get("invite"))
    visits = service.eligible_visits(db.session, user_id, invited) if user_id and not product else []
    if user_id and form is None and not (product and mine):
        form = new_form(product, visits)
    if product:
        def page_url(**changes):
            return url_for("menu.product", slug=product.slug, **_query(filters, **changes), _anchor="reviews")

        def list_url(**changes):
            return url_for("reviews.list_fragment", product=product.slug, **_query(filters, **changes))

        post_url = url_for("reviews.write_product", slug=product.slug)
    else:
        def page_url(**changes):
            return url_for("reviews.index", **_query(filters, **changes), _anchor="reviews")

        def list_url(**changes):
            return url_for("reviews.list_fragment", **_query(filters, **changes))

        post_url = url_for("reviews.write_visit")
    return Panel(product=product, summary=summary, listing=listing,
                 filters_form=filters_form, voted=service.voted(db.session, user_id, [r.id for r in listing.reviews]),
                 mine=mine, form=form, page_url=page_url, list_url=list_url, post_url=post_url, visits=visits)


def new_form(product: Product | None, visits, formdata=None) -> ReviewForm:
    if product:
        return ReviewForm(formdata=formdata)
    form = VisitReviewForm(formdata=formdata)
    invite = request.args.get("invite") or request.form.get("invite") or ""
    form.invite.data = invite if len(invite) <= 200 else ""
    form.visit.choices = [(v.value, f"{v.label}, {local_datetime(v.when, 'd MMMM y')}") for v in visits] + [
        ("", "Another visit (no booking or order to link)")]
    if formdata is None and visits:
        form.visit.data = visits[0].value
    return form
