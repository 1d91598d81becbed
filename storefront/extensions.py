"""Extension objects, unbound. `create_app` binds each with `init_app`."""
from __future__ import annotations

import logging

import redis as redis_lib
from flask import Flask
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy import MetaData
from werkzeug.local import LocalProxy

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
limiter = Limiter(key_func=get_remote_address)

log = logging.getLogger(__name__)


class RedisConnector:
    """Holds the app's Redis client: a real server when REDIS_URL is set, otherwise (outside
    production) an in-process fakeredis server, announced in the log."""

    def init_app(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        if url:
            options = dict(socket_timeout=2, socket_connect_timeout=2, health_check_interval=30)
            client = redis_lib.Redis.from_url(url, decode_responses=True, **options)
            raw_client = redis_lib.Redis.from_url(url, **options)
            app.config.setdefault("RATELIMIT_STORAGE_URI", url)
        else:
            import fakeredis  # development default only; production refuses to start without REDIS_URL

            server = fakeredis.FakeServer()
            client = fakeredis.FakeRedis(server=server, decode_responses=True)
            raw_client = fakeredis.FakeRedis(server=server)
            # The limiter cannot share fakeredis' process-local server; its in-memory store is the
            # equivalent here.
            app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
            app.logger.warning("REDIS_URL is not set: using an in-process Redis (fakeredis); "
                               "carts, sessions and rate limits live only as long as this process")
        app.extensions["redis"] = client
        # The same database answering in bytes, for stores that keep binary values (sessions).
        app.extensions["redis_bytes"] = raw_client


redis_connector = RedisConnector()


def _current_redis() -> redis_lib.Redis:
    from flask import current_app

    return current_app.extensions["redis"]


redis = LocalProxy(_current_redis)
