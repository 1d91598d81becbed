"""The shop's public pages: its opening hours."""
from __future__ import annotations

from babel.dates import get_day_names
from flask import Blueprint

from ..core.htmx import render
from ..extensions import db
from . import service
from .current import current_store

bp = Blueprint("store", __name__)


@bp.get("/hours")
def hours():
    store = current_store()
    tz = service.store_zone(store)
    return render("store/hours.html", week=service.week_ahead(db.session, tz),
                  weekday_names=get_day_names("wide", locale=store.locale),
                  usual=service.weekly_periods(db.session),
                  closures=service.upcoming_closures(db.session, tz))
