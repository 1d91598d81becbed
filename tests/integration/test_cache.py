"""The shared cache (storefront.core.cache): pages read the shop's settings, hours, closures,
floor and categories without a statement, and any committed ORM write to those tables — made
by a screen that knows nothing of the cache — is seen on the very next request. Across
processes: tests/concurrency/test_scale_out.py."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from storefront.core.cache import VERSION_KEY
from storefront.core.time import utcnow
from storefront.extensions import db
from storefront.menu.models import Category, Product
from storefront.store.models import OpeningPeriod, StoreSettings
from tests.support.builders import make_category, make_closure, make_hours, make_product, make_store


@pytest.fixture
def shop(app_ctx):
    make_store(name="Crumb Test")
    for weekday in range(7):
        make_hours(weekday, "00:00", "23:59")
    make_product("Sourdough loaf", price="4.20", slug="sourdough-loaf", category=make_category("Breads"))


def statements_on(client, count_queries, url: str) -> list[str]:
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.statements


def version(app, table: str) -> str | None:
    return app.extensions["redis"].get(VERSION_KEY.format(table))


def test_a_warm_page_reads_no_settings_hours_or_categories(client, count_queries, shop):
    client.get("/menu")
    sent = " ".join(statements_on(client, count_queries, "/menu"))
    for table in ("store_settings", "opening_periods", "closures", "ordering_rules", "categories"):
        assert f"FROM {table}" not in sent, table


def test_a_settings_change_through_the_orm_is_seen_on_the_next_request(client, shop):
    assert "Crumb Test" in client.get("/").get_data(as_text=True)
    row = db.session.scalars(sa.select(StoreSettings)).one()
    row.name = "Kettle Renamed"
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Kettle Renamed" in page and "Crumb Test" not in page


def test_hours_and_closures_changed_through_the_orm_are_seen_at_once(client, shop):
    assert "Oven repairs" not in client.get("/hours").get_data(as_text=True)
    today = utcnow().date()
    make_closure(today - timedelta(days=1), today + timedelta(days=1), reason="Oven repairs")
    assert "Oven repairs" in client.get("/hours").get_data(as_text=True)
    # A bulk ORM statement (no objects loaded) counts as a write too.
    db.session.execute(sa.delete(OpeningPeriod))
    db.session.commit()
    assert "Open until" not in client.get("/").get_data(as_text=True)


def test_a_price_and_a_stock_claim_sent_as_an_update_statement_renew_the_catalogue(app, client, shop):
    before = version(app, "products")
    client.get("/menu")
    before = version(app, "products")
    db.session.execute(sa.update(Product).where(Product.slug == "sourdough-loaf").values(price=Decimal("4.95")))
    db.session.commit()
    assert version(app, "products") != before
    assert "£4.95" in client.get("/menu/sourdough-loaf").get_data(as_text=True)


def test_a_category_renamed_is_seen_by_the_menu(client, shop):
    assert "Breads" in client.get("/menu").get_data(as_text=True)
    db.session.scalars(sa.select(Category)).one().name = "Loaves"
    db.session.commit()
    assert "Loaves" in client.get("/menu").get_data(as_text=True)


def test_a_rolled_back_write_renews_nothing_and_an_unrelated_write_keeps_the_settings(app, client, shop):
    client.get("/")
    settings_version = version(app, "store_settings")
    row = db.session.scalars(sa.select(StoreSettings)).one()
    row.name = "Never saved"
    db.session.flush()
    db.session.rollback()
    assert version(app, "store_settings") == settings_version
    assert "Never saved" not in client.get("/").get_data(as_text=True)
    make_product("Another bun")
    assert version(app, "store_settings") == settings_version


def test_the_settings_handed_out_are_copies_that_still_save_when_changed(app, shop):
    from storefront.core.settings import load_settings

    with app.test_request_context("/"):
        copy = load_settings(db.session, StoreSettings)
        copy.phone = "0117 999 9999"
        db.session.add(copy)
        db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(sa.select(StoreSettings.phone)).one() == "0117 999 9999"


def test_without_redis_every_request_reads_the_database(app, client, count_queries, shop):
    from unittest import mock

    from redis.exceptions import ConnectionError as RedisDown

    client.get("/")
    with mock.patch.object(app.extensions["redis"], "mget", side_effect=RedisDown("down")), \
            mock.patch.object(app.extensions["redis_bytes"], "pipeline", side_effect=RedisDown("down")):
        sent = " ".join(statements_on(client, count_queries, "/hours"))
    assert "FROM store_settings" in sent and "FROM opening_periods" in sent


def test_with_a_session_the_versions_come_in_the_sessions_round_trip_and_changes_are_still_seen(
        app, client, count_queries, shop):
    from unittest import mock

    client.get("/")
    assert client.get_cookie("session") is not None  # the page's CSRF token started a session
    client.get("/hours")
    redis = app.extensions["redis"]
    with mock.patch.object(redis, "mget", wraps=redis.mget) as mget:
        sent = statements_on(client, count_queries, "/hours")
        assert mget.call_count == 0  # no round trip of its own for the versions
        assert not any("FROM store_settings" in s or "FROM opening_periods" in s for s in sent)
        today = utcnow().date()
        make_closure(today - timedelta(days=1), today + timedelta(days=1), reason="Oven repairs")
        assert "Oven repairs" in client.get("/hours").get_data(as_text=True)
        assert mget.call_count == 0
