"""Settings from the environment, one function per environment.

The environment is read when `settings_for()` is called (inside `create_app`), never at import,
so a test can set variables or hand the factory its own mapping.
"""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message is one line naming it."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_bool(name: str, default: bool) -> bool:
    value = _env(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = _env(name)
    try:
        return default if value is None else int(value)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None


def database_url(url: str | None) -> str | None:
    """Point plain PostgreSQL URLs at psycopg 3, the driver we ship."""
    if url and url.startswith(("postgres://", "postgresql://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def instance_path() -> Path:
    return Path(_env("INSTANCE_PATH", str(PROJECT_ROOT / "instance")))


def base_settings() -> dict:
    instance = instance_path()
    return {
        "ENV_NAME": "base",
        "SECRET_KEY": _env("SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url(_env("DATABASE_URL"))
        or f"sqlite:///{instance / 'storefront.sqlite3'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": _env("REDIS_URL"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Pages the same for every signed-out visitor are kept this long at most (core.pagecache);
        # 0 renders every page afresh.
        "PAGE_CACHE_SECONDS": _env_int("PAGE_CACHE_SECONDS", 60),
        # A Redis outage must not take pages down with it: the limiter lets requests through.
        "RATELIMIT_SWALLOW_ERRORS": True,
        # Store defaults: copied into the store settings row when it is first created.
        "STORE_NAME": _env("STORE_NAME", "Crumb & Kettle"),
        "STORE_TIMEZONE": _env("STORE_TIMEZONE", "Europe/London"),
        "STORE_CURRENCY": _env("STORE_CURRENCY", "GBP"),
        "STORE_LOCALE": _env("STORE_LOCALE", "en_GB"),
        # Reviews containing one of these words (comma-separated) wait for staff before showing.
        "REVIEW_BLOCKLIST": _env("REVIEW_BLOCKLIST", ""),
        "MAIL_SERVER": _env("MAIL_SERVER"),
        "MAIL_PORT": _env_int("MAIL_PORT", 587),
        "MAIL_USERNAME": _env("MAIL_USERNAME"),
        "MAIL_PASSWORD": _env("MAIL_PASSWORD"),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
        "MAIL_TIMEOUT": _env_int("MAIL_TIMEOUT", 10),
        "MAIL_DEFAULT_SENDER": _env("MAIL_DEFAULT_SENDER", "Crumb & Kettle <hello@crumbandkettle.example>"),
        "MAIL_FILE_DIR": _env("MAIL_FILE_DIR", str(instance / "mail")),
        # Links inside emails are built outside any request, so they need the public address.
        "PUBLIC_URL": _env("PUBLIC_URL", "http://127.0.0.1:5000"),
        "MAX_CONTENT_LENGTH": _env_int("MAX_CONTENT_LENGTH", 6 * 1024 * 1024),
        # How many proxies in front of the app set X-Forwarded-* headers we may trust.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        # Sessions are stored in Redis (core.sessions) and end after 30 days without a request.
        # "Remember me" keeps the session cookie for those 30 days instead of until the browser
        # closes; there is no separate remember-me cookie to outlive a sign-out.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": False,
        "HSTS": False,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # A staff member's session ends after this long without a request (shared tills).
        "STAFF_IDLE_MINUTES": _env_int("STAFF_IDLE_MINUTES", 30),
        "PRIVACY_GUEST_DAYS": _env_int("PRIVACY_GUEST_DAYS", 365),
        "PRIVACY_OUTBOX_DAYS": _env_int("PRIVACY_OUTBOX_DAYS", 30),
        # argon2id cost (RFC 9106's second recommended profile); tests lower it.
        "PASSWORD_HASH_TIME_COST": 3,
        "PASSWORD_HASH_MEMORY_COST": 65536,
        "PASSWORD_RESET_MAX_AGE_SECONDS": 3600,
        "LOG_LEVEL": _env("LOG_LEVEL", "INFO"),
        # /dev/emails shows every email with demo data: development and tests only.
        "EMAIL_PREVIEWS": False,
    }


def development_settings() -> dict:
    settings = base_settings()
    settings["ENV_NAME"] = "development"
    # A fixed key is acceptable on a developer's machine only; production refuses to start without one.
    settings["SECRET_KEY"] = settings["SECRET_KEY"] or "development-only-secret-key"
    settings["EMAIL_PREVIEWS"] = True
    return settings


def testing_settings() -> dict:
    settings = base_settings()
    settings.update(
        ENV_NAME="test",
        TESTING=True,
        SECRET_KEY="test-secret-key",
        SQLALCHEMY_DATABASE_URI=database_url(_env("TEST_DATABASE_URL")) or "sqlite://",
        REDIS_URL=_env("TEST_REDIS_URL") or _env("REDIS_URL"),
        PASSWORD_HASH_TIME_COST=1,
        PASSWORD_HASH_MEMORY_COST=1024,
        MAIL_SERVER=None,
        EMAIL_PREVIEWS=True,
    )
    return settings


def production_settings() -> dict:
    settings = base_settings()
    settings.update(
        ENV_NAME="production",
        SQLALCHEMY_DATABASE_URI=database_url(_env("DATABASE_URL")),
        SESSION_COOKIE_SECURE=True,
        REMEMBER_COOKIE_SECURE=True,
        HSTS=True,
    )
    return settings


def check_production(settings: dict) -> None:
    for key, env_name in (("SECRET_KEY", "SECRET_KEY"), ("SQLALCHEMY_DATABASE_URI", "DATABASE_URL"),
                          ("REDIS_URL", "REDIS_URL")):
        if not settings.get(key):
            raise ConfigError(f"{env_name} must be set in production")


SETTINGS = {
    "development": development_settings,
    "test": testing_settings,
    "production": production_settings,
}


def settings_for(name: str | None = None) -> dict:
    name = name or _env("STOREFRONT_ENV", "development")
    if name not in SETTINGS:
        raise ConfigError(f"STOREFRONT_ENV must be one of {', '.join(SETTINGS)}, not {name!r}")
    settings = SETTINGS[name]()
    if name == "production":
        check_production(settings)
    return settings
