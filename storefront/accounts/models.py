"""Customers and staff, and password-reset tokens."""
from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.db import TimestampMixin, UTCDateTime, string_enum
from ..extensions import db


class Role(str, enum.Enum):
    CUSTOMER = "customer"
    STAFF = "staff"
    ADMIN = "admin"


def new_session_nonce() -> str:
    return secrets.token_urlsafe(12)


class User(UserMixin, TimestampMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    phone: Mapped[str | None] = mapped_column(sa.String(32))
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    role: Mapped[Role] = mapped_column(string_enum(Role, "user_role"), default=Role.CUSTOMER, nullable=False)
    is_active_account: Mapped[bool] = mapped_column(default=True, nullable=False)
    # Part of the login cookie's id: changing it (on a password change) signs out every other
    # session and voids "remember me" cookies.
    session_nonce: Mapped[str] = mapped_column(sa.String(32), default=new_session_nonce, nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current address was proved by its emailed link; None until then (and again after a change).
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    reset_tokens: Mapped[list[PasswordResetToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True)

    def get_id(self) -> str:
        return f"{self.id}:{self.session_nonce}"

    @property
    def is_active(self) -> bool:
        return self.is_active_account

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.STAFF, Role.ADMIN)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class PasswordResetToken(db.Model):
    """A single-use reset link. Only the token's SHA-256 is kept, so a database leak gives no
    working links."""

    __tablename__ = "password_reset_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="reset_tokens")


class EmailVerificationToken(db.Model):
    """A single-use link that proves the account's address, for 24 hours. Only its SHA-256 is
    kept; `email` is the address it was sent to, so a link dies when the address changes."""

    __tablename__ = "email_verification_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True, nullable=False)
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MarketingConsent(db.Model):
    """Marketing email consent, appended: each row is a yes or a no (a withdrawal) with when and
    where it was given. The newest row for an account (or a guest's email) is its answer."""

    __tablename__ = "marketing_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True, nullable=False)
    given: Mapped[bool] = mapped_column(nullable=False)
    source: Mapped[str] = mapped_column(sa.String(16), nullable=False)  # registration, checkout, account
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
