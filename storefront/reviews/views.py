"""Review pages and actions. HTTP only: read the form, call the service, answer with a page, a
fragment (htmx) or a redirect. Every action is a plain form first; htmx swaps the answer in."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from ..core.htmx import is_htmx, redirect_to, render
from ..core.rules import RuleViolation, populate_errors
from ..extensions import db, limiter
from ..menu import service as menu_service
from ..store.current import current_store
from . import bp, panel, service
from . import jsonld as reviews_jsonld
from .forms import DeleteForm, HelpfulForm, ReportForm, ReviewForm, VisitRatingsForm
from .invites import read_invite
from .models import Kind, Review

# Per client address and per account: enough to write and fix a few reviews, not to flood.
POST_LIMIT = "6/minute;30/hour"
VOTE_LIMIT = "30/minute;300/hour"


def _account_key() -> str:
    return "review-author:" + (str(current_user.id) if current_user.is_authenticated else request.remote_addr or "")


def _fragment(template: str, status: int = 200, **context):
    """A fragment file for htmx (`Vary: HX-Request` like every page)."""
    response = current_app.make_response((render_template(template, **context), status))
    response.vary.add("HX-Request")
    return response


def _blocklist() -> tuple[str, ...]:
    return service.blocklist(db.session, current_app.config.get("REVIEW_BLOCKLIST", ""))


def _draft(form) -> service.Draft:
    return service.Draft(rating=form.rating.data, title=form.title.data or "", body=form.body.data,
                         food=getattr(form, "food", None) and form.food.data,
                         service=getattr(form, "service", None) and form.service.data,
                         ambience=getattr(form, "ambience", None) and form.ambience.data)


def review_url(review: Review) -> str:
    """Where a review is read: its product's page, or /reviews for a visit."""
    anchor = f"review-{review.id}"
    if review.kind == Kind.PRODUCT:
        return url_for("menu.product", slug=review.product.slug, _anchor=anchor)
    return url_for("reviews.index", _anchor=anchor)


def _written(review: Review, message: str):
    """After a write: htmx gets the review in place of the form; a plain post goes back."""
    if is_htmx():
        # The new review in place of the form, and the averages and list brought up to date.
        return _fragment("reviews/_written.html", panel=panel.build(review.product, args=MultiDict()), message=message)
    flash(message, "success")
    return redirect_to(review_url(review))


def _posted_message(review: Review) -> str:
    if review.status.value == "pending":
        return "Thank you. Your review will appear once our team has read it."
    return "Thank you. Your review is published."


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

def _index_page(data: panel.Panel, status: int = 200):
    store = current_store()
    jsonld = reviews_jsonld.with_reviews(reviews_jsonld.bakery(store, url_for("reviews.index", _external=True)),
                                         data.summary, data.listing.reviews)
    return render("reviews/index.html", panel=data, jsonld=jsonld, status=status)


@bp.get("")
def index():
    return _index_page(panel.build(None))


@bp.get("/list")
def list_fragment():
    """The list for htmx (sort, filter, load more). A plain visit goes to the page it belongs to."""
    slug = request.args.get("product")
    product = menu_service.product_by_slug(db.session, slug) if slug else None
    if slug and product is None:
        abort(404)
    data = panel.build(product)
    if not is_htmx():
        return redirect(data.page_url(page=data.listing.filters.page), code=303)
    if request.htmx.target == "load-more-reviews":
        return _fragment("reviews/_items.html", panel=data, focus_first=True)
    response = _fragment("reviews/_results.html", panel=data)
    response.headers["HX-Push-Url"] = data.page_url(page=data.listing.filters.page).split("#")[0]
    return response


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------

@bp.post("/product/<slug>")
@login_required
@limiter.limit(POST_LIMIT)
@limiter.limit(POST_LIMIT, key_func=_account_key)
def write_product(slug: str):
    product = service.reviewable_product(db.session, slug)
    if product is None:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            review = service.write_product_review(db.session, current_user, product, _draft(form),
                                                  blocklist=_blocklist())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            return _written(review, _posted_message(review))
    return _invalid(product, form)


@bp.post("")
@login_required
@limiter.limit(POST_LIMIT)
@limiter.limit(POST_LIMIT, key_func=_account_key)
def write_visit():
    invited = read_invite(request.form.get("invite"))
    visits = service.eligible_visits(db.session, current_user.id, invited)
    form = panel.new_form(None, visits, formdata=request.form)
    if form.validate_on_submit():
        try:
            review = service.write_visit_review(db.session, current_user, _draft(form), form.visit.data or "",
                                                invited=invited, blocklist=_blocklist())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            return _written(review, _posted_message(review))
    return _invalid(None, form)


def _invalid(product, form):
    """The form again with its errors beside the fields: 422, nothing written."""
    data = panel.build(product, form=form)
    if is_htmx():
        return _fragment("reviews/_write.html", status=422, panel=data)
    if product is not None:
        # The product page belongs to the menu; it renders this panel in its reviews section.
        from ..menu.views import product_page

        return product_page(product, data, status=422)
    return _index_page(data, status=422)


def _own_or_404(review_id: int) -> Review:
    try:
        return service.own_review(db.session, current_user.id, review_id)
    except LookupError:
        abort(404)


@bp.route("/<int:review_id>/edit", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
@limiter.limit(POST_LIMIT, methods=["POST"], key_func=_account_key)
def edit(review_id: int):
    review = _own_or_404(review_id)
    form_class = ReviewForm if review.kind == Kind.PRODUCT else VisitRatingsForm
    # Prefixed, so its fields never share an id with the write form on the same page.
    form = form_class(obj=review if request.method == "GET" else None, prefix="edit")
    if form.validate_on_submit():
        try:
            review = service.edit_review(db.session, current_user, review_id, _draft(form), blocklist=_blocklist())
        except RuleViolation as violation:
            populate_errors(form, violation)
        else:
            # The review shows in several places (your box, the list, the averages): the page
            # is loaded again rather than patched in three places.
            flash(_posted_message(review).replace("Your review is", "Your changes are"), "success")
            return redirect_to(review_url(review))
    status = 422 if form.is_submitted() else 200
    if is_htmx():
        return _fragment("reviews/_edit_form.html", status=status, form=form, review=review,
                         form_id=request.htmx.target or f"review-{review.id}")
    return render("reviews/edit.html", status=status, form=form, review=review, back=review_url(review))


@bp.post("/<int:review_id>/delete")
@login_required
def delete(review_id: int):
    form = DeleteForm()
    review = _own_or_404(review_id)
    if not form.validate_on_submit():
        abort(400)
    service.delete_review(db.session, current_user, review_id)
    flash("Your review is deleted.", "success")
    return redirect_to(review_url(review).split("#")[0])


# --------------------------------------------------------------------------------------------
# Helpful votes and reports
# --------------------------------------------------------------------------------------------

def _public_or_404(review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None or not review.counts:
        abort(404)
    return review


@bp.post("/<int:review_id>/helpful")
@login_required
@limiter.limit(VOTE_LIMIT)
def helpful(review_id: int):
    _public_or_404(review_id)
    form = HelpfulForm()
    if not form.validate_on_submit():
        abort(400)
    error = None
    try:
        review = service.toggle_helpful(db.session, current_user, review_id, helpful=form.helpful.data != "0")
    except RuleViolation as violation:
        review, error = _public_or_404(review_id), str(violation)
    except LookupError:
        abort(404)
    if is_htmx():
        voted = service.voted(db.session, current_user.id, [review.id])
        return _fragment("reviews/_helpful.html", review=review, voted=review.id in voted, error=error,
                         status=422 if error else 200)
    if error:
        flash(error, "error")
    else:
        flash("Thank you: your vote is counted." if form.helpful.data != "0" else "Your vote is taken back.", "success")
    return redirect_to(review_url(review))


@bp.route("/<int:review_id>/report", methods=["GET", "POST"])
@login_required
@limiter.limit(POST_LIMIT, methods=["POST"])
def report(review_id: int):
    review = _public_or_404(review_id)
    form = ReportForm()
    if form.validate_on_submit():
        try:
            service.report(db.session, current_user, review_id, form.reason.data, form.note.data or "")
        except RuleViolation as violation:
            populate_errors(form, violation)
        except LookupError:
            abort(404)
        else:
            message = "Thank you. Our team will read the review and your reason."
            if is_htmx():
                return _fragment("reviews/_reported.html", message=message)
            flash(message, "success")
            return redirect_to(review_url(review))
    status = 422 if form.is_submitted() else 200
    if is_htmx():
        return _fragment("reviews/_report_form.html", status=status, form=form, review=review)
    return render("reviews/report.html", status=status, form=form, review=review, back=review_url(review))
