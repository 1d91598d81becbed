"""The booking rules as one frozen value: read from the settings row (`core.settings`: the
model's defaults stand in until staff or the demo seed save a row) and the turn-time table."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from ..core.cache import cached
from ..core.settings import load_settings
from .models import ReservationSettings, TurnTime

# party size from → minutes at the table
DEFAULT_TURN_TIMES = ((1, 75), (3, 90), (5, 120), (7, 150))


@dataclass(frozen=True)
class Rules:
    slot_minutes: int
    buffer_minutes: int
    min_notice_minutes: int
    horizon_days: int
    max_party_online: int
    max_party_request: int
    pacing_guests_per_slot: int
    cancellation_cutoff_minutes: int
    reminder_hours: int
    turn_times: tuple[tuple[int, int], ...] = field(default=DEFAULT_TURN_TIMES)

    @property
    def step(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)

    @property
    def notice(self) -> timedelta:
        return timedelta(minutes=self.min_notice_minutes)

    @property
    def cutoff(self) -> timedelta:
        return timedelta(minutes=self.cancellation_cutoff_minutes)

    @property
    def reminder_lead(self) -> timedelta:
        return timedelta(hours=self.reminder_hours)

    def turn_for(self, party: int) -> timedelta:
        """Minutes at the table for a party: 1–2 people 75 min, 3–4 90, … (the settings' bands)."""
        minutes = self.turn_times[0][1]
        for party_from, band_minutes in self.turn_times:
            if party >= party_from:
                minutes = band_minutes
        return timedelta(minutes=minutes)


SETTING_FIELDS = ("slot_minutes", "buffer_minutes", "min_notice_minutes", "horizon_days", "max_party_online",
                  "max_party_request", "pacing_guests_per_slot", "cancellation_cutoff_minutes", "reminder_hours")


def load_rules(session: Session) -> Rules:
    row = load_settings(session, ReservationSettings)
    turns = cached([TurnTime.__tablename__], "turn_times", lambda: tuple(
        (party_from, minutes) for party_from, minutes in session.execute(
            sa.select(TurnTime.party_from, TurnTime.minutes).order_by(TurnTime.party_from))), session)
    return rules_of(row, turns or DEFAULT_TURN_TIMES)


def rules_of(row: ReservationSettings, turn_times: tuple[tuple[int, int], ...]) -> Rules:
    return Rules(**{name: getattr(row, name) for name in SETTING_FIELDS}, turn_times=turn_times)
