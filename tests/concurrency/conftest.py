"""Concurrency tests use real servers: the suite's Redis when TEST_REDIS_URL is set, otherwise a
throwaway redis-server; PostgreSQL when TEST_DATABASE_URL is set."""
from __future__ import annotations

import os

import pytest

from tests.support.servers import RedisProcess


@pytest.fixture(scope="session")
def real_redis_url():
    url = os.environ.get("TEST_REDIS_URL")
    if url:
        yield url
        return
    server = RedisProcess()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def real_redis(real_redis_url):
    import redis

    client = redis.Redis.from_url(real_redis_url, decode_responses=True)
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture(scope="session")
def postgres_url(app):
    """A PostgreSQL database for the concurrency proofs: the suite's own when it runs on
    PostgreSQL, otherwise a throwaway one on the local server, dropped at the end."""
    import uuid

    import sqlalchemy as sa

    from storefront.config import database_url
    from storefront.extensions import db

    suite_url = app.config["SQLALCHEMY_DATABASE_URI"]
    if suite_url.startswith("postgresql"):
        yield suite_url
        return
    server = database_url(os.environ.get("CONCURRENCY_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    name = f"storefront_concurrency_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    engine = sa.create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_app(make_app, postgres_url, real_redis, real_redis_url):
    """An app on PostgreSQL and a real Redis, with an emptied database, pushed as the context."""
    from storefront.extensions import db
    from tests.conftest import clean_database

    # Every simulated customer comes from 127.0.0.1: per-IP rate limits would cut the crowd
    # short, and they are not what these tests prove (tests/integration covers them).
    app = make_app(SQLALCHEMY_DATABASE_URI=postgres_url, REDIS_URL=real_redis_url, RATELIMIT_ENABLED=False,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": 40, "max_overflow": 10, "pool_pre_ping": True})
    with app.app_context():
        clean_database()
        yield app
        db.session.remove()
        db.engine.dispose()
