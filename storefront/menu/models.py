"""Categories and products, with dietary tags and allergens."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import Money, SoftDeleteMixin, TimestampMixin
from ..extensions import db

# Where the back office stores uploaded product photos, inside the static folder.
UPLOADED_IMAGES = "uploads/products/"

# Dietary tags a product can carry, in the order filters show them.
DIETS = {
    "vegetarian": "Vegetarian",
    "vegan": "Vegan",
    "gluten-free": "Gluten-free",
    "nut-free": "Nut-free",
    "dairy-free": "Dairy-free",
}

# The 14 allergens UK and EU food law requires a shop to declare.
ALLERGENS = {
    "celery": "Celery",
    "gluten": "Cereals containing gluten",
    "crustaceans": "Crustaceans",
    "eggs": "Eggs",
    "fish": "Fish",
    "lupin": "Lupin",
    "milk": "Milk",
    "molluscs": "Molluscs",
    "mustard": "Mustard",
    "tree-nuts": "Tree nuts",
    "peanuts": "Peanuts",
    "sesame": "Sesame",
    "soya": "Soya",
    "sulphites": "Sulphur dioxide and sulphites",
}


class Category(TimestampMixin, db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    products: Mapped[list[Product]] = relationship(back_populates="category")


class Product(TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="price_not_negative"),
        sa.CheckConstraint("stock_quantity >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("categories.id"), index=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    slug: Mapped[str] = mapped_column(sa.String(140), unique=True, nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    price: Mapped[Decimal] = mapped_column(Money, nullable=False)
    image_path: Mapped[str | None] = mapped_column(sa.String(255))
    image_alt: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    track_stock: Mapped[bool] = mapped_column(default=False, nullable=False)
    stock_quantity: Mapped[int] = mapped_column(default=0, nullable=False)
    is_available: Mapped[bool] = mapped_column(default=True, nullable=False)
    is_featured: Mapped[bool] = mapped_column(default=False, nullable=False)
    # A custom cake: the menu leads to the cake builder instead of "Add to cart".
    customizable: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), nullable=False)
    position: Mapped[int] = mapped_column(default=0, nullable=False)

    category: Mapped[Category] = relationship(back_populates="products")
    diet_rows: Mapped[list[ProductDiet]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    allergen_rows: Mapped[list[ProductAllergen]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    # Pages that list products read every product's diets and allergens in one statement
    # (`menu.service.with_tags`) and leave them here as (diets, allergens); otherwise the rows.
    preloaded_tags = None

    @property
    def card_image_path(self) -> str | None:
        """The menu card's 400 × 300 photo: an uploaded photo has one beside its 800 × 600 file
        (staff.catalogue.images); drawn artwork is one file for every size."""
        path = self.image_path
        if path and path.startswith(UPLOADED_IMAGES) and path.endswith(".jpg"):
            return path.removesuffix(".jpg") + "-400.jpg"
        return path

    @property
    def diets(self) -> list[str]:
        if self.preloaded_tags is not None:
            return self.preloaded_tags[0]
        return sorted((row.diet for row in self.diet_rows), key=list(DIETS).index)

    @property
    def allergens(self) -> list[str]:
        if self.preloaded_tags is not None:
            return self.preloaded_tags[1]
        return sorted((row.allergen for row in self.allergen_rows), key=list(ALLERGENS).index)


class ProductDiet(db.Model):
    __tablename__ = "product_diets"

    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    diet: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class ProductAllergen(db.Model):
    __tablename__ = "product_allergens"

    product_id: Mapped[int] = mapped_column(sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    allergen: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


def search_document():
    """What full-text search reads on PostgreSQL: name and description, English stemming. The GIN
    index below is built on exactly this expression, and queries must use it unchanged."""
    return sa.func.to_tsvector(sa.literal_column("'english'"),
                               Product.name.op("||")(sa.literal_column("' '")).op("||")(Product.description))


sa.Index("ix_products_search", search_document(), postgresql_using="gin").ddl_if(dialect="postgresql")
