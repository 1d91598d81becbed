"""Every field of every upkeep form, as a staff member, with each hostile value of the site's
sweep: never a 5xx, and a refused post writes nothing (no row, no audit entry). Then the case the
form cannot see: two people saving the same slug at once, decided by the unique index."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from storefront.cakes.models import CakeOption, CakeRule, CakeSettings, OptionKind
from storefront.checkout.models import PromoCode
from storefront.core.audit import AuditEntry
from storefront.extensions import db
from storefront.menu.models import Category, Product
from storefront.staff.catalogue import upkeep
from tests.support.builders import make_category, make_product
from tests.support.catalogue import post_form, product_data, staff_client
from tests.support.checkout import make_promo
from tests.support.html import csrf_from, field_errors
from tests.support.sweep import HOSTILE_VALUES, forms_in, hostile_form_value, value_label

MODELS = (Product, Category, PromoCode, CakeOption, CakeRule, CakeSettings, AuditEntry)


def snapshot():
    return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in MODELS)


@pytest.fixture
def world(app, app_ctx):
    client, _ = staff_client(app)
    category = make_category("Pastries", slug="pastries")
    make_product("Croissant", slug="croissant", category=category)
    promo = make_promo("WELCOME10")
    db.session.add(CakeOption(kind=OptionKind.SIZE, name="Small", servings=6, inches=6))
    db.session.commit()
    return client, promo.id


# One of each kind from the site's catalogue (characters, length, numbers, dates, shape, files):
# the whole catalogue goes through the public forms in the URL-map sweep.
VALUES = [v for v in HOSTILE_VALUES if v in ("a\x00b", "\u202eevil.exe", "\u200b\u200b", "-1", "²",
                                              "99999999999999999999999999", "9999-12-31T23:59Z", "FILE")
          or isinstance(v, list) or (isinstance(v, str) and len(v) > 1000)]

PAGES = ["/staff/products/new", "/staff/categories/new", "/staff/promos/new", "/staff/cake-options/new",
         "/staff/cake-rules/new", "/staff/cake-settings", "/staff/promos/{promo}"]


@pytest.mark.parametrize("page_url", PAGES)
def test_hostile_values_in_every_upkeep_field(world, page_url):
    client, promo_id = world
    page_url = page_url.format(promo=promo_id)
    html = client.get(page_url).get_data(as_text=True)
    forms = [f for f in forms_in(html, page_url) if f.method == "POST" and len(f.fields) > 1]
    assert forms, page_url
    assert len(VALUES) == 10
    failures, statuses = [], set()
    for form in forms:
        for name in form.fields:
            if name == "csrf_token":
                continue
            for value in VALUES:
                before = snapshot()
                data = {field: list(values) for field, values in form.fields.items()}
                data[name] = hostile_form_value(value)
                data["csrf_token"] = csrf_from(html)
                answer = client.post(form.action, data=data, content_type="multipart/form-data")
                statuses.add(answer.status_code)
                if answer.status_code >= 500:
                    failures.append((form.action, name, value_label(value), answer.status_code))
                elif answer.status_code not in (200, 303) and snapshot() != before:
                    failures.append((form.action, name, value_label(value), "wrote while refusing"))
                db.session.rollback()
    assert not failures, failures[:10]
    assert 422 in statuses and 400 not in statuses  # judged by the forms, not stopped at the CSRF check


def test_a_duplicate_slug_that_slips_past_the_check_is_refused_by_the_index(world, monkeypatch):
    client, _ = world
    category_id = db.session.scalar(sa.select(Category.id))
    # As if another request saved "croissant" between this one's check and its write.
    monkeypatch.setattr(upkeep, "_check_unique", lambda *args, **kwargs: None)
    before = snapshot()
    answer = post_form(client, "/staff/products/new", product_data(category_id, slug="croissant"))
    assert answer.status_code == 422
    assert "already uses" in field_errors(answer.data)["slug"]
    assert snapshot() == before
