"""The tables the back office keeps up, each described once for the generic list and edit
screens (upkeep.Table): what a form edits, the rules beyond a single field, and what the audit
log records."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from ...cakes.models import CakeOption, CakeOptionPrice, CakeRule, CakeSettings, OptionKind, RuleKind
from ...checkout.models import OrderType, PromoCode, PromoKind
from ...core.rules import RuleViolation
from ...core.settings import defaults_of
from ...extensions import db
from ...menu.models import Category, Product, ProductAllergen, ProductDiet
from . import forms
from .upkeep import Table, _set_columns


def _yes(value: bool) -> str:
    return "yes" if value else "no"


# --- categories -----------------------------------------------------------------------------

CATEGORIES = Table(
    name="categories", noun="category", title="Categories", model=Category, form=forms.CategoryForm,
    id_arg="category_id", fields=("name", "slug", "description", "position"), unique=("slug",),
    columns=(("Name", lambda c: c.name), ("Address", lambda c: f"/menu?category={c.slug}"),
             ("Order", lambda c: str(c.position))),
    order_by=(Category.position, Category.name),
)


# --- products -------------------------------------------------------------------------------

def _apply_product(table: Table, product: Product, values: dict) -> None:
    _set_columns(table, product, {k: v for k, v in values.items() if k not in ("diets", "allergens")})
    if "diets" in values:
        product.diet_rows = [ProductDiet(diet=d) for d in sorted(set(values["diets"] or []))]
    if "allergens" in values:
        product.allergen_rows = [ProductAllergen(allergen=a) for a in sorted(set(values["allergens"] or []))]


def _check_product(session: Session, product: Product | None, values: dict) -> None:
    if session.get(Category, values.get("category_id")) is None:
        raise RuleViolation.on("category_id", "Choose a category from the list")
    if values.get("track_stock") and values.get("stock_quantity") is None:
        raise RuleViolation.on("stock_quantity", "Enter how many are in stock")


def _read_product(form) -> dict:
    values = {name: form[name].data for name in PRODUCTS.fields if name in form and name != "image_path"}
    return values | {"diets": form.diets.data or [], "allergens": form.allergens.data or []}


def _prepare_product(form, session: Session) -> None:
    form.category_id.choices = [(c.id, c.name) for c in session.execute(
        sa.select(Category.id, Category.name).order_by(Category.position, Category.name))]


PRODUCTS = Table(
    name="products", noun="product", title="Products", model=Product, form=forms.ProductForm,
    id_arg="product_id",
    fields=("name", "slug", "description", "price", "category_id", "image_path", "image_alt", "track_stock",
            "stock_quantity", "is_available", "is_featured", "customizable", "position"),
    unique=("slug",), check=_check_product, apply=_apply_product, read=lambda form: _read_product(form),
    snapshot_extra=lambda p: {"diets": p.diets, "allergens": p.allergens},
    columns=(("Category", lambda p: p.category.name), ("Price", lambda p: p.price),
             ("Stock", lambda p: str(p.stock_quantity) if p.track_stock else "not tracked"),
             ("On sale", lambda p: _yes(p.is_available)), ("Featured", lambda p: _yes(p.is_featured))),
    order_by=(Product.category_id, Product.position, Product.name), soft_delete=True,
    list_options=lambda: (selectinload(Product.category),), prepare=_prepare_product,
    hints={"slug": "The product page’s address: /menu/<slug>. Changing it breaks old links.",
           "image": "Cropped to 4:3 and resized for the menu (400 × 300) and the product page (800 × 600).",
           "price": "Changing it changes the menu and carts at once; placed orders keep their price."},
)


# --- promo codes ----------------------------------------------------------------------------

def _check_promo(session: Session, promo: PromoCode | None, values: dict) -> None:
    reasons = []
    kind, value = values.get("kind"), values.get("value")
    if kind in (PromoKind.PERCENT, PromoKind.FIXED) and not value:
        reasons.append(("value", "Enter how much the code takes off (more than 0)"))
    if kind == PromoKind.PERCENT and value is not None and value > 100:
        reasons.append(("value", "A percentage is at most 100"))
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts and ends and ends <= starts:
        reasons.append(("ends_at", "The end must be after the start"))
    limit = values.get("usage_limit")
    if promo is not None and limit is not None and limit < promo.uses_count:
        reasons.append(("usage_limit", f"It has been used {promo.uses_count} times already: "
                                       f"allow at least {promo.uses_count}"))
    if reasons:
        raise RuleViolation(reasons)


def _apply_promo(table: Table, promo: PromoCode, values: dict) -> None:
    _set_columns(table, promo, values)
    if promo.kind == PromoKind.FREE_DELIVERY:
        promo.value = Decimal("0.00")
    if promo.uses_count is None:
        promo.uses_count = 0


PROMO_FIELDS = ("code", "description", "kind", "value", "min_subtotal", "max_discount", "starts_at", "ends_at",
                "usage_limit", "per_customer_limit", "order_type", "category_ids", "product_ids", "is_active")

PROMOS = Table(
    name="promos", noun="promo", title="Promo codes", model=PromoCode, form=forms.PromoForm, id_arg="promo_id",
    fields=PROMO_FIELDS, unique=("code",), check=_check_promo, apply=_apply_promo,
    prepare=lambda form, session: _prepare_promo(form, session), read=lambda form: promo_values(form),
    hints={"value": "For a percentage, 10 means 10% off; for an amount, 2.50 means £2.50 off.",
           "starts_at": "In the shop’s time zone.", "ends_at": "In the shop’s time zone."},
    columns=(), order_by=(PromoCode.is_active.desc(), PromoCode.code),
)


def _prepare_promo(form, session: Session) -> None:
    form.category_ids.choices = [(c.id, c.name) for c in session.execute(
        sa.select(Category.id, Category.name).order_by(Category.position, Category.name))]
    form.product_ids.choices = [(p.id, p.name) for p in session.execute(
        sa.select(Product.id, Product.name).where(Product.deleted_at.is_(None)).order_by(Product.name))]


def promo_values(form) -> dict:
    values = {name: form[name].data for name in PROMO_FIELDS}
    values["kind"] = PromoKind(values["kind"])
    values["order_type"] = OrderType(values["order_type"])
    values["category_ids"] = sorted(set(values["category_ids"] or []))
    values["product_ids"] = sorted(set(values["product_ids"] or []))
    return values


def local_to_utc(moment: datetime | None, tz) -> datetime | None:
    """A wall-clock time typed in the shop's zone, as the aware UTC instant that is stored."""
    return moment.replace(tzinfo=tz).astimezone(UTC) if moment else None


def utc_to_local(moment: datetime | None, tz) -> datetime | None:
    return moment.astimezone(tz).replace(tzinfo=None) if moment else None


# --- cake options and rules -----------------------------------------------------------------

KIND_WORDS = {OptionKind.SIZE: "Size", OptionKind.SPONGE: "Flavour (sponge)", OptionKind.FILLING: "Filling",
              OptionKind.FROSTING: "Frosting", OptionKind.DECORATION: "Decoration", OptionKind.DIET: "Dietary"}


def _check_option(session: Session, option: CakeOption | None, values: dict) -> None:
    query = sa.select(CakeOption.id).where(CakeOption.kind == values["kind"],
                                           sa.func.lower(CakeOption.name) == values["name"].lower())
    if option is not None and option.id is not None:
        query = query.where(CakeOption.id != option.id)
    if session.scalar(query.limit(1)) is not None:
        raise RuleViolation.on("name", f"There is already a {values['kind'].value} called “{values['name']}”")
    if values["kind"] == OptionKind.SIZE and not values.get("servings"):
        raise RuleViolation.on("servings", "Enter how many a size serves")
    if values["kind"] == OptionKind.SIZE:
        reasons = [(f"{forms.SIZE_PRICE}{size_id}", "A size has one price, above: leave this blank")
                   for size_id, price in values.get("size_prices", {}).items() if price is not None]
        if reasons:
            raise RuleViolation(reasons)


def _option_form(*args, **kwargs):
    """The option form with a price field for each size offered, filled from the option's prices."""
    sizes = db.session.execute(sa.select(CakeOption.id, CakeOption.name).where(
        CakeOption.kind == OptionKind.SIZE, CakeOption.is_active.is_(True))
        .order_by(CakeOption.position, CakeOption.name)).all()
    form = forms.cake_option_form(sizes, *args, **kwargs)
    option = kwargs.get("obj")
    if option is not None:
        prices = {p.size_id: p.price for p in option.size_prices}
        for size_id, _ in sizes:
            form[f"{forms.SIZE_PRICE}{size_id}"].data = prices.get(size_id)
    return form


def _apply_option(table: Table, option: CakeOption, values: dict) -> None:
    """The columns, then each size's price: set, changed, or cleared (the option's own price again).
    Prices for sizes not offered now are kept as they are."""
    _set_columns(table, option, values)
    kept = {p.size_id: p for p in option.size_prices}
    for size_id, price in values.get("size_prices", {}).items():
        current = kept.get(size_id)
        if price is None:
            if current is not None:
                option.size_prices.remove(current)
        elif current is None:
            option.size_prices.append(CakeOptionPrice(size_id=size_id, price=price))
        else:
            current.price = price


def _size_prices(option: CakeOption) -> dict:
    return {"size_prices": {str(p.size_id): str(p.price) for p in sorted(option.size_prices, key=lambda p: p.size_id)}}


def _read_option(form) -> dict:
    values = {name: form[name].data for name in CAKE_OPTION_FIELDS}
    values["kind"] = OptionKind(values["kind"])
    values["colour"] = values["colour"].lower() if values["colour"] else None
    values["size_prices"] = {int(name.removeprefix(forms.SIZE_PRICE)): form[name].data for name in form.size_fields}
    return values


def _read_rule(form) -> dict:
    values = {name: form[name].data for name in CAKE_RULE_FIELDS}
    values["kind"] = RuleKind(values["kind"])
    values["option_kind"] = OptionKind(values["option_kind"]) if values["option_kind"] else None
    values["size_ids"] = sorted(set(values["size_ids"] or []))
    if values["kind"] == RuleKind.MAX_CHOICES:
        values.update(option_id=None, size_ids=[])
    else:
        values.update(option_kind=None, limit=None)
    return values


def _prepare_rule(form, session: Session) -> None:
    options = session.execute(sa.select(CakeOption.id, CakeOption.kind, CakeOption.name)
                              .order_by(CakeOption.kind, CakeOption.position, CakeOption.name)).all()
    form.option_id.choices = [("", "—")] + [(o.id, f"{KIND_WORDS[o.kind]}: {o.name}") for o in options
                                            if o.kind != OptionKind.SIZE]
    form.size_ids.choices = [(o.id, o.name) for o in options if o.kind == OptionKind.SIZE]


CAKE_OPTION_FIELDS = ("kind", "name", "description", "price", "servings", "inches", "colour", "is_active", "position")
CAKE_RULE_FIELDS = ("kind", "option_kind", "limit", "option_id", "size_ids", "message", "is_active")

CAKE_OPTIONS = Table(
    name="cake-options", noun="cake_option", title="Cake options", model=CakeOption, form=_option_form,
    id_arg="option_id",
    fields=CAKE_OPTION_FIELDS, check=_check_option, read=_read_option, apply=_apply_option,
    snapshot_extra=_size_prices,
    hints={"price": "Sizes: the cake’s price before anything is added. Other options: what they add, unless "
                    "a price per size below says otherwise."},
    columns=(("Kind", lambda o: KIND_WORDS[o.kind]), ("Price", lambda o: o.price),
             ("Offered", lambda o: _yes(o.is_active))),
    order_by=(CakeOption.kind, CakeOption.position, CakeOption.name),
)


def _check_rule(session: Session, rule: CakeRule | None, values: dict) -> None:
    if values["kind"] == RuleKind.MAX_CHOICES:
        reasons = [(name, message) for name, message in (
            ("option_kind", "Choose the kind this rule limits"), ("limit", "Enter how many may be chosen"))
            if not values.get(name)]
        if reasons:
            raise RuleViolation(reasons)
    else:
        reasons = []
        if not values.get("option_id"):
            reasons.append(("option_id", "Choose the option this rule is about"))
        if not values.get("size_ids"):
            reasons.append(("size_ids", "Tick at least one size"))
        if reasons:
            raise RuleViolation(reasons)


CAKE_RULES = Table(
    name="cake-rules", noun="cake_rule", title="Cake rules", model=CakeRule, form=forms.CakeRuleForm,
    id_arg="rule_id", fields=CAKE_RULE_FIELDS, check=_check_rule, read=_read_rule, prepare=_prepare_rule,
    columns=(("In force", lambda r: _yes(r.is_active)),),
)

def cake_settings_row(session: Session) -> CakeSettings:
    """The saved row, or an unsaved one holding the model's defaults."""
    return session.scalars(sa.select(CakeSettings).order_by(CakeSettings.id).limit(1)).first() or defaults_of(CakeSettings)


CAKE_SETTINGS = Table(
    name="cake-settings", noun="cake_settings", title="Cake rules: notice, capacity, changes", model=CakeSettings,
    form=forms.CakeSettingsForm, id_arg="settings_id",
    fields=("notice_days", "daily_cutoff", "days_ahead", "daily_capacity", "change_cutoff_hours", "message_max",
            "message_price_per_char"),
    columns=(),
    hints={"notice_days": "2 means a cake ordered today before the cutoff can be collected the day after tomorrow.",
           "daily_capacity": "How many cakes the bakery makes a day; a full day is not offered in the builder."},
)

TABLES = (CATEGORIES, PRODUCTS, PROMOS, CAKE_OPTIONS, CAKE_RULES)
