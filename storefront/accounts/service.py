"""Account rules: registration, sign-in, profile, password change and reset.
Plain functions on a session; each use case commits once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..core import audit, outbox
from ..core.rules import RuleViolation
from ..core.security import (
    burn_password_check,
    hash_password,
    new_token,
    password_needs_rehash,
    token_digest,
    verify_password,
)
from ..core.time import utcnow
from . import consent, verification
from .models import PasswordResetToken, Role, User, new_session_nonce


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(sa.select(User).where(User.email == normalise_email(email))).first()


@dataclass(frozen=True)
class Registration:
    name: str
    email: str
    password: str
    phone: str | None = None
    marketing: bool = False  # the opt-in box, never ticked for the customer


@dataclass(frozen=True)
class VerifyLinks:
    """How to build a verification link, and the shop's name for the email's subject."""
    link_for: verification.LinkFor
    store_name: str


def register(session: Session, data: Registration, role: Role = Role.CUSTOMER,
             verify: VerifyLinks | None = None) -> User:
    email = normalise_email(data.email)
    if find_by_email(session, email) is not None:
        raise RuleViolation.on("email", "An account with this email already exists. Sign in, or reset your password.")
    user = User(email=email, name=data.name.strip(), phone=(data.phone or "").strip() or None,
                password_hash=hash_password(data.password), role=role)
    session.add(user)
    try:
        session.flush()
        if data.marketing:
            consent.record(session, email=email, given=True, source="registration", user_id=user.id)
        if verify is not None:
            verification.send_link(session, user, link_for=verify.link_for, store_name=verify.store_name)
        session.commit()
    except IntegrityError:
        # Two registrations for one email at once: the unique index decides.
        session.rollback()
        raise RuleViolation.on("email", "An account with this email already exists. Sign in, or reset your password.") from None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user for these credentials, or None. Unknown emails cost the same time as known ones."""
    user = find_by_email(session, email)
    if user is None or not user.is_active:
        burn_password_check(password)
        return None
    if not verify_password(user.password_hash, password):
        return None
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    session.commit()
    return user


@dataclass(frozen=True)
class ProfileChange:
    name: str
    email: str
    phone: str | None
    current_password: str | None = None


def update_profile(session: Session, user: User, change: ProfileChange, verify: VerifyLinks | None = None) -> User:
    email = normalise_email(change.email)
    email_changed = email != user.email
    if email_changed:
        # Changing the address that receives reset links needs the password: a borrowed,
        # signed-in browser must not be enough to take the account over.
        if not change.current_password or not verify_password(user.password_hash, change.current_password):
            raise RuleViolation.on("current_password", "Enter your current password to change your email")
        if find_by_email(session, email) is not None:
            raise RuleViolation.on("email", "Another account already uses this email")
        audit.record(session, actor_id=user.id, action="account.email_changed", target_type="user",
                     target_id=user.id, old=user.email, new=email)
        # Reset links went to the old address: they must not outlive it.
        _void_reset_links(session, user)
        outbox.enqueue_template(session, to=user.email, subject="Your account's email address was changed",
                                template="email_changed", user=user, new_email=email, voided=VOIDED_LINKS)
        user.email = email
        # The new address is not proved yet: it gets its own link, the old one the notice above.
        user.email_verified_at = None
    user.name = change.name.strip()
    user.phone = (change.phone or "").strip() or None
    try:
        if email_changed and verify is not None:
            verification.send_link(session, user, link_for=verify.link_for, store_name=verify.store_name)
        session.commit()
    except IntegrityError:
        session.rollback()
        raise RuleViolation.on("email", "Another account already uses this email") from None
    return user


VOIDED_LINKS = "Any password reset links sent before this change no longer work."


def _void_reset_links(session: Session, user: User) -> None:
    session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=utcnow())
    )


def _set_password(session: Session, user: User, new_password: str) -> None:
    user.password_hash = hash_password(new_password)
    # A new nonce refuses every other session of the account, even one Redis no longer lists.
    user.session_nonce = new_session_nonce()
    _void_reset_links(session, user)
    outbox.enqueue_template(session, to=user.email, subject="Your password was changed", template="password_changed",
                            user=user, voided=VOIDED_LINKS)


def change_password(session: Session, user: User, current_password: str, new_password: str) -> User:
    if not verify_password(user.password_hash, current_password):
        raise RuleViolation.on("current_password", "Your current password is not right")
    _set_password(session, user, new_password)
    audit.record(session, actor_id=user.id, action="account.password_changed", target_type="user", target_id=user.id)
    session.commit()
    return user


def sign_out_everywhere(session: Session, user: User) -> None:
    """A new nonce voids every session of the account, including ones Redis no longer lists."""
    user.session_nonce = new_session_nonce()
    audit.record(session, actor_id=user.id, action="account.signed_out_everywhere", target_type="user",
                 target_id=user.id)
    session.commit()


RESET_SUBJECT = "Reset your password"


def request_password_reset(session: Session, email: str, *, link_for, max_age: timedelta,
                           store_name: str) -> None:
    """Email a single-use reset link if the account exists. The caller shows the same answer
    either way, so the form cannot be used to learn who has an account."""
    user = find_by_email(session, email)
    if user is None or not user.is_active:
        return
    token = _issue_link(session, user, max_age)
    minutes = int(max_age.total_seconds() // 60)
    outbox.enqueue_template(session, to=user.email, subject=f"{RESET_SUBJECT} – {store_name}",
                            template="password_reset", user=user, link=link_for(token), minutes=minutes)
    session.commit()


def _issue_link(session: Session, user: User, max_age: timedelta) -> str:
    """A new single-use set-password link's token (only its digest is stored)."""
    now = utcnow()
    token = new_token()
    session.add(PasswordResetToken(user=user, token_hash=token_digest(token), created_at=now,
                                   expires_at=now + max_age))
    return token


@dataclass(frozen=True)
class Invitation:
    name: str
    email: str
    role: Role
    inviter: str


INVITE_SUBJECT = "Your back-office account"


def invite(session: Session, invitation: Invitation, *, link_for, max_age: timedelta, store_name: str,
           actor_id: int | None) -> User:
    """A staff account with no usable password, and an email with a set-password link (the reset
    link: single-use, expiring, stored hashed). Nobody can sign in until a password is chosen."""
    email = normalise_email(invitation.email)
    if invitation.role not in (Role.STAFF, Role.ADMIN):
        raise RuleViolation.on("role", "Choose staff or admin")
    if find_by_email(session, email) is not None:
        raise RuleViolation.on("email", "An account with this email already exists: change its role instead")
    user = User(email=email, name=invitation.name.strip(), password_hash=hash_password(new_token()),
                role=invitation.role)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        session.rollback()
        raise RuleViolation.on("email", "An account with this email already exists: change its role instead") from None
    token = _issue_link(session, user, max_age)
    audit.record(session, actor_id=actor_id, action="people.invite", target_type="user", target_id=user.id,
                 email=email, after=invitation.role.value)
    outbox.enqueue_template(session, to=email, subject=f"{INVITE_SUBJECT} – {store_name}", template="staff_invite",
                            user=user, inviter=invitation.inviter, role=invitation.role.value, link=link_for(token),
                            hours=int(max_age.total_seconds() // 3600))
    session.commit()
    return user


def _usable_token(session: Session, token: str, *, lock: bool = False) -> PasswordResetToken | None:
    query = sa.select(PasswordResetToken).where(PasswordResetToken.token_hash == token_digest(token))
    if lock:
        query = query.with_for_update()
    row = session.scalars(query).first()
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    return row


def reset_token_is_valid(session: Session, token: str) -> bool:
    return _usable_token(session, token) is not None


INVALID_RESET = "This reset link has expired or was already used. Ask for a new one."


def reset_password(session: Session, token: str, new_password: str) -> User:
    row = _usable_token(session, token, lock=True)
    if row is None:
        raise RuleViolation.on("password", INVALID_RESET)
    now = utcnow()
    # Claim the token with a conditional update, so two submits of one link reset once.
    claimed = session.execute(
        sa.update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:
        session.rollback()
        raise RuleViolation.on("password", INVALID_RESET)
    user = row.user
    _set_password(session, user, new_password)  # any other outstanding links die with this one
    audit.record(session, actor_id=user.id, action="account.password_reset", target_type="user", target_id=user.id)
    session.commit()
    return user
