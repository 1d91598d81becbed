"""The per-day lock. Every use case that claims or releases a table, or adds guests to a slot,
takes the lock of each local day it touches — in date order, so two changes never wait on each
other in a circle — before it reads what is held. On PostgreSQL that is a row lock (INSERT … ON
CONFLICT DO NOTHING makes sure the row exists, then UPDATE locks it until the transaction ends);
on SQLite the same statements take the database's write lock, which serialises writers just as
well. A booking never spans two local days (opening periods end before midnight), so one
day's lock covers both its table holds and its pacing."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.db import insert_ignore
from .models import ReservationDay


def lock_days(session: Session, days: Iterable[date]) -> None:
    for day in sorted(set(days)):
        session.execute(insert_ignore(session, ReservationDay, {"local_date": day, "version": 0}, ["local_date"]))
        session.execute(sa.update(ReservationDay).where(ReservationDay.local_date == day)
                        .values(version=ReservationDay.version + 1)
                        .execution_options(synchronize_session=False))
