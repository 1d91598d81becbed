"""People (admins only): staff accounts — invite, role, deactivate — and customers — search,
their orders and bookings, deactivate.

Rules: the shop always keeps at least one active admin. Every change that could take away an
admin (a demotion, a deactivation) locks the active admins' rows first and counts them under the
lock, so two admins demoting each other at the same moment leave one: the second waits for the
first, then sees one admin left (and is no longer one itself). Nobody can raise anyone to admin
without being an admin: these functions are only reached through the admin-only screens, and
each checks under the lock that the acting account is still an active admin. Every change is
audited with before and after."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..accounts.models import Role, User, new_session_nonce
from ..core import audit
from ..core.rules import FORM, RuleViolation
from ..orders.models import Order
from ..reservations.models import Reservation

SHOWN = 25
RANK = {Role.CUSTOMER: 0, Role.STAFF: 1, Role.ADMIN: 2}
LAST_ADMIN = "The shop must keep at least one active admin: make someone else an admin first."


def staff_accounts(session: Session) -> list[User]:
    return list(session.scalars(sa.select(User).where(User.role.in_((Role.STAFF, Role.ADMIN)))
                                .order_by(User.is_active_account.desc(), User.name, User.id)))


def search_customers(session: Session, query: str) -> list[User]:
    """Customers whose name, email or phone contains the words typed (any case); the newest
    accounts when nothing is typed."""
    conditions = [User.role == Role.CUSTOMER]
    if query:
        words = "".join(ch for ch in query.lower() if ch not in "\\%_")
        like = f"%{words}%"
        conditions.append(sa.or_(sa.func.lower(User.name).like(like), sa.func.lower(User.email).like(like),
                                 sa.func.lower(sa.func.coalesce(User.phone, "")).like(like)))
    return list(session.scalars(sa.select(User).where(*conditions).order_by(User.created_at.desc(), User.id.desc())
                                .limit(SHOWN)))


@dataclass(frozen=True)
class Account:
    user: User
    orders: list[Order]
    bookings: list[Reservation]


def account(session: Session, user_id: int) -> Account | None:
    """One account with its latest orders and bookings: three queries."""
    user = session.get(User, user_id)
    if user is None:
        return None
    orders = list(session.scalars(sa.select(Order).where(Order.user_id == user_id, Order.deleted_at.is_(None))
                                  .order_by(Order.scheduled_for.desc()).limit(SHOWN)))
    bookings = list(session.scalars(sa.select(Reservation).where(Reservation.user_id == user_id)
                                    .order_by(Reservation.starts_at.desc()).limit(SHOWN)))
    return Account(user=user, orders=orders, bookings=bookings)


def _locked_admins(session: Session) -> set[int]:
    """The active admins' ids, their rows locked until this transaction ends."""
    return set(session.scalars(sa.select(User.id).where(User.role == Role.ADMIN, User.is_active_account.is_(True))
                               .order_by(User.id).with_for_update()))


def _target(session: Session, user_id: int, actor_id: int, seen: str | None) -> tuple[User, set[int]]:
    admins = _locked_admins(session)
    if actor_id not in admins:
        session.rollback()
        raise RuleViolation.on(FORM, "Only an active admin can change accounts. Nothing was changed.")
    user = session.scalars(sa.select(User).where(User.id == user_id).with_for_update()).first()
    if user is None:
        session.rollback()
        raise RuleViolation.on(FORM, "There is no such account.")
    session.refresh(user)
    if seen is not None and seen != state_of(user):
        session.rollback()
        raise RuleViolation.on(FORM, "This account has changed since the page was loaded. Nothing was changed — "
                                     "check it and try again.")
    return user, admins


def state_of(user: User) -> str:
    """What a form carries of the account it was drawn for (role and active), to notice a change."""
    return f"{user.role.value}:{'active' if user.is_active_account else 'inactive'}"


def set_role(session: Session, user_id: int, role: str | None, seen: str | None, actor_id: int) -> User:
    try:
        new_role = Role(role)
    except ValueError:
        raise RuleViolation.on("role", "Choose customer, staff or admin") from None
    user, admins = _target(session, user_id, actor_id, seen)
    before = user.role
    if before == new_role:
        session.rollback()
        return user
    if user.id in admins and new_role != Role.ADMIN and len(admins) == 1:
        session.rollback()
        raise RuleViolation.on("role", LAST_ADMIN)
    user.role = new_role
    if RANK[new_role] < RANK[before]:
        user.session_nonce = new_session_nonce()  # fewer rights: every session of theirs ends
    audit.record(session, actor_id=actor_id, action="people.role", target_type="user", target_id=user.id,
                 before=before.value, after=new_role.value)
    session.commit()
    return user


def set_active(session: Session, user_id: int, active: bool, seen: str | None, actor_id: int) -> User:
    """Deactivate (cannot sign in; every session ends — the caller also deletes them from the
    session store) or reactivate an account."""
    user, admins = _target(session, user_id, actor_id, seen)
    if user.is_active_account == active:
        session.rollback()
        return user
    if not active and user.id == actor_id:
        session.rollback()
        raise RuleViolation.on(FORM, "You cannot deactivate your own account.")
    if not active and user.id in admins and len(admins) == 1:
        session.rollback()
        raise RuleViolation.on(FORM, LAST_ADMIN)
    user.is_active_account = active
    user.session_nonce = new_session_nonce()
    audit.record(session, actor_id=actor_id, action="people.activate" if active else "people.deactivate",
                 target_type="user", target_id=user.id, before=not active, after=active)
    session.commit()
    return user
