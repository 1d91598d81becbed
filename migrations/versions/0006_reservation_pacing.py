"""reservation pacing counts, claimed like order slots (core.capacity)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 00:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reservation_pacing',
    sa.Column('slot_start', sa.DateTime(timezone=True), nullable=False),
    sa.Column('guests', sa.Integer(), nullable=False),
    sa.CheckConstraint('guests >= 0', name=op.f('ck_reservation_pacing_guests_not_negative')),
    sa.PrimaryKeyConstraint('slot_start', name=op.f('pk_reservation_pacing'))
    )
    # The guests of bookings that hold a table now, per start time.
    op.execute("INSERT INTO reservation_pacing (slot_start, guests) "
               "SELECT starts_at, SUM(party_size) FROM reservations "
               "WHERE status IN ('confirmed', 'seated') GROUP BY starts_at")


def downgrade():
    op.drop_table('reservation_pacing')
