"""The shop as this request sees it: its settings row (read once per request), today's hours,
and money and times worded in its currency, locale and zone. Views and templates share these."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime, format_time
from flask import Flask, current_app, g
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from ..core.money import format_money
from ..core.settings import defaults_of, load_settings
from ..core.shop import Context, Shop
from ..core.time import utcnow
from ..extensions import db
from .models import StoreSettings
from .service import open_state, store_zone


def store_defaults(app: Flask) -> dict:
    """What the model cannot know: the STORE_* settings stand in until the row is saved."""
    c = app.config
    return dict(name=c["STORE_NAME"], timezone=c["STORE_TIMEZONE"], currency=c["STORE_CURRENCY"],
                locale=c["STORE_LOCALE"])


def current_store():
    """The settings row, read once per request. When the database is down the error page still
    needs a shop name, so the defaults stand in."""
    if "store" not in g:
        try:
            g.store = load_settings(db.session, StoreSettings, **store_defaults(current_app))
        except SQLAlchemyError:
            db.session.rollback()
            g.store = defaults_of(StoreSettings, **store_defaults(current_app))
    return g.store


def current_shop() -> Shop:
    """The shop as services see it (see core.shop), from this request's settings row."""
    store = current_store()
    return Shop(name=store.name, address=store.address, phone=store.phone, tz=store_zone(store),
                locale=store.locale, currency=store.currency)


def request_context() -> Context:
    """This request's use-case context: now, the shop, and the signed-in user if any."""
    return Context(now=utcnow(), shop=current_shop(),
                   user_id=current_user.id if current_user.is_authenticated else None)


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
