"""Turning a cart into an order.

`place_order` is one transaction in five named steps: resolve the time, price the lines, write
the order, its lines, its first status row and the confirmation email, then claim everything
(each line's claims — stock for products — then the promo use, then the slot place, each a
conditional UPDATE, always in that order so concurrent checkouts cannot deadlock), then spend any
points (a `Redemption`, registered by the loyalty feature) on the written order. The claims come
last, right before the commit, because every checkout claims the same few rows (a popular
product's stock, the next slot): they stay locked only for the claims and the commit. Any failure
writes nothing and says exactly what changed. The cart is emptied by the caller only after the
commit. `quote` (the checkout page) and `place_order` price through the same `price` function.
What happens to an order afterwards is `orders.service`."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..cart import service as cart_service
from ..cart.store import CartStore
from ..core import capacity, outbox
from ..core.identity import same_customer
from ..core.mail import Email, render_email
from ..core.money import to_money
from ..core.rules import FORM, RuleViolation
from ..core.security import new_token, token_digest
from ..core.shop import Context
from ..core.slots import parse_slot_value
from ..orders.models import Fulfilment, Order, OrderLine, OrderStatusChange, PaymentStatus, Status
from ..orders.numbers import new_order_number
from . import promo as promos
from . import slots as slot_rules
from .lines import LineSource, ProductLine
from .models import ORDER_SLOTS, DeliveryZone, OrderingRules, PromoCode, PromoRedemption
from .payments import PayInPerson, PaymentProvider
from .pricing import Totals, totals
from .zones import POSTCODE_FORMAT, delivery_areas, normalise_postcode, parse_postcode, zone_for

ASAP = "asap"
# Open (not completed or cancelled) unpaid orders a guest email may hold at once: enough for a
# real customer, too few for someone to fill the kitchen's slots with orders nobody collects.
GUEST_OPEN_UNPAID_LIMIT = 3


@dataclass(frozen=True)
class CheckoutDetails:
    fulfilment: Fulfilment
    when: str                      # "asap" or a slot value (see core.slots)
    name: str
    email: str
    phone: str
    note: str = ""
    address_line: str = ""
    city: str = ""
    postcode: str = ""
    promo_code: str = ""
    points: int = 0                # loyalty points to spend (see Redemption)
    # The code whose answer the customer has been shown (the page carries it back): a refused
    # code they have seen is left off and does not stop the order.
    promo_seen: str = ""


@dataclass
class Quote:
    """The checkout page's view of the order so far: lines, times, fee, discount, totals, and
    any reason the promo code or the address cannot be used."""
    cart: cart_service.CartView
    rules: OrderingRules
    zone: DeliveryZone | None
    totals: Totals
    discount: promos.Discount | None
    asap: datetime | None
    days: list[slot_rules.SlotDay]
    problems: list[tuple[str, str]]
    redemption: Redemption | None = None
    today: date | None = None              # in the shop's zone
    asap_minutes: int | None = None        # about how long "as soon as possible" is
    cake_day: date | None = None           # the order's day when it holds custom cakes
    delivery_areas: tuple[str, ...] = ()   # postcode prefixes of the active zones, for the hint


def lines_of(view: cart_service.CartView) -> list[LineSource]:
    """Products, then the other kinds of line (configured cakes), which are line sources already."""
    return [ProductLine(line.product, line.quantity) for line in view.lines] + list(view.others)


@dataclass(frozen=True)
class Redemption:
    """Part of the goods paid with something the customer holds (loyalty points). A registered
    source prices it from the order so far; `claim` takes it in the order's transaction, after
    the order row is written, and raises RuleViolation (everything rolls back) when it can no
    longer be had. `offer` is what the page shows about it even when nothing is used."""
    amount: Decimal                                    # 0.00: offered, not used
    label: str                                         # its own line in the totals
    offer: object                                      # the feature's own details, for its template
    problems: list[tuple[str, str]]
    claim: Callable[[Session, Order], None]


# (session, details, goods after the promo, is a promo applied, ctx) → a Redemption or None.
# The loyalty feature registers its source here, so checkout never imports it.
REDEMPTION_SOURCES: list[Callable[[Session, CheckoutDetails, Decimal, bool, Context], Redemption | None]] = []


def redemption_for(session: Session, details: CheckoutDetails, goods: Decimal, has_promo: bool,
                   ctx: Context) -> Redemption | None:
    """The first registered source's answer (there is one: points), or None."""
    for source in REDEMPTION_SOURCES:
        redemption = source(session, details, goods, has_promo, ctx)
        if redemption is not None:
            return redemption
    return None


@dataclass(frozen=True)
class Pricing:
    zone: DeliveryZone | None
    discount: promos.Discount | None
    totals: Totals
    problems: list[tuple[str, str]]
    redemption: Redemption | None = None


def _delivery(session: Session, details: CheckoutDetails, subtotal: Decimal, money):
    """(zone, fee, problems) for the chosen fulfilment."""
    if details.fulfilment != Fulfilment.DELIVERY or not details.postcode:
        return None, Decimal("0.00"), []
    if parse_postcode(details.postcode) is None:
        return None, Decimal("0.00"), [("postcode", POSTCODE_FORMAT)]
    zone = zone_for(session, details.postcode)
    if zone is None:
        return None, Decimal("0.00"), [("postcode", "Sorry, we don’t deliver to that postcode yet. "
                                                    "Choose pickup, or try another address.")]
    if subtotal < zone.minimum_order:
        return zone, zone.fee, [("postcode", f"Delivery to {zone.name} needs an order of at least "
                                             f"{money(zone.minimum_order)}: add {money(zone.minimum_order - subtotal)} "
                                             "more, or choose pickup.")]
    return zone, zone.fee, []


def _discount(session: Session, details: CheckoutDetails, lines: list[LineSource], ctx: Context, *,
              lock: bool = False) -> promos.Discount | None:
    if not details.promo_code or not lines:
        return None
    query = sa.select(PromoCode).where(PromoCode.code == promos.normalise_code(details.promo_code))
    if lock:
        # Serialise checkouts using this code, so per-customer limits hold under concurrency.
        query = query.with_for_update()
    code = session.scalars(query).first()
    uses = promos.uses_by_customer(session, code, ctx.user_id, details.email) \
        if code is not None and code.per_customer_limit is not None and details.email else 0
    return promos.evaluate(code, lines=[line.priced for line in lines], fulfilment=details.fulfilment.value,
                           now=ctx.now, format_money=ctx.money, customer_uses=uses, local_date=ctx.local_date)


def price(session: Session, details: CheckoutDetails, lines: list[LineSource], rules: OrderingRules,
          ctx: Context, *, lock: bool = False) -> Pricing:
    """The order's money: delivery fee, discount (a free-delivery code takes off the fee) and
    totals, with every reason the address or the code cannot be used. `lock` holds the promo
    code's row until the transaction ends (placing an order)."""
    subtotal = to_money(sum((line.priced.total for line in lines), Decimal("0")))
    zone, fee, problems = _delivery(session, details, subtotal, ctx.money)
    discount = None
    try:
        discount = _discount(session, details, lines, ctx, lock=lock)
    except RuleViolation as violation:
        problems = problems + violation.reasons
    amount = Decimal("0") if discount is None else fee if discount.free_delivery else discount.amount
    goods = subtotal - (Decimal("0") if discount is None or discount.free_delivery else amount)
    redemption = redemption_for(session, details, goods, discount is not None, ctx) if lines else None
    if redemption is not None:
        problems = problems + redemption.problems
    redeemed = redemption.amount if redemption is not None else Decimal("0")
    return Pricing(zone, discount, totals(subtotal, amount, fee, rules.tax_rate, redeemed), problems, redemption)


def _guest_order_cap(session: Session, details: CheckoutDetails, ctx: Context) -> list[tuple[str, str]]:
    if ctx.user_id is not None or not details.email:
        return []
    held = session.scalar(
        sa.select(sa.func.count(Order.id)).where(
            Order.user_id.is_(None), same_customer(Order.customer_email, details.email),
            Order.payment_status == PaymentStatus.UNPAID, Order.status.not_in([Status.COMPLETED, Status.CANCELLED]),
            Order.deleted_at.is_(None)))
    if held < GUEST_OPEN_UNPAID_LIMIT:
        return []
    return [("email", f"There are already {held} orders waiting to be paid for with this email address. "
                      "Please collect or cancel one (or sign in) before placing another.")]


def order_day(lines: list[LineSource]) -> tuple[date | None, list[tuple[str, str]]]:
    """The day an order holding custom cakes is collected or delivered: the cakes' day. Cakes for
    different days cannot share one order (each is its own order)."""
    days = sorted({day for line in lines if (day := getattr(line, "due_on", None)) is not None})
    if len(days) > 1:
        listed = " and ".join(f"{day:%A %-d %B}" for day in days)
        return days[0], [("when", f"Your cakes are for different days ({listed}), and an order is collected on "
                                  "one day. Please order them separately: keep one day’s cakes in your cart.")]
    return (days[0] if days else None), []


def times_for(session: Session, rules: OrderingRules, ctx: Context, cake_day: date | None):
    """(days, asap slot): the days and times this order can be had. With cakes, only their day
    (and "as soon as possible" only if that day is today)."""
    days = slot_rules.day_choices(session, rules, ctx.tz, ctx.now, only=cake_day, kept=True)  # shown, not claimed
    if cake_day is not None and cake_day != ctx.now.astimezone(ctx.tz).date():
        return days, None
    return days, slot_rules.asap_slot(session, rules, ctx.tz, ctx.now, [d for d in days if d.slots])


def _about_minutes(wait) -> int:
    """A wait in minutes, rounded up to the next 5."""
    minutes = max(int(wait.total_seconds() // 60), 0)
    return -(-minutes // 5) * 5


@dataclass(frozen=True)
class Picked:
    day: slot_rules.SlotDay | None   # the day whose times are shown
    when: str                        # the time selected on it ("asap", a slot value or "")


def pick_time(quote: Quote, day_value: str, when_value: str) -> Picked:
    """Which day to show and which time to select: the day asked for (else the chosen time's day,
    else the first with a free time); the chosen time if it is on that day and free, else that
    day's first (as soon as possible on today, when the shop can take it)."""
    asap_day = quote.today if quote.asap else None
    by_iso = {day.day.isoformat(): day for day in quote.days}
    start = parse_slot_value(when_value)
    when_day = asap_day if when_value == ASAP else None if start is None else next(  # no time: no week's search
        (day.day for day in quote.days for slot in day.slots if slot.start == start), None)
    day = by_iso.get(day_value) or by_iso.get(when_day.isoformat() if when_day else "") or next(
        (d for d in quote.days if d.has_free_slot or d.day == asap_day), quote.days[0] if quote.days else None)
    if day is None:
        return Picked(None, "")
    free = {slot.start: slot.value for slot in day.slots if not slot.is_full}
    if when_value == ASAP and day.day == asap_day:
        return Picked(day, ASAP)
    if start in free:
        return Picked(day, free[start])
    return Picked(day, ASAP if day.day == asap_day else next(iter(free.values()), ""))


@dataclass(frozen=True)
class Draft:
    """The cart as read now, the rules and the money, without the times: what "Place order"
    checks the shown total against, handed on to `place_order` so it does not read them again."""
    view: cart_service.CartView
    rules: OrderingRules
    lines: list[LineSource]
    pricing: Pricing


def draft(session: Session, cart: CartStore | None, details: CheckoutDetails, ctx: Context, *,
          kept_rows: bool = False) -> Draft:
    """The cart read against the catalogue and priced. `kept_rows`: the products as last committed,
    from the shared cache (for a page that only shows the checkout; placing reads them itself)."""
    view = (cart_service.view_cart(session, cart, ctx.money, kept_rows=kept_rows) if cart
            else cart_service.CartView(lines=[]))
    rules = slot_rules.get_rules(session)
    lines = lines_of(view)
    return Draft(view, rules, lines, price(session, details, lines, rules, ctx))


def quote(session: Session, cart: CartStore | None, details: CheckoutDetails, ctx: Context, *,
          drafted: Draft | None = None, kept_rows: bool = False) -> Quote:
    """The page's quote; `drafted`, when this request has read the cart already (reading it again
    would lose the notices the first reading gave: it set the cart right)."""
    base = drafted or draft(session, cart, details, ctx, kept_rows=kept_rows)
    pricing = base.pricing
    cake_day, day_problems = order_day(base.lines)
    days, asap = times_for(session, base.rules, ctx, cake_day)
    return Quote(cart=base.view, rules=base.rules, zone=pricing.zone, totals=pricing.totals,
                 discount=pricing.discount, asap=asap.start if asap else None, days=days,
                 problems=pricing.problems + day_problems, today=ctx.now.astimezone(ctx.tz).date(),
                 asap_minutes=_about_minutes(asap.start - ctx.now) if asap else None,
                 cake_day=cake_day, delivery_areas=delivery_areas(session),
                 redemption=pricing.redemption)


@dataclass(frozen=True)
class Placed:
    order: Order
    access_token: str | None   # only for a new order: the secret of the guest tracking link
    replayed: bool
    number: str                # read before the commit, so the answer needs no reload
    email: str

    @classmethod
    def of(cls, order: Order, token: str | None = None, *, replayed: bool) -> Placed:
        return cls(order, token, replayed, order.number, order.customer_email)


def find_by_key(session: Session, key: str) -> Order | None:
    return session.scalars(sa.select(Order).where(Order.idempotency_key == key)).first()


@dataclass(frozen=True)
class When:
    slot_start: datetime | None
    ready: datetime | None
    problems: list[tuple[str, str]]


def resolve_time(session: Session, details: CheckoutDetails, rules: OrderingRules, ctx: Context,
                 cake_day: date | None = None) -> When:
    """Step 1: the slot the order takes (ASAP is the first free slot today) and when it is ready.
    With cakes, the slot must be on the cakes' day. Only the day the chosen time falls on is laid
    out (a slot's day is its local date), not every day the page offers."""
    start = None if details.when == ASAP else parse_slot_value(details.when)
    days, asap = _day_of(session, rules, ctx, cake_day, start)
    on_cake_day = [("when", f"Your cake is for {cake_day:%A %-d %B}, so the order is ready that day: "
                            "choose one of that day’s times.")] if cake_day else []
    if details.when == ASAP:
        if asap is None:
            return When(None, None, on_cake_day or [("when", "We can’t take orders for right now. "
                                                             "Choose a time below.")])
        return When(asap.start, asap.start, [])
    slot = slot_rules.find_slot(days, start) if start else None
    if slot is None and on_cake_day:
        return When(start, start, on_cake_day)
    if slot is None:
        return When(start, start, [("when", "That time is not available. Choose one of the times shown.")])
    if slot.is_full:
        return When(start, start, [("when", "That time is fully booked. Choose another.")])
    return When(start, start, [])


def _day_of(session: Session, rules: OrderingRules, ctx: Context, cake_day: date | None,
            start: datetime | None) -> tuple[list[slot_rules.SlotDay], slot_rules.Slot | None]:
    """(days, asap) as `times_for` gives them, for the one day that matters: today for "as soon as
    possible", else the local day of `start` when the page would offer it (none otherwise)."""
    today = ctx.now.astimezone(ctx.tz).date()
    if start is None:
        if cake_day is not None and cake_day != today:
            return [], None
        days = slot_rules.day_choices(session, rules, ctx.tz, ctx.now, only=today)
        return days, slot_rules.asap_slot(session, rules, ctx.tz, ctx.now, [d for d in days if d.slots])
    day = start.astimezone(ctx.tz).date()
    offered = day == cake_day if cake_day is not None else today <= day <= today + timedelta(days=rules.days_ahead)
    return (slot_rules.day_choices(session, rules, ctx.tz, ctx.now, only=day) if offered else []), None


def _lines_to_order(view: cart_service.CartView) -> list[LineSource]:
    """The cart's lines as read for this order; refuses an empty cart or one that changed unseen."""
    if view.notices:
        # Something changed since the customer last looked: show them before taking the order.
        raise RuleViolation([(FORM, notice) for notice in view.notices])
    if view.is_empty:
        raise RuleViolation.on(FORM, "Your cart is empty, so there is nothing to order yet.")
    return lines_of(view)


def claim_everything(session: Session, cart: CartStore, lines: list[LineSource], discount, when: When,
                     rules: OrderingRules) -> None:
    """Step 4: every line's claims in rank order, then the promo use, then the slot place. Last
    before the commit: the stock and slot rows every checkout claims stay locked only from here."""
    claims = sorted((claim for line in lines for claim in line.claims()), key=lambda claim: claim.rank)
    refused = sorted((claim for claim in claims if not claim.take(session)), key=lambda claim: claim.label)
    if refused:
        session.rollback()
        messages = [claim.refused(session, cart) for claim in refused]
        raise RuleViolation.on(FORM, " ".join(messages) + " Nothing has been charged or ordered yet: check your "
                                                          "cart and place the order again.")
    if discount is not None and not _claim_promo(session, discount.promo):
        raise RuleViolation.on("promo_code", "This code has just been fully used.")
    if when.slot_start is not None and not capacity.claim(session, ORDER_SLOTS, when.slot_start,
                                                          rules.orders_per_slot):
        raise RuleViolation.on("when", "That time has just filled up. Choose another.")


def _claim_promo(session: Session, promo: PromoCode) -> bool:
    return session.execute(
        sa.update(PromoCode)
        .where(PromoCode.id == promo.id,
               sa.or_(PromoCode.usage_limit.is_(None), PromoCode.uses_count < PromoCode.usage_limit))
        .values(uses_count=PromoCode.uses_count + 1)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def claim_redemption(session: Session, redemption: Redemption | None, order: Order) -> None:
    """Step 5: spend what the customer chose to pay with (points), tied to the written order."""
    if redemption is not None and redemption.amount > 0:
        redemption.claim(session, order)


@dataclass(frozen=True)
class Mail:
    """How the confirmation email is worded and linked (the caller knows the site and the shop)."""
    link_for: Callable[[str, str], str]   # (order number, access token) → the order page's link
    when_words: Callable[[Order], str]


def write_order(session: Session, details: CheckoutDetails, key: str, number: str, lines: list[LineSource],
                pricing: Pricing, when: When, ctx: Context, mail: Mail,
                payments: PaymentProvider | None) -> tuple[Order, str]:
    """Step 3: the order, its lines, its first status row, the promo redemption and the email,
    all sent to the database before anything is claimed (no row lock held while they are)."""
    delivery = details.fulfilment == Fulfilment.DELIVERY
    priced = pricing.totals
    payment = (payments or PayInPerson()).start(fulfilment=details.fulfilment, amount=priced.total,
                                                currency=ctx.shop.currency, order_number="")
    token, discount = new_token(), pricing.discount
    order = Order(
        number=number, access_token_hash=token_digest(token), idempotency_key=key,
        user_id=ctx.user_id, customer_name=details.name.strip(), customer_email=details.email.strip().lower(),
        customer_phone=details.phone.strip(), fulfilment=details.fulfilment,
        address_line=(details.address_line.strip() or None) if delivery else None,
        address_city=(details.city.strip() or None) if delivery else None,
        postcode=normalise_postcode(details.postcode) if delivery else None,
        delivery_zone_id=pricing.zone.id if pricing.zone else None, is_asap=details.when == ASAP,
        scheduled_for=when.ready, slot_start=when.slot_start, kitchen_note=details.note.strip(),
        subtotal=priced.subtotal, discount=priced.discount, delivery_fee=priced.delivery_fee, total=priced.total,
        redeemed=priced.redeemed,
        tax_included=priced.tax_included, promo_code_id=discount.promo.id if discount else None,
        promo_code=discount.promo.code if discount else None, payment_method=payment.method,
        payment_status=payment.status, status=Status.PLACED,
        lines=sorted((line.order_line() for line in lines), key=lambda line: line.name),
        history=[OrderStatusChange(from_status=None, to_status=Status.PLACED, actor_id=ctx.user_id,
                                   created_at=ctx.now)])
    # Rendered while the order is still pending: everything the email shows is set already, and a
    # pending line's cake is what was given (a flushed line would load it again, line by line).
    email = confirmation_email(order, mail.link_for(order.number, token), ctx.shop.name, mail.when_words(order))
    session.add(order)
    outbox.enqueue_email(session, to=order.customer_email, email=email)
    session.flush()
    if discount is not None:
        session.add(PromoRedemption(promo_id=discount.promo.id, order_id=order.id, user_id=ctx.user_id,
                                    email=order.customer_email))
        session.flush()
    return order, token


# Lines of other kinds (a configured cake) add their own detail lines under the item in emails.
LINE_DETAILS: list[Callable[[OrderLine], list[str]]] = []


def line_details(line: OrderLine) -> list[str]:
    return [detail for details in LINE_DETAILS for detail in details(line)]


def confirmation_email(order: Order, link: str, store_name: str, when: str) -> Email:
    pickup = order.fulfilment == Fulfilment.PICKUP
    return render_email("order_confirmation", subject=f"Your order {order.number} – {store_name}", order=order,
                        link=link, when=when, line_details=line_details, fulfilment_label="Ready for pickup" if pickup else "Delivery",
                        payment_words="at pickup" if pickup else "on delivery")


class _NumberTaken(Exception):
    """The random order number was already in use: the transaction is rolled back, try again."""


# Order numbers are 6 random characters out of 27 (about 387 million): a clash is rare, two in a
# row rarer still; after this many the error is real.
NUMBER_ATTEMPTS = 3


PAUSED_MESSAGE = ("We are not taking online orders right now. Nothing has been ordered or charged; "
                  "please try again a little later or call the shop.")


def _refuse_if_paused(session: Session) -> None:
    """The pause switch, read from the database under a shared row lock held until this order's
    transaction ends (never from a cached copy of the rules). "Pause online orders" locks the row
    for update, so a pause and an order never overlap: either the order commits first and the
    pause waits for it, or the pause commits first and this read sees it."""
    paused = session.scalar(sa.select(OrderingRules.orders_paused).order_by(OrderingRules.id).limit(1)
                            .with_for_update(read=True))
    if paused:
        raise RuleViolation.on(FORM, PAUSED_MESSAGE)


def place_order(session: Session, cart: CartStore, details: CheckoutDetails, key: str, ctx: Context, *,
                mail: Mail, payments: PaymentProvider | None = None, drafted: Draft | None = None) -> Placed:
    """Place the order for this cart, once per `key`. Raises RuleViolation (nothing written).
    An order-number clash rolls everything back and places it again under a new number.
    `drafted`: what the caller has just read in this transaction (`draft`), used instead of
    reading the cart, the rules and (without a promo code, which is read under a lock) the
    money again. A caller passing `drafted` has looked for an order under `key` in this
    transaction already (a concurrent one is still caught by the key's unique index)."""
    for attempt in range(1, NUMBER_ATTEMPTS + 1):
        try:
            return _place_once(session, cart, details, key, ctx, mail=mail, payments=payments,
                               drafted=drafted if attempt == 1 else None)
        except _NumberTaken:
            if attempt == NUMBER_ATTEMPTS:
                raise


def _place_once(session: Session, cart: CartStore, details: CheckoutDetails, key: str, ctx: Context, *,
                mail: Mail, payments: PaymentProvider | None, drafted: Draft | None) -> Placed:
    existing = find_by_key(session, key) if drafted is None else None
    if existing is not None:
        return Placed.of(existing, replayed=True)
    view, rules = (drafted.view, drafted.rules) if drafted is not None else \
        (cart_service.view_cart(session, cart, ctx.money), slot_rules.get_rules(session))
    lines = _lines_to_order(view)
    number = new_order_number()
    try:
        _refuse_if_paused(session)
        cake_day, problems = order_day(lines)
        when = resolve_time(session, details, rules, ctx, cake_day)
        pricing = drafted.pricing if drafted is not None and not details.promo_code \
            else price(session, details, lines, rules, ctx, lock=True)
        problems += _guest_order_cap(session, details, ctx)
        problems += [p for p in pricing.problems if p[0] != promos.FIELD]
        if details.fulfilment == Fulfilment.DELIVERY and not details.postcode:
            problems.append(("postcode", "Enter the delivery postcode"))
        problems += when.problems
        refused_code = [p for p in pricing.problems if p[0] == promos.FIELD]
        if refused_code and promos.normalise_code(details.promo_seen) == promos.normalise_code(details.promo_code):
            refused_code = []  # seen and refused: left off (the discount is None), the order goes on
        if problems or refused_code:  # the code's reasons wait until the rest is right
            raise RuleViolation(problems or refused_code)
        order, token = write_order(session, details, key, number, lines, pricing, when, ctx, mail, payments)
        placed = Placed.of(order, token, replayed=False)
        claim_everything(session, cart, lines, pricing.discount, when, rules)
        claim_redemption(session, pricing.redemption, order)
        session.commit()
    except RuleViolation:
        session.rollback()
        raise
    except IntegrityError as error:
        # The same key committed first in a concurrent request: the first order is the answer.
        # Or, rarely, the random number was taken: the caller tries again with a new one.
        session.rollback()
        first = find_by_key(session, key)
        if first is not None:
            return Placed.of(first, replayed=True)
        if session.scalar(sa.select(Order.id).where(Order.number == number)):
            raise _NumberTaken(number) from error
        raise
    except BaseException:
        session.rollback()
        raise
    return placed
