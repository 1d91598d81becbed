"""Where loyalty shows itself: the points fieldset at checkout (a redemption source) and the
account page section. No routes of its own: both live on pages other features own."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from ..accounts.sections import Section, add_section
from ..checkout.service import CheckoutDetails, Redemption
from ..core.rules import RuleViolation
from ..core.shop import Context
from ..core.time import utcnow
from . import bp, service


def checkout_points(session: Session, details: CheckoutDetails, goods: Decimal, has_promo: bool,
                    ctx: Context) -> Redemption | None:
    """The checkout's points line: what the customer holds and what the chosen points take off."""
    if ctx.user_id is None:
        if not details.points:
            return None
        return Redemption(amount=Decimal("0.00"), label="", offer=None, claim=_nothing,
                          problems=[(service.FIELD, service.why_not_redeemable(None))])
    offer = service.offer(session, ctx.user_id, goods, ctx.now)
    if offer.balance == 0 and not details.points:
        return None
    amount, problems = Decimal("0.00"), []
    if details.points:
        try:
            if offer.refusal:
                raise RuleViolation.on(service.FIELD, offer.refusal)
            amount = service.check_points(details.points, balance=offer.balance, goods=goods, has_promo=has_promo,
                                          settings=offer.settings)
        except RuleViolation as violation:
            problems = violation.reasons
    points, user_id = (details.points if amount > 0 else 0), ctx.user_id

    def claim(session: Session, order) -> None:
        service.redeem(session, user_id, points, order, ctx.now)

    return Redemption(amount=amount, label=f"Points ({points})", offer=offer, problems=problems, claim=claim)


def _nothing(session: Session, order) -> None:
    """A guest's refused points claim nothing (never called: the refusal stops the order)."""


def account_section(session: Session, user_id: int) -> dict:
    return {"summary": service.summary(session, user_id, utcnow())}


bp.record(lambda state: add_section(state.app, Section("loyalty/_account.html", account_section)))
