"""Home page, the menu with search and filters, and product pages."""
from __future__ import annotations

from dataclasses import replace

from flask import abort, request, url_for

from ..core.htmx import render
from ..core.pagecache import CATALOGUE_TABLES, shared_page
from ..extensions import db
from ..store.current import current_store
from . import bp, service
from .forms import MenuFilterForm
from .jsonld import product_jsonld
from .models import ALLERGENS, DIETS
from .search import MAX_QUERY_LENGTH

# Which block of menu/index.html answers an htmx request, by the id of the element it targets.
MENU_BLOCKS = {"results": "results", "menu-browser": "browser", "load-more-item": "items"}


@bp.get("/")
@shared_page(*CATALOGUE_TABLES)
def home():
    return render("menu/home.html", featured=service.featured(db.session),
                  categories=service.categories(db.session))


def _filters_from(form: MenuFilterForm, categories) -> tuple[service.MenuFilters, object, list[str]]:
    """Turn the GET form into filters. Unknown values are dropped with a notice, never an error."""
    form.validate()
    args = request.args
    notices = []
    raw_query = " ".join(args.get("q", "").split())
    if len(raw_query) > MAX_QUERY_LENGTH:
        notices.append(f"Your search was shortened to its first {MAX_QUERY_LENGTH} characters.")
    category = None
    if form.category.data:
        category = next((c for c in categories if c.slug == form.category.data), None)
        if category is None:
            notices.append("We don’t have that category, so everything is shown.")
            form.category.data = ""
    diets = tuple(d for d in dict.fromkeys(args.getlist("diet")) if d in DIETS)
    free_from = tuple(a for a in dict.fromkeys(args.getlist("free_from")) if a in ALLERGENS)
    if len(diets) != len(set(args.getlist("diet"))) or len(free_from) != len(set(args.getlist("free_from"))):
        notices.append("Some filters were not recognised and have been left out.")
    form.diet.data, form.free_from.data = list(diets), list(free_from)
    sort = form.sort.data if form.sort.data in service.SORTS else None
    if sort == "relevance" and not form.q.data:
        sort = None
    sort = sort or ("relevance" if form.q.data else "featured")
    form.sort.data = sort
    page = form.page.data if not form.page.errors and form.page.data else 1
    filters = service.MenuFilters(query=form.q.data or "", category=category.slug if category else None,
                                  diets=diets, free_from=free_from, sort=sort, page=page)
    return filters, category, notices


def page_url(filters: service.MenuFilters, page: int) -> str:
    return url_for("menu.index", q=filters.query or None, category=filters.category,
                   diet=list(filters.diets) or None, free_from=list(filters.free_from) or None,
                   sort=filters.sort if filters.sort not in ("featured", "relevance") else None,
                   page=page if page > 1 else None)


@bp.get("/menu")
@shared_page(*CATALOGUE_TABLES)
def index():
    categories = service.categories(db.session)
    form = MenuFilterForm(request.args, categories)
    filters, category, notices = _filters_from(form, categories)
    menu = service.browse(db.session, filters, category)
    menu.notices[:0] = notices
    block = MENU_BLOCKS.get(request.htmx.target) if request.htmx else None
    response = render("menu/index.html", block, form=form, menu=menu, categories=categories,
                      page_url=page_url, category_url=lambda slug: page_url(replace(filters, category=slug), 1),
                      fragment=block)
    if block in ("results", "browser"):
        # Typing replaces the address (one history entry per search, not per key); a filter
        # change or a submit pushes one, so Back returns to the previous results.
        header = "HX-Replace-Url" if request.htmx.trigger == "q" else "HX-Push-Url"
        response.headers[header] = page_url(filters, 1)
    return response


@bp.get("/menu/<slug>")
# The reviews panel: the list, its authors' names and the helpful counts.
@shared_page(*CATALOGUE_TABLES, "reviews", "users")
def product(slug: str):
    from ..reviews import panel as reviews_panel  # reviews reads menu: imported when used, not at load

    item = service.product_by_slug(db.session, slug)
    if item is None:
        abort(404)
    return product_page(item, reviews_panel.build(item))


def product_page(item, reviews, status: int = 200):
    """The product page with its reviews panel (`reviews.panel.Panel`): also the answer to a
    review posted there without JavaScript that needs correcting."""
    from ..reviews import jsonld as reviews_jsonld

    store = current_store()
    related = service.related(db.session, item)  # reads the product's diets and allergens too
    image_url = url_for("static", filename=item.image_path, _external=True) if item.image_path else None
    jsonld = product_jsonld(item, url=url_for("menu.product", slug=item.slug, _external=True),
                            image_url=image_url, currency=store.currency, store_name=store.name)
    jsonld = reviews_jsonld.with_reviews(jsonld, reviews.summary, reviews.listing.reviews)
    return render("menu/product.html", product=item, related=related, jsonld=jsonld,
                  reviews=reviews, status=status)
