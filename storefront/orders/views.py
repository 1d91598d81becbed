"""`/orders`: a customer's order history with reorder, and each order's page: items, totals,
a status timeline that refreshes itself until the order is final, and cancel while allowed."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload

from ..cart.session import current_cart
from ..checkout.payments import PAYMENT_LABELS
from ..checkout.slots import get_rules
from ..core.confirm import ask_first, confirmed
from ..core.htmx import redirect_to, render
from ..core.rules import RuleViolation
from ..extensions import db
from ..store.current import request_context
from . import bp, service
from .forms import CancelForm
from .models import Order
from .viewing import access_token_for, may_view, order_url, when_words


def _order_or_404(number: str) -> tuple[Order, str | None]:
    if len(number) > 16:
        abort(404)
    order = db.session.scalars(
        sa.select(Order).where(Order.number == number, Order.deleted_at.is_(None))
        .options(selectinload(Order.lines), selectinload(Order.history))
    ).first()
    given = request.values.get("key")
    # Not 403: whether an order number exists is nobody else's business.
    if order is None or not may_view(order, given):
        abort(404)
    return order, access_token_for(order, given)


def _order_page(order: Order, token: str | None, *, block: str | None = None, status: int = 200):
    ctx = request_context()
    return render("orders/detail.html", block, status=status, order=order, token=token, when=when_words(order),
                  can_cancel=service.can_cancel(order, get_rules(db.session), ctx.now, db.session), form=CancelForm(),
                  payment_label=PAYMENT_LABELS.get(order.payment_method, order.payment_method),
                  status_url=url_for("orders.status", number=order.number, key=token))


@bp.get("")
@login_required
def index():
    orders = db.session.scalars(
        sa.select(Order).where(Order.user_id == current_user.id, Order.deleted_at.is_(None))
        .options(selectinload(Order.lines)).order_by(Order.created_at.desc(), Order.id.desc()).limit(50)
    ).all()
    return render("orders/index.html", orders=orders, form=CancelForm(), when_words=when_words)


@bp.get("/<number>")
def detail(number: str):
    order, token = _order_or_404(number)
    return _order_page(order, token)


@bp.get("/<number>/status")
def status(number: str):
    order, token = _order_or_404(number)
    return _order_page(order, token, block="status")


@bp.post("/<number>/cancel")
def cancel(number: str):
    order, token = _order_or_404(number)
    if not confirmed():
        return ask_first(heading=f"Cancel order {order.number}?", question="We will not make it, and nothing is owed.",
                         yes="Yes, cancel the order", no="Keep my order", back=order_url(order, token),
                         fields={"key": token or ""})
    try:
        service.cancel_order(db.session, order, request_context())
    except RuleViolation as violation:
        flash(violation.reasons[0][1], "error")
    else:
        flash(f"Order {order.number} is cancelled. Nothing is owed.", "success")
    return redirect_to(order_url(order, token))


@bp.post("/<number>/reorder")
@login_required
def reorder(number: str):
    order, _ = _order_or_404(number)
    for message in service.reorder(db.session, current_cart(for_writing=True), order):
        flash(message, "info")
    return redirect_to(url_for("cart.view"))
