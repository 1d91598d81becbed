"""Reading the menu for customers. Only available, not-deleted products are ever visible.
Every function runs a fixed number of statements, whatever the size of the catalogue."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, lazyload

from ..core.cache import cached
from ..core.settings import detached_copies
from . import search
from .models import ALLERGENS, DIETS, Category, Product, ProductAllergen, ProductDiet

PAGE_SIZE = 24
LOW_STOCK = 5

SORTS = {
    "featured": "Featured",
    "price-asc": "Price: low to high",
    "price-desc": "Price: high to low",
    "newest": "Newest",
    "rating": "Best rated",
    "relevance": "Best match",
}


def visible_products():
    """The base query for anything a customer may see. Diets and allergens are not loaded with
    each product: lists read them for all their products at once with `with_tags`."""
    return (sa.select(Product).where(Product.deleted_at.is_(None), Product.is_available.is_(True))
            .options(lazyload(Product.diet_rows), lazyload(Product.allergen_rows)))


def with_tags(session: Session, products: list[Product]) -> list[Product]:
    """Every product's diets and allergens in one statement (both tables in one UNION ALL)."""
    ids = [p.id for p in products if p.preloaded_tags is None]
    if not ids:
        return products
    diets = sa.select(ProductDiet.product_id, sa.literal("d").label("kind"), ProductDiet.diet.label("tag")) \
        .where(ProductDiet.product_id.in_(ids))
    allergens = sa.select(ProductAllergen.product_id, sa.literal("a"), ProductAllergen.allergen) \
        .where(ProductAllergen.product_id.in_(ids))
    found: dict[int, tuple[list[str], list[str]]] = {i: ([], []) for i in ids}
    for product_id, kind, tag in session.execute(sa.union_all(diets, allergens)):
        found[product_id][0 if kind == "d" else 1].append(tag)
    for product in products:
        if product.id in found:
            d, a = found[product.id]
            product.preloaded_tags = (sorted(d, key=_in_order(DIETS)), sorted(a, key=_in_order(ALLERGENS)))
    return products


def _in_order(known: dict):
    """Sort key: the order of `known`, then anything unknown by name."""
    order = {name: i for i, name in enumerate(known)}
    return lambda tag: (order.get(tag, len(order)), tag)


def categories(session: Session) -> list[Category]:
    """Every category, in menu order: cached (`core.cache`) until a category changes."""
    return cached([Category.__tablename__], "categories", lambda: detached_copies(
        session, sa.select(Category).order_by(Category.position, Category.name)), session)


def featured(session: Session, limit: int = 8) -> list[Product]:
    query = (visible_products().where(Product.is_featured.is_(True))
             .options(joinedload(Product.category))
             .order_by(Product.position, Product.name).limit(limit))
    return with_tags(session, list(session.scalars(query)))


@dataclass(frozen=True)
class MenuFilters:
    query: str = ""
    category: str | None = None
    diets: tuple[str, ...] = ()
    free_from: tuple[str, ...] = ()
    sort: str = "featured"
    page: int = 1


@dataclass
class MenuPage:
    filters: MenuFilters
    products: list[Product]
    total: int
    page: int
    pages: int
    category: Category | None = None
    notices: list[str] = field(default_factory=list)

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def is_filtered(self) -> bool:
        f = self.filters
        return bool(f.query or f.category or f.diets or f.free_from)


def _filtered(filters: MenuFilters, dialect: str, category: Category | None):
    query = visible_products()
    if category is not None:
        query = query.where(Product.category_id == category.id)
    match = search.matches(filters.query, dialect)
    if match is not None:
        query = query.where(match)
    for diet in filters.diets:
        query = query.where(sa.exists().where(ProductDiet.product_id == Product.id, ProductDiet.diet == diet))
    if filters.free_from:
        query = query.where(~sa.exists().where(ProductAllergen.product_id == Product.id,
                                               ProductAllergen.allergen.in_(filters.free_from)))
    return query


def _ordering(filters: MenuFilters, dialect: str) -> list:
    featured_first = [Product.is_featured.desc(), Product.position, Product.name, Product.id]
    if filters.sort == "price-asc":
        return [Product.price, Product.name, Product.id]
    if filters.sort == "price-desc":
        return [Product.price.desc(), Product.name, Product.id]
    if filters.sort == "newest":
        return [Product.created_at.desc(), Product.id.desc()]
    if filters.sort == "relevance" and filters.query:
        rank = search.relevance(filters.query, dialect)
        return ([rank] if rank is not None else []) + featured_first
    if filters.sort == "rating":
        # Best average first, ties by number of reviews, then name; unrated products last.
        rating = _rating()
        return [sa.func.coalesce(rating.c.rating_total * 1.0 / sa.func.nullif(rating.c.review_count, 0), -1).desc(),
                sa.func.coalesce(rating.c.review_count, 0).desc(), Product.name, Product.id]
    return featured_first


def _rating():
    from ..reviews.models import ReviewSummary  # the one table menu reads from reviews

    return ReviewSummary.__table__


def browse(session: Session, filters: MenuFilters, category: Category | None = None) -> MenuPage:
    """One page of the menu for these filters. `category` is the row for filters.category,
    already looked up by the caller (None means all categories). Two statements: the page with
    the total counted alongside (a window function), and the page's diets and allergens; a page
    past the end costs a count and the last page again."""
    dialect = session.get_bind().dialect.name
    base = _filtered(filters, dialect, category)
    query = base.options(joinedload(Product.category)).add_columns(sa.func.count().over().label("total"))
    if filters.sort == "rating":
        query = query.outerjoin(_rating(), _rating().c.product_id == Product.id)
    query = query.order_by(*_ordering(filters, dialect)).limit(PAGE_SIZE)

    def page_of(number: int):
        return session.execute(query.offset((number - 1) * PAGE_SIZE)).all()

    page = max(filters.page, 1)
    rows = page_of(page)
    notices = []
    if rows:
        total = rows[0].total
    else:
        total = session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) if page > 1 else 0
    pages = max(1, math.ceil(total / PAGE_SIZE))
    if page > pages:
        notices.append(f"There is no page {filters.page}; this is the last page.")
        page = pages
        rows = page_of(page) if total else []
    products = with_tags(session, [row[0] for row in rows])
    return MenuPage(filters=filters, products=products, total=total, page=page, pages=pages,
                    category=category, notices=notices)


def product_by_slug(session: Session, slug: str) -> Product | None:
    """The product (its diets and allergens read with `related`'s, or on first use)."""
    return session.scalars(
        visible_products().where(Product.slug == slug).options(joinedload(Product.category))
    ).first()


def related(session: Session, product: Product, limit: int = 4) -> list[Product]:
    """Up to `limit` others from the product's category; the diets and allergens of these and
    of the product itself in one statement."""
    others = list(session.scalars(
        visible_products()
        .where(Product.category_id == product.category_id, Product.id != product.id)
        .order_by(Product.is_featured.desc(), Product.position, Product.name)
        .limit(limit)
    ))
    with_tags(session, [product, *others])
    return others


def stock_state(product: Product) -> tuple[str, str]:
    """(key, words) for the stock badge: in stock, only N left, or sold out."""
    if not product.track_stock:
        return "in-stock", "In stock"
    if product.stock_quantity <= 0:
        return "sold-out", "Sold out"
    if product.stock_quantity <= LOW_STOCK:
        return "low", f"Only {product.stock_quantity} left"
    return "in-stock", "In stock"
