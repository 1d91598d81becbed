"""The loyalty rules: earning on completed orders, taking back on refunds and cancellations,
expiry (oldest first), redeeming at checkout and staff adjustments.

Every change goes through `_change`, which locks the customer's account row, refuses to take the
balance below zero, uses up the oldest lots first when points leave, and appends one ledger row
with the balance after it. The database backs the rule with CHECK constraints (balance and
balance_after never negative). Services here never commit: the caller's transaction (the order's,
the status change's, the CLI command's) owns the change."""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..accounts.verification import is_verified
from ..checkout.models import PromoCode, PromoKind
from ..core import audit
from ..core.db import insert_ignore
from ..core.money import to_money
from ..core.rules import RuleViolation
from ..core.settings import load_settings
from ..core.time import utcnow
from ..orders.models import Order
from .models import EntryKind, LoyaltyAccount, LoyaltyEntry, LoyaltySettings

FIELD = "points"
HISTORY_ROWS = 20
EXPIRING_SOON = timedelta(days=30)
MAX_ADJUSTMENT = 1_000_000


def get_settings(session: Session) -> LoyaltySettings:
    return load_settings(session, LoyaltySettings)


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time `months` later (the month's last day when it is shorter)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def worth(points: int, settings: LoyaltySettings) -> Decimal:
    """What `points` take off an order, half-up to the cent."""
    return to_money(Decimal(points) * settings.value_per_100 / Decimal(100))


# --- the ledger ----------------------------------------------------------------------------

class NotEnoughPoints(RuleViolation):
    def __init__(self, balance: int, wanted: int):
        self.balance = balance
        super().__init__([(FIELD, f"You have {balance} points, so {wanted} can’t be taken.")])


def _lock_account(session: Session, user_id: int) -> LoyaltyAccount:
    session.execute(insert_ignore(session, LoyaltyAccount, {"user_id": user_id, "balance": 0}, ["user_id"]))
    return session.scalars(sa.select(LoyaltyAccount).where(LoyaltyAccount.user_id == user_id)
                           .with_for_update().execution_options(populate_existing=True)).one()


def _use_lots(session: Session, user_id: int, points: int, first_order_id: int | None = None) -> None:
    """Take `points` out of the lots still held, oldest expiry first (this order's own lot first
    when taking back what an order earned)."""
    order = [LoyaltyEntry.expires_at.is_(None), LoyaltyEntry.expires_at, LoyaltyEntry.id]
    if first_order_id is not None:
        order.insert(0, sa.case((LoyaltyEntry.order_id == first_order_id, 0), else_=1))
    lots = session.scalars(sa.select(LoyaltyEntry).where(LoyaltyEntry.user_id == user_id, LoyaltyEntry.remaining > 0)
                           .order_by(*order)).all()
    for lot in lots:
        if points == 0:
            break
        taken = min(lot.remaining, points)
        lot.remaining -= taken
        points -= taken
    if points:  # the lots disagree with the balance: never paper over it
        raise RuntimeError(f"loyalty lots of user {user_id} hold fewer points than the balance")


def _change(session: Session, account: LoyaltyAccount, kind: EntryKind, points: int, now: datetime, *,
            order_id: int | None = None, actor_id: int | None = None, reason: str = "") -> LoyaltyEntry:
    """One ledger row on a locked account. Points arriving become a lot that expires after the
    configured months; points leaving use up the oldest lots."""
    if points == 0:
        raise ValueError("a ledger row changes the balance")
    if account.balance + points < 0:
        raise NotEnoughPoints(account.balance, -points)
    expires_at = None
    if points > 0:
        months = get_settings(session).expiry_months
        expires_at = add_months(now, months) if months > 0 else None
    else:
        _use_lots(session, account.user_id, -points, order_id if kind == EntryKind.REVERSED else None)
    account.balance += points
    entry = LoyaltyEntry(user_id=account.user_id, kind=kind, points=points, balance_after=account.balance,
                         remaining=max(points, 0), expires_at=expires_at, order_id=order_id, actor_id=actor_id,
                         reason=reason[:200], created_at=now)
    session.add(entry)
    session.flush()
    return entry


def record(session: Session, user_id: int, kind: EntryKind, points: int, now: datetime, **details) -> LoyaltyEntry:
    """One change to a customer's points (the account locked first); the caller commits."""
    return _change(session, _lock_account(session, user_id), kind, points, now, **details)


def expire_for(session: Session, account: LoyaltyAccount, now: datetime) -> int:
    """Expire this (locked) account's lots that are due; the points expired (0 when none)."""
    due = session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LoyaltyEntry.remaining), 0)).where(
        LoyaltyEntry.user_id == account.user_id, LoyaltyEntry.remaining > 0, LoyaltyEntry.expires_at <= now))
    if due:
        _change(session, account, EntryKind.EXPIRED, -int(due), now, reason="Held for too long")
    return int(due or 0)


def expire_due(session: Session, now: datetime) -> tuple[int, int]:
    """Expire every due lot, oldest first. (customers, points). Running it again changes nothing."""
    users = session.scalars(sa.select(LoyaltyEntry.user_id).distinct().where(
        LoyaltyEntry.remaining > 0, LoyaltyEntry.expires_at <= now).order_by(LoyaltyEntry.user_id)).all()
    points = sum(expire_for(session, _lock_account(session, user_id), now) for user_id in users)
    return len(users), points


# --- earning and taking back ----------------------------------------------------------------

def goods_spent(session: Session, order: Order) -> Decimal:
    """What the customer paid for the goods: after the promo and the points, before delivery."""
    delivery_discount = Decimal("0")
    if order.promo_code_id is not None and session.scalar(
            sa.select(PromoCode.kind).where(PromoCode.id == order.promo_code_id)) == PromoKind.FREE_DELIVERY:
        delivery_discount = order.discount
    return max(order.total - (order.delivery_fee - delivery_discount), Decimal("0"))


def points_for(amount: Decimal, settings: LoyaltySettings) -> int:
    return int((amount * settings.points_per_unit).to_integral_value(rounding=ROUND_FLOOR))


def _order_sum(session: Session, order_id: int, kind: EntryKind) -> int:
    return int(session.scalar(sa.select(sa.func.coalesce(sa.func.sum(LoyaltyEntry.points), 0)).where(
        LoyaltyEntry.order_id == order_id, LoyaltyEntry.kind == kind)) or 0)


def earn_for_order(session: Session, order: Order, now: datetime | None = None) -> None:
    """A completed order of a signed-in customer earns its points, once (an ON_COMPLETED hook)."""
    if order.user_id is None:
        return
    points = points_for(goods_spent(session, order), get_settings(session))
    account = _lock_account(session, order.user_id)
    if points <= 0 or _order_sum(session, order.id, EntryKind.EARNED):
        return
    _change(session, account, EntryKind.EARNED, points, now or utcnow(), order_id=order.id,
            reason=f"Order {order.number}")


def undo_for_order(session: Session, order: Order, what: str, now: datetime | None = None) -> None:
    """A cancelled or refunded order gives back the points it spent and takes back the points it
    earned — as many as are still held, since the balance never goes below zero. Once only."""
    if order.user_id is None:
        return
    account, now = _lock_account(session, order.user_id), now or utcnow()
    spent = -_order_sum(session, order.id, EntryKind.REDEEMED) - _order_sum(session, order.id, EntryKind.RETURNED)
    if spent > 0:
        _change(session, account, EntryKind.RETURNED, spent, now, order_id=order.id,
                reason=f"Order {order.number} {what}")
    earned = _order_sum(session, order.id, EntryKind.EARNED) + _order_sum(session, order.id, EntryKind.REVERSED)
    taken = min(earned, account.balance)
    if taken > 0:
        _change(session, account, EntryKind.REVERSED, -taken, now, order_id=order.id,
                reason=f"Order {order.number} {what}")


def on_cancelled(session: Session, order: Order) -> None:
    undo_for_order(session, order, "cancelled")


def on_refunded(session: Session, order: Order) -> None:
    undo_for_order(session, order, "refunded")


# --- staff ----------------------------------------------------------------------------------

def adjust(session: Session, user_id: int, points: int, reason: str, *, actor_id: int | None,
           now: datetime, key: str | None = None) -> LoyaltyEntry:
    """A staff member adds (or takes) points with a reason; audited. The caller commits. With a
    form's one-time `key`, a replay returns the first adjustment instead of making another."""
    if key is not None:
        done = session.scalars(sa.select(LoyaltyEntry).where(LoyaltyEntry.form_key == key)).first()
        if done is not None:
            return done
    problems = []
    if not reason.strip():
        problems.append(("reason", "Say why the points change: the customer sees it in their history."))
    if points == 0 or abs(points) > MAX_ADJUSTMENT:
        problems.append((FIELD, f"Enter a number of points between −{MAX_ADJUSTMENT} and {MAX_ADJUSTMENT}, not 0."))
    if problems:
        raise RuleViolation(problems)
    account = _lock_account(session, user_id)
    before = account.balance
    entry = _change(session, account, EntryKind.ADJUSTED, points, now, actor_id=actor_id, reason=reason.strip())
    entry.form_key = key
    audit.record(session, actor_id=actor_id, action="loyalty.adjust", target_type="user", target_id=user_id,
                 before=before, after=account.balance, points=points, reason=reason.strip())
    return entry


def customer_by_email(session: Session, email: str) -> User:
    user = session.scalars(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower())).first()
    if user is None:
        raise RuleViolation.on("email", "No account has this email address.")
    return user


# --- redeeming ------------------------------------------------------------------------------

def why_not_redeemable(user: User | None) -> str | None:
    """The one check before a customer may spend points: None when they may, else the reason
    shown beside the field."""
    if user is None:
        return "Sign in to use your points."
    if not is_verified(user):
        return "Confirm your email address to use your points: the link is in the email we sent you."
    return None


def can_redeem(user: User | None) -> bool:
    return why_not_redeemable(user) is None


def spendable(session: Session, user_id: int, now: datetime) -> int:
    """The balance less any lots already past their expiry (the expiry run may not have come by)."""
    row = session.execute(sa.select(
        LoyaltyAccount.balance,
        sa.select(sa.func.coalesce(sa.func.sum(LoyaltyEntry.remaining), 0))
        .where(LoyaltyEntry.user_id == user_id, LoyaltyEntry.remaining > 0, LoyaltyEntry.expires_at <= now)
        .scalar_subquery()).where(LoyaltyAccount.user_id == user_id)).first()
    return 0 if row is None else max(int(row[0]) - int(row[1]), 0)


def max_points(balance: int, goods: Decimal, settings: LoyaltySettings) -> int:
    """The most points this order can take: whole steps, within the balance and the share."""
    if settings.value_per_100 <= 0:
        return 0
    cap_value = goods * settings.max_share_percent / Decimal(100)
    by_share = int((cap_value * 100 / settings.value_per_100).to_integral_value(rounding=ROUND_FLOOR))
    most = min(balance, by_share)
    most -= most % settings.redeem_step
    return most if most >= settings.redeem_minimum else 0


def more_than_held(balance: int, points: int) -> str:
    return f"You have {balance} points, so you can’t use {points}."


def check_points(points: int, *, balance: int, goods: Decimal, has_promo: bool,
                 settings: LoyaltySettings) -> Decimal:
    """What `points` take off goods worth `goods`, or a RuleViolation on the points field saying
    exactly why not. Pure: no database."""
    if points < 0:
        raise RuleViolation.on(FIELD, "Enter a number of points of 0 or more.")
    if has_promo and not settings.combine_with_promo:
        raise RuleViolation.on(FIELD, "Points can’t be used together with a promo code: remove the code "
                                      "to use points, or leave the points at 0.")
    if points > balance:
        raise RuleViolation.on(FIELD, more_than_held(balance, points))
    if points < settings.redeem_minimum:
        raise RuleViolation.on(FIELD, f"Use at least {settings.redeem_minimum} points at a time.")
    if points % settings.redeem_step:
        lower = points - points % settings.redeem_step
        raise RuleViolation.on(FIELD, f"Use points in steps of {settings.redeem_step}, "
                                      f"such as {max(lower, settings.redeem_minimum)} or {lower + settings.redeem_step}.")
    value = worth(points, settings)
    if value > goods * settings.max_share_percent / Decimal(100):  # the exact share, as max_points
        most = max_points(balance, goods, settings)
        limit = f"up to {most} points on this order" if most else "too few points for this order"
        raise RuleViolation.on(FIELD, f"Points can pay for at most {settings.max_share_percent}% of the items "
                                      f"({limit}).")
    return value


@dataclass(frozen=True)
class Offer:
    """What the checkout tells a signed-in customer about their points."""
    balance: int
    worth: Decimal
    most: int                 # the most they can use on this order (0: none)
    settings: LoyaltySettings
    refusal: str | None       # why they can't spend points at all


def offer(session: Session, user_id: int, goods: Decimal, now: datetime) -> Offer:
    settings = get_settings(session)
    balance = spendable(session, user_id, now)
    user = session.get(User, user_id)
    return Offer(balance=balance, worth=worth(balance, settings), most=max_points(balance, goods, settings),
                 settings=settings, refusal=why_not_redeemable(user))


def redeem(session: Session, user_id: int, points: int, order: Order, now: datetime) -> LoyaltyEntry:
    """Spend `points` on `order` inside the order's transaction. The account row is locked first,
    so of two orders spending the same points the second waits, then sees what is left."""
    account = _lock_account(session, user_id)
    expire_for(session, account, now)
    if account.balance < points:   # another order spent them since the page was shown
        raise RuleViolation.on(FIELD, more_than_held(account.balance, points))
    return _change(session, account, EntryKind.REDEEMED, -points, now, order_id=order.id,
                   reason=f"Order {order.number}")


# --- the account page -----------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    balance: int
    worth: Decimal
    history: list[LoyaltyEntry]
    expiring: int
    expiring_by: datetime | None
    to_next: int              # points still needed before the next reward (0: can redeem now)
    next_reward: Decimal      # what that reward is worth
    settings: LoyaltySettings


def summary(session: Session, user_id: int, now: datetime) -> Summary:
    """Three queries: balance (net of overdue lots), the soonest expiring lots, the history."""
    settings = get_settings(session)
    balance = spendable(session, user_id, now)
    expiring, expiring_by = session.execute(
        sa.select(sa.func.coalesce(sa.func.sum(LoyaltyEntry.remaining), 0), sa.func.max(LoyaltyEntry.expires_at))
        .where(LoyaltyEntry.user_id == user_id, LoyaltyEntry.remaining > 0, LoyaltyEntry.expires_at > now,
               LoyaltyEntry.expires_at <= now + EXPIRING_SOON)).one()
    history = list(session.scalars(sa.select(LoyaltyEntry).where(LoyaltyEntry.user_id == user_id)
                                   .order_by(LoyaltyEntry.id.desc()).limit(HISTORY_ROWS)))
    if balance < settings.redeem_minimum:
        target = settings.redeem_minimum
    else:
        target = balance - (balance - settings.redeem_minimum) % settings.redeem_step + settings.redeem_step
    return Summary(balance=balance, worth=worth(balance, settings), history=history, expiring=int(expiring),
                   expiring_by=expiring_by, to_next=target - balance, next_reward=worth(target, settings),
                   settings=settings)
