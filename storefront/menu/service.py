"""Reading the menu for customers: only available, not-deleted products."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from .models import Category, Product


def visible_products():
    """The base query for anything a customer may see."""
    return sa.select(Product).where(Product.deleted_at.is_(None), Product.is_available.is_(True))


def categories(session: Session) -> list[Category]:
    return list(session.scalars(sa.select(Category).order_by(Category.position, Category.name)))


def featured(session: Session, limit: int = 8) -> list[Product]:
    query = (visible_products().where(Product.is_featured.is_(True))
             .options(selectinload(Product.category))
             .order_by(Product.position, Product.name).limit(limit))
    return list(session.scalars(query))
