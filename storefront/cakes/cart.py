"""A configured cake as a cart line and as an order line.

In the cart a cake is the field `c:<digest of its configuration>` (quantity, like a product) and
its configuration as JSON in the cart's details hash, so two identical cakes merge into one line
and two different ones never do. The price is never stored for charging: every read re-checks
the configuration against today's options and rules and prices it afresh.

At checkout `CakeLine` is a `checkout.lines.LineSource`: it claims its day's cake places through
core.capacity (`CAKE_DAYS`) in the order's transaction and writes a `CakeConfiguration` beside
its order line. Cancelling gives the places back (`release_for_order`, called from
orders.service), exactly once because the status moves first with a conditional update."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..cart.service import OTHER_KINDS, OtherLines
from ..cart.store import MAX_LINES, CartStore
from ..checkout import service as checkout_service
from ..checkout.lines import Claim
from ..checkout.promo import PricedLine
from ..core import capacity
from ..core.money import to_money
from ..core.rules import FORM, RuleViolation
from ..core.settings import load_settings
from ..core.shop import Context
from ..core.slots import day_bounds
from ..core.time import utcnow
from ..menu.models import Product
from ..orders import service as orders_service
from ..orders.models import Order, OrderLine
from ..store.models import StoreSettings
from ..store.service import store_zone
from . import photos, pricing, service
from .models import CAKE_DAYS, CakeConfiguration, CakePhoto

PREFIX = "c:"


@dataclass(frozen=True)
class Wanted:
    choice: pricing.Choice
    due_on: date | None
    notes: str = ""
    shown_total: str | None = None
    photo: str | None = None        # a CakePhoto name the customer uploaded


def _stored(wanted: Wanted, cake: pricing.Cake, day: date, product_id: int | None) -> dict:
    decorations = sorted(o.id for o in cake.others if o.kind == "decoration")
    diet = next((o.id for o in cake.others if o.kind == "diet"), None)
    singles = {o.kind: o.id for o in cake.others if o.kind in pricing.SINGLE}
    return {"product": product_id, "size": cake.size.id, **singles, "decorations": decorations, "diet": diet,
            "message": cake.message, "notes": " ".join(wanted.notes.split())[:500], "due_on": day.isoformat(),
            "photo": wanted.photo}


def field_for(stored: dict) -> str:
    canonical = json.dumps(stored, sort_keys=True, separators=(",", ":"))
    return PREFIX + hashlib.sha256(canonical.encode()).hexdigest()[:24]


def cake_product(session: Session) -> Product | None:
    """The menu's made-to-order cake the builder sells (its name and category go on the order)."""
    return session.scalars(sa.select(Product).where(Product.customizable.is_(True), Product.deleted_at.is_(None),
                                                    Product.is_available.is_(True))
                           .order_by(Product.position, Product.id).limit(1)).first()


@dataclass(frozen=True)
class Upload:
    """A checked reference photo waiting to be kept (see photos.clean), and whose it is."""
    image: object
    instance_path: str
    owner: str
    user_id: int | None


def check(session: Session, wanted: Wanted, ctx: Context,
          problems: list[tuple[str, str]] | None = None) -> tuple[pricing.Cake, pricing.Priced, date]:
    """Every rule at once, each problem beside its field: options, message, day, shown price
    (`problems` already found, such as a bad photo, are told with them)."""
    settings = service.get_settings(session)
    catalogue = service.load_catalogue(session, settings)
    problems, cake, day = list(problems or []), None, None
    try:
        cake = pricing.resolve(catalogue, wanted.choice)
    except RuleViolation as violation:
        problems += violation.reasons
    try:
        day = service.check_day(service.cake_days(session, settings, ctx.tz, ctx.now), wanted.due_on)
    except RuleViolation as violation:
        problems += violation.reasons
    if problems:
        raise RuleViolation(problems)
    priced = pricing.price(catalogue, cake)
    service.check_price_seen(priced, wanted.shown_total)
    return cake, priced, day


def add_cake(session: Session, cart: CartStore, wanted: Wanted, ctx: Context, *, replacing: str | None = None,
             upload: Upload | None = None, problems: list[tuple[str, str]] | None = None) -> str:
    """Put the checked cake in the cart (or merge it with an identical one); with `replacing`,
    the edited line's field goes once the new one is in; an `upload` is kept only once
    everything else is right. Returns what to tell the customer."""
    cake, priced, day = check(session, wanted, ctx, problems)
    if upload is not None:
        photo = photos.store(session, upload.image, upload.instance_path, upload.owner, upload.user_id)
        session.commit()
        wanted = replace(wanted, photo=photo.name)
    product = cake_product(session)
    stored = _stored(wanted, cake, day, product.id if product else None)
    field_name = field_for(stored)
    cart.set_detail(field_name, json.dumps(stored))
    settings = service.get_settings(session)
    result = cart.add(field_name, 1, settings.daily_capacity, str(priced.total))
    if result.no_room:
        cart.remove(field_name)
        raise RuleViolation.on(FORM, f"Your cart can hold {MAX_LINES} different items. Remove something to make room.")
    if replacing and replacing != field_name:
        cart.remove(replacing)
        return f"Your cake is updated: {cake.size.name}, {priced.total:.2f} each."
    return f"Added a {cake.size.name} cake for {day:%A %-d %B} to your cart."


def set_quantity(session: Session, cart: CartStore, field_name: str, quantity: int) -> str:
    """Change how many of one cake the cart holds: 0 takes it out; more than the bakery makes in
    a day is refused (checkout claims the day's places for every one of them). Returns what to
    tell the customer."""
    if quantity == 0:
        cart.remove(field_name)
        return "Removed the cake from your cart."
    cap = service.get_settings(session).daily_capacity
    if quantity > cap:
        raise RuleViolation.on("quantity", f"We make at most {cap} cakes a day: choose {cap} or fewer.")
    cart.set(field_name, quantity)
    return f"Your cart now has {quantity} of this cake."


@dataclass(frozen=True)
class CakeLine:
    """A cake in the cart, checked and priced now."""
    field: str
    quantity: int
    stored: dict
    cake: pricing.Cake
    itemised: pricing.Priced
    due_on: date
    product: Product | None = None
    photo_id: int | None = None

    @property
    def name(self) -> str:
        return f"Custom cake, {self.cake.size.name}"

    @property
    def unit_price(self) -> Decimal:
        return self.itemised.total

    @property
    def total(self) -> Decimal:
        return to_money(self.itemised.total * self.quantity)

    # --- checkout.lines.LineSource ---
    @property
    def priced(self) -> PricedLine:
        return PricedLine(self.product.id if self.product else 0, self.product.category_id if self.product else 0,
                          self.total)

    def claims(self) -> list[Claim]:
        return [Claim(rank=(1, self.due_on.toordinal()), label=self.name, take=self._take_day,
                      refused=self._day_full)]

    def _take_day(self, session: Session) -> bool:
        settings = service.get_settings(session)
        return capacity.claim(session, CAKE_DAYS, self.due_on, settings.daily_capacity, self.quantity)

    def _day_full(self, session: Session, cart: CartStore) -> str:
        return (f"{self.due_on:%A %-d %B} has just filled up for cakes, so your {self.cake.size.name} cake "
                "can’t be made that day: edit it in your cart to choose another day.")

    def order_line(self) -> OrderLine:
        line = OrderLine(product_id=self.product.id if self.product else None, name=self.name,
                         unit_price=self.unit_price, quantity=self.quantity, line_total=self.total, stock_claimed=0)
        line.cake = CakeConfiguration(
            due_on=self.due_on, choices=[list(c) for c in self.cake.choices()],
            items=[[label, str(amount)] for label, amount in self.itemised.items], message=self.cake.message,
            notes=self.stored.get("notes", ""), cakes_claimed=self.quantity, photo_id=self.photo_id)
        return line


def read(session: Session, cart: CartStore, quantities: dict[str, int]) -> OtherLines:
    """The cart's cakes, each re-checked now (options, rules, day) and priced afresh; a cake that
    no longer passes leaves the cart with the reason."""
    fields = {f: q for f, q in quantities.items() if f.startswith(PREFIX)}
    out = OtherLines()
    if not fields:
        return out
    tz, now = store_zone(load_settings(session, StoreSettings)), utcnow()
    details = cart.details()
    settings = service.get_settings(session)
    catalogue = service.load_catalogue(session, settings)
    days = service.cake_days(session, settings, tz, now)
    product = cake_product(session)
    photos = _photo_ids(session, details.values())
    for field_name, quantity in fields.items():
        try:
            stored = json.loads(details.get(field_name) or "null")
            choice = pricing.Choice(size=stored["size"], sponge=stored.get("sponge"), filling=stored.get("filling"),
                                    frosting=stored.get("frosting"), decorations=tuple(stored.get("decorations", ())),
                                    diet=stored.get("diet"), message=stored.get("message", ""))
            cake = pricing.resolve(catalogue, choice)
            day = date.fromisoformat(stored["due_on"])
        except (TypeError, KeyError, ValueError, RuleViolation):
            out.removals.append(field_name)
            out.notices.append("A cake in your cart uses options we no longer offer, so we took it out: "
                               "please build it again.")
            continue
        if not any(d.day == day and d.available for d in days):
            out.notices.append(f"Your cake for {day:%A %-d %B} can no longer be made that day: edit it to "
                               "choose another day.")
        out.lines.append(CakeLine(field_name, quantity, stored, cake, pricing.price(catalogue, cake), day,
                                  product, photos.get(stored.get("photo"))))
    return out


def stored_in(cart: CartStore, field_name: str) -> dict | None:
    """A cake line's choices as the builder's form data (to change it from the cart)."""
    try:
        stored = json.loads(cart.details().get(field_name) or "null")
    except ValueError:
        return None
    return stored if isinstance(stored, dict) else None


def _photo_ids(session: Session, raw_details) -> dict[str, int]:
    """Photo name → id for the photos this cart's cakes name. The names come from the cart's own
    hash on the server (a random name is only ever written there by the upload), so a photo that
    came with a guest's cart at sign-in still belongs to the cake."""
    names = set()
    for raw in raw_details:
        try:
            name = (json.loads(raw) or {}).get("photo")
        except (ValueError, AttributeError):
            continue
        if isinstance(name, str):
            names.add(name)
    if not names:
        return {}
    return dict(session.execute(sa.select(CakePhoto.name, CakePhoto.id).where(CakePhoto.name.in_(names))).all())


def release_for_order(session: Session, order: Order) -> None:
    """Give back the cake places an order claimed (called once, when it is cancelled)."""
    order_id = order.id
    rows = session.execute(sa.select(CakeConfiguration.due_on, CakeConfiguration.cakes_claimed)
                           .join(OrderLine, OrderLine.id == CakeConfiguration.order_line_id)
                           .where(OrderLine.order_id == order_id, CakeConfiguration.cakes_claimed > 0)).all()
    for due_on, claimed in rows:
        capacity.release(session, CAKE_DAYS, due_on, claimed)


def change_cutoff_passed(session: Session, order: Order, now: datetime) -> bool:
    """True when the order holds a cake due within the change cutoff (e.g. 72 hours before the
    start of its day in the shop's zone)."""
    days = [line.cake.due_on for line in order.lines if line.cake is not None]
    if not days:
        return False
    tz = store_zone(load_settings(session, StoreSettings))
    cutoff = timedelta(hours=service.get_settings(session).change_cutoff_hours)
    return any(day_bounds(day, tz)[0] - cutoff <= now for day in days)


OTHER_KINDS[PREFIX] = read
orders_service.GIVE_BACK.append(release_for_order)
orders_service.CANCEL_CUTOFFS.append(change_cutoff_passed)


def email_details(line: OrderLine) -> list[str]:
    """A cake's choices, message and photo for the order email."""
    cake = line.cake
    if cake is None:
        return []
    details = [f"For {cake.due_on:%A %-d %B %Y}"] + [f"{label}: {name}" for label, name in cake.choices]
    if cake.message:
        details.append(f"Message: “{cake.message}”")
    if cake.notes:
        details.append(f"Notes: {cake.notes}")
    if cake.photo_id:
        details.append("With your reference photo (shown on the order page)")
    return details


checkout_service.LINE_DETAILS.append(email_details)
