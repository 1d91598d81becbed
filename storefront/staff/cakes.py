"""The cakes the bakery has to make: every cake of an order still in hand, day by day from today,
with every choice, the message, the customer's notes and the reference photo. One query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import groupby

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..cakes.models import CakeConfiguration, CakePhoto
from ..orders.models import Order, OrderLine
from .service import ACTIVE

DAYS_SHOWN = 14


@dataclass(frozen=True)
class DueCake:
    order: Order
    quantity: int
    name: str
    choices: list[tuple[str, str]]
    message: str
    notes: str
    photo: CakePhoto | None


def in_hand():
    """The conditions of a cake still to be made: its order is not deleted, done or cancelled."""
    return (CakeConfiguration.order_line_id == OrderLine.id, OrderLine.order_id == Order.id,
            Order.deleted_at.is_(None), Order.status.in_(ACTIVE))


def due(session: Session, first: date, days: int = DAYS_SHOWN) -> list[tuple[date, list[DueCake]]]:
    """The cakes due from `first` for `days` days, grouped by day, soonest first."""
    rows = session.execute(
        sa.select(CakeConfiguration, OrderLine.quantity, OrderLine.name, Order)
        .where(*in_hand(), CakeConfiguration.due_on >= first, CakeConfiguration.due_on < first + timedelta(days=days))
        .order_by(CakeConfiguration.due_on, Order.scheduled_for, Order.id)).all()
    cakes = [(cake.due_on, DueCake(order=order, quantity=quantity, name=name,
                                   choices=[(kind, choice) for kind, choice in cake.choices], message=cake.message,
                                   notes=cake.notes, photo=cake.photo))
             for cake, quantity, name, order in rows]
    return [(day, [c for _, c in group]) for day, group in groupby(cakes, key=lambda pair: pair[0])]


def counts(first: date, week_end: date):
    """An aggregate over the cakes in hand: (due on `first`, due before `week_end`)."""
    return (sa.select(sa.func.coalesce(sa.func.sum(sa.case((CakeConfiguration.due_on == first, OrderLine.quantity),
                                                            else_=0)), 0),
                      sa.func.coalesce(sa.func.sum(OrderLine.quantity), 0))
            .where(*in_hand(), CakeConfiguration.due_on >= first, CakeConfiguration.due_on < week_end))
