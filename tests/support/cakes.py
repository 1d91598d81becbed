"""Cake test helpers: the demo options and rules, a customizable product, and the builder's form."""
from __future__ import annotations

import re
from contextlib import contextmanager
from unittest import mock

import sqlalchemy as sa

from storefront.cakes.demo import seed_cakes
from storefront.cakes.models import CakeOption, CakeSettings, OptionKind
from storefront.demo.seed import SeedReport
from storefront.extensions import db
from tests.support.builders import make_category, make_product
from tests.support.checkout import FIXED_NOW, open_shop
from tests.support.html import csrf_from


@contextmanager
def frozen_clock(now=FIXED_NOW):
    """The shop's clock for views, and the cart's for re-checking cakes (it has no request's)."""
    with mock.patch("storefront.store.current.utcnow", return_value=now), \
            mock.patch("storefront.cakes.cart.utcnow", return_value=now):
        yield


def cake_shop(**settings) -> dict[str, int]:
    """An open shop with the demo cake options (name → id) and a made-to-order cake product."""
    open_shop()
    seed_cakes(db.session, SeedReport())
    row = db.session.scalars(sa.select(CakeSettings)).one()
    for key, value in settings.items():
        setattr(row, key, value)
    make_product("Celebration cake", category=make_category("Cakes", slug="cakes"), price="28.00", customizable=True)
    db.session.commit()
    return {o.name: o.id for o in db.session.scalars(sa.select(CakeOption))}


def option_id(kind: OptionKind, name: str) -> int:
    return db.session.scalar(sa.select(CakeOption.id).where(CakeOption.kind == kind, CakeOption.name == name))


class CakeClient:
    def __init__(self, client):
        self.client = client

    def page(self) -> str:
        return self.client.get("/cakes").get_data(as_text=True)

    def form(self, ids: dict[str, int], **overrides) -> dict:
        html = self.page()
        day = re.search(r'<option value="([0-9-]+)" selected', html)
        data = {"csrf_token": csrf_from(html), "size": ids["8-inch round"], "sponge": ids["Vanilla"],
                "filling": ids["Vanilla buttercream"], "frosting": ids["Pale pink buttercream"],
                "decorations": [], "diet": "", "message": "", "notes": "", "due_on": day.group(1) if day else "",
                "action": "add"}
        data.update(overrides)
        return data

    def shown_total(self, data: dict) -> str:
        response = self.client.post("/cakes", data={**data, "action": "price"})
        match = re.search(r'name="shown_total" type="hidden" value="([^"]*)"', response.get_data(as_text=True))
        return match.group(1) if match else ""

    def add(self, ids: dict[str, int], **overrides):
        data = self.form(ids, **overrides)
        data.setdefault("shown_total", self.shown_total(data))
        return self.client.post("/cakes", data=data)
