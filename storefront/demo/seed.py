"""Load the demo bakery-café. Idempotent: rows are matched by natural keys (slug, email,
weekday and time, date), so a second run finds everything in place and changes nothing."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import Role, User
from ..cakes.demo import seed_cakes
from ..core.security import hash_password
from ..core.time import to_zone, utcnow, zone
from ..loyalty.demo import seed_loyalty
from ..menu.models import Category, Product, ProductAllergen, ProductDiet
from ..reservations.demo import seed_reservations
from ..reviews.demo import seed_reviews
from ..store.models import Closure, OpeningPeriod, StoreSettings
from .catalogue import CATEGORIES, PRODUCTS
from .ordering import seed_ordering

STORE = {
    "name": "Crumb & Kettle",
    "address": "12 Mill Lane, Bristol BS1 4QA",
    "phone": "0117 496 0123",
    "email": "hello@crumbandkettle.example",
}

# Monday is 0 and closed; Friday and Saturday are split into day and supper service.
HOURS = {
    1: [("07:30", "17:00")],
    2: [("07:30", "17:00")],
    3: [("07:30", "17:00")],
    4: [("07:30", "14:30"), ("17:30", "22:00")],
    5: [("08:00", "14:30"), ("17:30", "22:00")],
    6: [("08:30", "15:00")],
}

DEMO_ACCOUNTS = (
    ("staff@crumbandkettle.example", "Sam Baker", Role.STAFF, "staff-demo-password"),
    ("admin@crumbandkettle.example", "Ada Owner", Role.ADMIN, "admin-demo-password"),
    ("customer@example.com", "Casey Customer", Role.CUSTOMER, "customer-demo-password"),
)


@dataclass
class SeedReport:
    created: dict[str, int] = field(default_factory=dict)
    accounts: list[tuple[str, str, str]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n

    @property
    def changed(self) -> bool:
        return bool(self.created)


def _hhmm(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def seed_store(session: Session, defaults: dict, report: SeedReport) -> StoreSettings:
    settings = session.scalars(sa.select(StoreSettings).limit(1)).first()
    if settings is None:
        settings = StoreSettings(timezone=defaults["timezone"], currency=defaults["currency"],
                                 locale=defaults["locale"], **STORE)
        session.add(settings)
        report.count("store settings")
    for weekday, periods in HOURS.items():
        for opens, closes in periods:
            exists = session.scalar(sa.select(OpeningPeriod.id).where(
                OpeningPeriod.weekday == weekday, OpeningPeriod.opens_at == _hhmm(opens)))
            if exists is None:
                session.add(OpeningPeriod(weekday=weekday, opens_at=_hhmm(opens), closes_at=_hhmm(closes)))
                report.count("opening periods")
    return settings


def upcoming_closure_day(today: date) -> date:
    """The demo's closure: the 1st of next month (staff training), always ahead of today."""
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def seed_closure(session: Session, today: date, report: SeedReport) -> None:
    if session.scalar(sa.select(Closure.id).where(Closure.ends_on >= today).limit(1)) is None:
        day = upcoming_closure_day(today)
        session.add(Closure(starts_on=day, ends_on=day, reason="Closed for staff training"))
        report.count("closures")


def seed_catalogue(session: Session, report: SeedReport) -> None:
    by_slug = {c.slug: c for c in session.scalars(sa.select(Category))}
    for data in CATEGORIES:
        if data["slug"] not in by_slug:
            category = Category(**data)
            session.add(category)
            by_slug[data["slug"]] = category
            report.count("categories")
    existing = set(session.scalars(sa.select(Product.slug)))
    for data in PRODUCTS:
        if data["slug"] in existing:
            continue
        product = Product(
            slug=data["slug"], name=data["name"], category=by_slug[data["category"]],
            description=data["description"], price=Decimal(data["price"]),
            image_path=f"img/products/{data['slug']}.svg", image_alt=data["image_alt"],
            track_stock=data["track_stock"], stock_quantity=data["stock"],
            is_featured=data["featured"], position=data["position"],
            customizable=data.get("customizable", False),
        )
        product.diet_rows = [ProductDiet(diet=d) for d in data["diets"]]
        product.allergen_rows = [ProductAllergen(allergen=a) for a in data["allergens"]]
        session.add(product)
        report.count("products")


def seed_accounts(session: Session, report: SeedReport) -> None:
    for email, name, role, password in DEMO_ACCOUNTS:
        report.accounts.append((role.value, email, password))
        if session.scalar(sa.select(User.id).where(User.email == email)) is None:
            # Demo addresses count as confirmed, so the demo shows what a verified customer sees.
            session.add(User(email=email, name=name, role=role, password_hash=hash_password(password),
                             email_verified_at=utcnow()))
            report.count("accounts")


def seed_demo(session: Session, defaults: dict) -> SeedReport:
    report = SeedReport()
    settings = seed_store(session, defaults, report)
    local_today = to_zone(utcnow(), zone(settings.timezone)).date()
    seed_closure(session, local_today, report)
    seed_catalogue(session, report)
    session.flush()
    seed_ordering(session, report)
    seed_accounts(session, report)
    seed_cakes(session, report)
    session.flush()
    seed_reservations(session, tz=zone(settings.timezone), today=local_today, report=report)
    seed_reviews(session, report)
    seed_loyalty(session, report)
    session.commit()
    return report
