"""Demo data, the column types every table uses, and the migrations."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from storefront.accounts.models import User
from storefront.core.outbox import OutboxMessage
from storefront.extensions import db
from storefront.menu.models import ALLERGENS, DIETS, Category, Product
from storefront.store.models import Closure, OpeningPeriod

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def include_object(obj, name, type_, reflected, compare_to):
    """The same filter as migrations/env.py: expression indexes are checked by name below."""
    return not (type_ == "index" and name == "ix_products_search")


def test_seed_demo_loads_a_believable_shop_and_is_idempotent(app, app_ctx):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "customer@example.com" in first.output and "customer-demo-password" in first.output
    counts = {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
              for model in (Category, Product, OpeningPeriod, Closure, User)}
    assert counts["Category"] >= 6 and counts["Product"] >= 40
    products = db.session.scalars(sa.select(Product)).all()
    for product in products:
        assert product.description and product.image_alt and product.price > 0
        assert (PROJECT_ROOT / "static" / product.image_path).is_file()
        assert set(product.diets) <= set(DIETS) and set(product.allergens) <= set(ALLERGENS)
    weekdays = [p.weekday for p in db.session.scalars(sa.select(OpeningPeriod))]
    assert any(weekdays.count(day) > 1 for day in set(weekdays))  # a split day
    assert db.session.scalars(sa.select(Closure)).one().starts_on > datetime.now(UTC).date()
    assert {u.role.value for u in db.session.scalars(sa.select(User))} == {"staff", "admin", "customer"}

    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert counts == {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                      for model in (Category, Product, OpeningPeriod, Closure, User)}


def test_demo_accounts_can_sign_in(app, auth, app_ctx):
    app.test_cli_runner().invoke(args=["seed-demo"])
    assert auth.login("customer@example.com", "customer-demo-password").status_code == 303


def test_times_come_back_aware_utc(app_ctx):
    paris = timezone(timedelta(hours=2))
    message = OutboxMessage(to_address="a@example.com", subject="s", body_text="b",
                            created_at=datetime(2026, 6, 1, 14, 0, tzinfo=paris))
    db.session.add(message)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, message.id).created_at
    assert stored.tzinfo is not None and stored.utcoffset() == timedelta(0)
    assert stored == datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


def test_naive_datetimes_are_refused(app_ctx):
    db.session.add(OutboxMessage(to_address="a@example.com", subject="s", body_text="b",
                                 created_at=datetime(2026, 6, 1, 12, 0)))
    with pytest.raises(sa.exc.StatementError):
        db.session.commit()
    db.session.rollback()


@pytest.fixture
def empty_database(app):
    """A new, empty database of the suite's engine: a fresh SQLite file, or a throwaway
    PostgreSQL database beside the test one."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        path = Path(app.config["MAIL_FILE_DIR"]).parent / f"migrations-{uuid.uuid4().hex}.sqlite3"
        yield f"sqlite:///{path}"
        path.unlink(missing_ok=True)
        return
    name = f"storefront_migrations_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_migrations_build_exactly_the_models_schema_and_downgrade_to_nothing(empty_database, make_app):
    migrated = make_app(SQLALCHEMY_DATABASE_URI=empty_database)
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                             "include_object": include_object})
            differences = compare_metadata(context, db.metadata)
            indexes = {ix["name"] for ix in sa.inspect(conn).get_indexes("products")}
        assert differences == [], f"migrations and models differ: {differences}"
        if db.engine.dialect.name == "postgresql":
            assert "ix_products_search" in indexes

        downgrade(revision="base")
        with db.engine.connect() as conn:
            left = set(sa.inspect(conn).get_table_names()) - {"alembic_version"}
        assert left == set()
        db.engine.dispose()
