"""A realistic shop for the benchmark: the demo bakery, then 300 more products, 20,000 orders
(with lines and status history), 5,000 product reviews (and their summaries) and 2,000 table
reservations, bulk-inserted in batches (executemany, pipelined by psycopg). Run by
`benchmarks/run.py`; on its own:

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python benchmarks/dataset.py
"""
from __future__ import annotations

import hashlib
import os
import random
import sys
import time as clock
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EXTRA_PRODUCTS = 300
ORDERS = 20_000
REVIEWS = 5_000
RESERVATIONS = 2_000
BATCH = 2_000
# The product place-order buys: tracked stock, so the run can check nothing was oversold.
STOCKED_SLUG = "bench-stocked-bun"
STOCKED_QUANTITY = 100_000

WORDS = ("chocolate", "almond", "rye", "seeded", "honey", "lemon", "cardamom", "pistachio", "oat", "cherry",
         "walnut", "sesame", "orange", "ginger", "vanilla", "cinnamon", "spelt", "apricot", "fig", "hazelnut")


def insert(session, model, rows: list[dict]) -> None:
    for start in range(0, len(rows), BATCH):
        session.execute(sa.insert(model), rows[start:start + BATCH])


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load(session) -> dict[str, int]:
    """Fill an empty schema; returns counts."""
    from storefront.accounts.models import Role, User
    from storefront.checkout.models import OrderingRules
    from storefront.demo.seed import seed_demo
    from storefront.menu.models import Category, Product, ProductAllergen, ProductDiet
    from storefront.orders.models import Order, OrderLine, OrderStatusChange
    from storefront.reservations.models import DiningTable, Reservation, TableClaim
    from storefront.reviews.models import Review, ReviewSummary
    from storefront.store.models import Closure, OpeningPeriod

    rng = random.Random(16)
    seed_demo(session, {"name": "Crumb & Kettle", "timezone": "Europe/London", "currency": "GBP",
                        "locale": "en_GB"})
    # Open round the clock and no closure, so every page and place-order has slots whatever the
    # hour of the run; plenty of room in each slot.
    session.execute(sa.delete(OpeningPeriod))
    session.execute(sa.delete(Closure))
    session.add_all(OpeningPeriod(weekday=d, opens_at=time(0, 0), closes_at=time(23, 59)) for d in range(7))
    rules = session.scalars(sa.select(OrderingRules)).first()
    rules.orders_per_slot = 1_000_000
    rules.preparation_minutes = 0
    rules.last_order_minutes = 0
    session.commit()

    categories = list(session.scalars(sa.select(Category)))
    now = datetime.now(UTC)
    products = []
    for i in range(EXTRA_PRODUCTS):
        a, b = rng.sample(WORDS, 2)
        products.append(dict(category_id=categories[i % len(categories)].id, name=f"{a.title()} and {b} bake {i}",
                             slug=f"bench-item-{i}", description=f"A {a} and {b} bake, made fresh each morning. " * 3,
                             price=Decimal(rng.randrange(150, 1200)) / 100, image_alt="", is_featured=i % 40 == 0,
                             position=100 + i, track_stock=i % 3 == 0, stock_quantity=rng.randrange(0, 50)))
    products.append(dict(category_id=categories[0].id, name="Bench stocked bun", slug=STOCKED_SLUG,
                         description="The bun the place-order run buys.", price=Decimal("2.50"), image_alt="",
                         track_stock=True, stock_quantity=STOCKED_QUANTITY, position=1))
    insert(session, Product, products)
    ids = list(session.scalars(sa.select(Product.id).where(Product.slug.like("bench-item-%"))))
    insert(session, ProductDiet, [dict(product_id=p, diet="vegetarian") for p in ids[::2]])
    insert(session, ProductAllergen, [dict(product_id=p, allergen=a) for p in ids for a in ("gluten", "milk")])

    users = [dict(email=f"bench{i}@example.com", name=f"Bench Customer {i}", role=Role.CUSTOMER,
                  password_hash="!") for i in range(500)]
    insert(session, User, users)
    user_ids = list(session.scalars(sa.select(User.id).where(User.email.like("bench%"))))
    all_products = list(session.execute(sa.select(Product.id, Product.name, Product.price)))

    orders, started = [], clock.monotonic()
    for i in range(ORDERS):
        at = now - timedelta(minutes=rng.randrange(1, 365 * 24 * 60))
        orders.append(dict(number=f"B{i:07d}", access_token_hash=digest(f"order-{i}"), idempotency_key=f"bench-{i}",
                           user_id=rng.choice(user_ids), customer_name="Bench Customer",
                           customer_email=f"bench{i % 500}@example.com", customer_phone="0117 496 0000",
                           fulfilment="pickup", is_asap=False, scheduled_for=at, slot_start=at, subtotal=Decimal("9.00"),
                           discount=Decimal("0"), delivery_fee=Decimal("0"), total=Decimal("9.00"),
                           tax_included=Decimal("1.50"), payment_method="in_person", payment_status="unpaid",
                           status="completed", created_at=at, updated_at=at))
    insert(session, Order, orders)
    order_ids = list(session.scalars(sa.select(Order.id).where(Order.number.like("B%"))))
    lines, history = [], []
    for order_id in order_ids:
        for product_id, name, price in rng.sample(all_products, 2):
            lines.append(dict(order_id=order_id, product_id=product_id, name=name, unit_price=price, quantity=1,
                              line_total=price))
        history.append(dict(order_id=order_id, from_status=None, to_status="placed", note=""))
    insert(session, OrderLine, lines)
    insert(session, OrderStatusChange, history)

    reviews, totals = [], {}
    for i in range(REVIEWS):
        product_id = all_products[i % len(all_products)][0]
        rating = rng.choice((3, 4, 4, 5, 5))
        reviews.append(dict(kind="product", subject_key=f"product:{product_id}:bench:{i}", user_id=rng.choice(user_ids),
                            product_id=product_id, rating=rating, title="Lovely", body="Fresh, and worth the walk. " * 4,
                            verified=True, status="published"))
        count, total = totals.get(product_id, (0, 0))
        totals[product_id] = (count + 1, total + rating)
    insert(session, Review, reviews)
    session.execute(sa.delete(ReviewSummary).where(ReviewSummary.product_id.in_(list(totals))))
    insert(session, ReviewSummary, [dict(subject=f"product:{p}", product_id=p, review_count=c, rating_total=t)
                                    for p, (c, t) in totals.items()])

    tables = list(session.scalars(sa.select(DiningTable.id)))
    reservations, claims, n = [], [], 0
    day = now.date() - timedelta(days=60)
    while n < RESERVATIONS:
        for hour in (12, 14, 16, 18, 20):
            for table_id in tables:
                if n >= RESERVATIONS:
                    break
                starts = datetime.combine(day, time(hour), UTC)
                reservations.append(dict(reference=f"BR{n:08d}", status="confirmed", party_size=2, starts_at=starts,
                                         ends_at=starts + timedelta(minutes=90), local_date=day, name="Bench Diner",
                                         email=f"diner{n}@example.com", manage_token_hash=digest(f"res-{n}"),
                                         idempotency_key=f"bench-res-{n}"))
                claims.append((f"BR{n:08d}", table_id, starts))
                n += 1
        day += timedelta(days=1)
    insert(session, Reservation, reservations)
    by_reference = dict(session.execute(sa.select(Reservation.reference, Reservation.id)
                                        .where(Reservation.reference.like("BR%"))).all())
    insert(session, TableClaim, [dict(reservation_id=by_reference[ref], table_id=t, starts_at=s,
                                      ends_at=s + timedelta(minutes=90)) for ref, t, s in claims])
    session.commit()
    counts = {name: session.scalar(sa.select(sa.func.count()).select_from(model)) for name, model in
              (("products", Product), ("orders", Order), ("order lines", OrderLine), ("reviews", Review),
               ("reservations", Reservation))}
    counts["seconds"] = round(clock.monotonic() - started, 1)
    return counts


def main() -> None:
    from storefront import create_app
    from storefront.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"]})
    with app.app_context():
        db.drop_all()
        db.create_all()
        print(load(db.session))


if __name__ == "__main__":
    main()
