"""Settings come from the environment; production refuses to start half-configured."""
from __future__ import annotations

import pytest

from storefront.config import ConfigError, database_url, settings_for

pytestmark = pytest.mark.no_db


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL", "REDIS_URL"])
def test_production_refuses_to_start_without_essentials(monkeypatch, missing):
    env = {"SECRET_KEY": "k" * 32, "DATABASE_URL": "postgresql://db/shop", "REDIS_URL": "redis://cache:6379/0"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(missing)
    with pytest.raises(ConfigError, match=f"^{missing} must be set in production$"):
        settings_for("production")


def test_production_reads_everything_from_the_environment(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "k" * 32)
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db/shop")
    monkeypatch.setenv("REDIS_URL", "redis://cache:6379/0")
    monkeypatch.setenv("STORE_TIMEZONE", "Europe/Paris")
    monkeypatch.setenv("STORE_CURRENCY", "EUR")
    monkeypatch.setenv("MAIL_PORT", "2525")
    settings = settings_for("production")
    assert settings["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db/shop"
    assert settings["STORE_TIMEZONE"] == "Europe/Paris" and settings["STORE_CURRENCY"] == "EUR"
    assert settings["MAIL_PORT"] == 2525
    assert settings["SESSION_COOKIE_SECURE"] and settings["HSTS"]


def test_bad_values_name_the_setting(monkeypatch):
    monkeypatch.setenv("MAIL_PORT", "twenty-five")
    with pytest.raises(ConfigError, match="MAIL_PORT must be a whole number"):
        settings_for("development")
    with pytest.raises(ConfigError, match="STOREFRONT_ENV must be one of"):
        settings_for("staging")


def test_development_defaults_to_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REDIS_URL", raising=False)
    settings = settings_for("development")
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert settings["SQLALCHEMY_DATABASE_URI"].endswith("instance/storefront.sqlite3")
    assert settings["REDIS_URL"] is None


def test_database_url_points_postgres_at_psycopg3():
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_development_without_redis_url_logs_the_in_process_redis(monkeypatch, caplog, make_app):
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = make_app("development")
    assert type(app.extensions["redis"]).__module__.startswith("fakeredis")
    assert any("in-process Redis" in r.getMessage() for r in caplog.records)
