"""Small row builders: each returns a committed row with sensible defaults."""
from __future__ import annotations

import itertools
from datetime import time
from decimal import Decimal

from storefront.accounts.models import Role, User
from storefront.core.security import hash_password
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.menu.models import Category, Product, ProductAllergen, ProductDiet
from storefront.store.models import Closure, OpeningPeriod, StoreSettings

_seq = itertools.count(1)

PASSWORD = "correct horse battery"


def make_user(email: str | None = None, *, password: str = PASSWORD, name: str = "Alex Doe",
              role: Role = Role.CUSTOMER, verified: bool = True, **fields) -> User:
    """An account whose email address is confirmed unless `verified=False`."""
    user = User(email=email or f"user{next(_seq)}@example.com", name=name, role=role,
                password_hash=hash_password(password), email_verified_at=utcnow() if verified else None, **fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_store(**fields) -> StoreSettings:
    values = dict(name="Test Bakery", address="1 High Street, Bristol", phone="0117 000 0000",
                  email="shop@example.com", timezone="Europe/London", currency="GBP", locale="en_GB")
    values.update(fields)
    store = StoreSettings(**values)
    db.session.add(store)
    db.session.commit()
    return store


def make_hours(weekday: int, opens: str, closes: str) -> OpeningPeriod:
    def parse(value: str) -> time:
        h, m = value.split(":")
        return time(int(h), int(m))

    period = OpeningPeriod(weekday=weekday, opens_at=parse(opens), closes_at=parse(closes))
    db.session.add(period)
    db.session.commit()
    return period


def make_closure(starts_on, ends_on=None, reason: str = "Holiday") -> Closure:
    closure = Closure(starts_on=starts_on, ends_on=ends_on or starts_on, reason=reason)
    db.session.add(closure)
    db.session.commit()
    return closure


def make_category(name: str | None = None, **fields) -> Category:
    n = next(_seq)
    name = name or f"Category {n}"
    category = Category(name=name, slug=fields.pop("slug", f"{name.lower().replace(' ', '-')}-{n}"), **fields)
    db.session.add(category)
    db.session.commit()
    return category


def make_product(name: str | None = None, *, category: Category | None = None, price: str = "3.50",
                 diets: tuple[str, ...] = (), allergens: tuple[str, ...] = (), **fields) -> Product:
    n = next(_seq)
    name = name or f"Product {n}"
    product = Product(name=name, slug=fields.pop("slug", f"{name.lower().replace(' ', '-')}-{n}"),
                      category=category or make_category(), price=Decimal(price),
                      description=fields.pop("description", f"A lovely {name.lower()}."),
                      image_path=fields.pop("image_path", None), image_alt=fields.pop("image_alt", name),
                      **fields)
    product.diet_rows = [ProductDiet(diet=d) for d in diets]
    product.allergen_rows = [ProductAllergen(allergen=a) for a in allergens]
    db.session.add(product)
    db.session.commit()
    return product
