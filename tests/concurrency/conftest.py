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
