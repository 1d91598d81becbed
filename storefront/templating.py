"""What every template can use: the shop, today's hours, navigation, money and time filters."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, current_app, g, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .core.money import format_money
from .extensions import db
from .menu.models import ALLERGENS, DIETS
from .menu.service import stock_state
from .store.models import StoreSettings
from .store.service import StoreDefaults, get_settings, open_state, store_zone

# Header navigation: shown only for features that are installed, so no link ever 404s.
NAV = (
    ("Menu", "menu.index"),
    ("Cakes", "cakes.builder"),
    ("Reservations", "reservations.index"),
    ("Reviews", "reviews.index"),
)


def store_defaults(app: Flask) -> StoreDefaults:
    c = app.config
    return StoreDefaults(c["STORE_NAME"], c["STORE_TIMEZONE"], c["STORE_CURRENCY"], c["STORE_LOCALE"])


def current_store():
    """The settings row, read once per request. When the database is down the error page still
    needs a shop name, so the defaults stand in."""
    if "store" not in g:
        try:
            g.store = get_settings(db.session, store_defaults(current_app))
        except SQLAlchemyError:
            db.session.rollback()
            g.store = StoreSettings(**dataclasses.asdict(store_defaults(current_app)))
    return g.store


def current_open_state():
    """Today's hours and whether the shop is open now, or None when the database is down."""
    if "open_state" not in g:
        try:
            g.open_state = open_state(db.session, store_zone(current_store()))
        except SQLAlchemyError:
            db.session.rollback()
            g.open_state = None
    return g.open_state


def money(amount: Decimal | None) -> str:
    if amount is None:
        return ""
    store = current_store()
    return format_money(amount, store.currency, store.locale)


def local_datetime(moment: datetime, fmt: str = "medium") -> str:
    store = current_store()
    return format_datetime(moment, fmt, tzinfo=store_zone(store), locale=store.locale)


def local_time(value, fmt: str = "short") -> str:
    return format_time(value, fmt, locale=current_store().locale)


def local_date(value, fmt: str = "full") -> str:
    return format_date(value, fmt, locale=current_store().locale)


def init_templating(app: Flask) -> None:
    app.jinja_env.filters.update(money=money, local_datetime=local_datetime,
                                 local_time=local_time, local_date=local_date)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def site_context() -> dict:
        nav = [(label, endpoint) for label, endpoint in NAV if endpoint in current_app.view_functions]
        return {
            "store": current_store(),
            "open_state": current_open_state,
            "nav_items": nav,
            "current_user": current_user,
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
            "diet_labels": DIETS,
            "stock_state": stock_state,
            "allergen_labels": ALLERGENS,
        }
