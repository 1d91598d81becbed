"""An append-only record of who changed what: staff actions and account security events."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .db import UTCDateTime
from .time import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    # The staff's audit page reads one entity's story, or one kind of action over a time range.
    __table_args__ = (
        sa.Index("ix_audit_log_target", "target_type", "target_id"),
        sa.Index("ix_audit_log_action_created_at", "action", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True, nullable=False)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    target_type: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    target_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)


def record(session: Session, *, actor_id: int | None, action: str, target_type: str,
           target_id: object, **details) -> AuditEntry:
    """Add an audit row to the caller's transaction."""
    entry = AuditEntry(actor_id=actor_id, action=action, target_type=target_type,
                       target_id=str(target_id), details=details)
    session.add(entry)
    return entry
