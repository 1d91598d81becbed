"""Home page (and, with the menu issue, the menu pages)."""
from __future__ import annotations

from ..core.htmx import render
from ..extensions import db
from . import bp, service


@bp.get("/")
def home():
    return render("menu/home.html", featured=service.featured(db.session),
                  categories=service.categories(db.session))
