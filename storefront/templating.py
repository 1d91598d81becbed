"""What every template can use: the shop, today's hours, navigation, money and time filters."""
from __future__ import annotations

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from .checkout.slots import get_rules
from .extensions import db
from .menu.cards import card_parts
from .menu.models import ALLERGENS, DIETS
from .menu.service import stock_state
from .store.current import current_open_state, current_store, local_date, local_datetime, local_time, money

# Header navigation: shown only for features that are installed, so no link ever 404s.
NAV = (
    ("Menu", "menu.index"),
    ("Cakes", "cakes.builder"),
    ("Reservations", "reservations.index"),
    ("Reviews", "reviews.index"),
)


def sign_in_url() -> str:
    """The header's "Sign in" link: it brings the customer back to the page they were reading
    (not from the account pages themselves, the home page, or a form's answer)."""
    back = None
    if request.method == "GET" and request.blueprint != "accounts" and request.endpoint != "menu.home":
        back = request.full_path if request.query_string else request.path
    return url_for("accounts.login", next=back)


def orders_paused() -> bool:
    """The staff's pause switch, for the menu and checkout (read only by the pages that ask)."""
    try:
        return get_rules(db.session).orders_paused
    except SQLAlchemyError:
        db.session.rollback()
        return False


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
            "sign_in_url": sign_in_url,
            "has_endpoint": lambda endpoint: endpoint in current_app.view_functions,
            "diet_labels": DIETS,
            "stock_state": stock_state,
            "allergen_labels": ALLERGENS,
            "orders_paused": orders_paused,
            "card_parts": card_parts,
        }
