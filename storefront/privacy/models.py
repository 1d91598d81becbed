"""What the privacy rules keep of their own."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from ..core.db import UTCDateTime
from ..core.time import utcnow
from ..extensions import db


class OutboxErasure(db.Model):
    """An email to an erased address that still has to go out (the deletion's confirmation, the
    cancelled bookings' notices): `flask privacy purge` deletes it as soon as it is sent."""

    __tablename__ = "outbox_erasures"

    outbox_id: Mapped[int] = mapped_column(sa.ForeignKey("outbox.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
