"""The storefront of a bakery-café: `create_app()` assembles it from named steps."""
from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import PROJECT_ROOT, instance_path, settings_for


def create_app(config: str | Mapping | None = None) -> Flask:
    """`config` is an environment name ("development", "test", "production") or a mapping laid
    over the test settings; by default STOREFRONT_ENV decides."""
    if isinstance(config, Mapping):
        settings = settings_for("test") | dict(config)
    else:
        settings = settings_for(config)

    app = Flask(
        __name__,
        instance_path=str(instance_path()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.update(settings)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    configure_logging(app)
    register_extensions(app)
    register_input_rules(app)
    register_blueprints(app)
    register_error_handlers(app)
    register_template_helpers(app)
    register_commands(app)
    if app.config["TRUSTED_PROXIES"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"],
                                x_proto=app.config["TRUSTED_PROXIES"], x_host=app.config["TRUSTED_PROXIES"])
    return app


def configure_logging(app: Flask) -> None:
    from .core.logging import configure_logging as configure

    configure(app)


def register_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  every table registered before Alembic looks
    from .accounts.auth import init_login
    from .core.cache import init_cache
    from .core.compression import init_compression
    from .core.fragments import init_fragments
    from .core.pagecache import init_page_cache
    from .core.security import init_security
    from .core.sessions import init_sessions
    from .extensions import csrf, db, htmx, limiter, migrate, redis_connector

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True,
                     compare_type=True)
    csrf.init_app(app)
    init_page_cache(app)
    init_fragments(app)
    htmx.init_app(app)
    redis_connector.init_app(app)
    init_sessions(app)
    limiter.init_app(app)
    init_login(app)
    init_security(app)
    init_cache()
    init_compression(app)


def register_input_rules(app: Flask) -> None:
    from .core.inputs import init_input_rules

    init_input_rules(app)


def register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .cakes import bp as cakes_bp
    from .cart import bp as cart_bp
    from .checkout import bp as checkout_bp
    from .core.health import bp as health_bp
    from .loyalty import bp as loyalty_bp
    from .menu import bp as menu_bp
    from .orders import bp as orders_bp
    from .privacy import bp as privacy_bp
    from .reservations import bp as reservations_bp
    from .reviews import bp as reviews_bp
    from .staff import bp as staff_bp
    from .store.views import bp as store_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(menu_bp)
    app.register_blueprint(store_bp)
    app.register_blueprint(accounts_bp, url_prefix="/account")
    app.register_blueprint(cart_bp, url_prefix="/cart")
    app.register_blueprint(reservations_bp, url_prefix="/reservations")
    app.register_blueprint(checkout_bp, url_prefix="/checkout")
    app.register_blueprint(cakes_bp, url_prefix="/cakes")
    app.register_blueprint(orders_bp, url_prefix="/orders")
    app.register_blueprint(reviews_bp, url_prefix="/reviews")
    app.register_blueprint(loyalty_bp, url_prefix="/loyalty")
    app.register_blueprint(privacy_bp, url_prefix="/account/privacy")
    if app.config["EMAIL_PREVIEWS"]:
        from .demo.views import bp as dev_bp

        app.register_blueprint(dev_bp, url_prefix="/dev")
    app.register_blueprint(staff_bp, url_prefix="/staff")


def register_error_handlers(app: Flask) -> None:
    from .core.errors import register_error_handlers as register

    register(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)


def register_commands(app: Flask) -> None:
    from .commands import register_commands as register

    register(app)
