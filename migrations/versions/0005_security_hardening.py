"""one waiting waitlist entry per diner, day and party size; new session nonces

Revision ID: 0005
Revises: 0004 (checkout and orders)
Create Date: 2026-12-01 00:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

WAITING = sa.text("status = 'waiting'")


def upgrade():
    # Sessions moved into Redis and "remember me" no longer sets a cookie of its own: a new nonce
    # for every account voids the year-long remember-me cookies handed out before.
    nonce = ("substr(md5(random()::text || id::text), 1, 16)" if op.get_bind().dialect.name == "postgresql"
             else "lower(hex(randomblob(8)))")
    op.execute(f"UPDATE users SET session_nonce = {nonce}")
    # Duplicates the old check-then-insert let through: the first to join keeps the place.
    op.execute("DELETE FROM reservation_waitlist WHERE status = 'waiting' AND id NOT IN ("
               "SELECT MIN(id) FROM reservation_waitlist WHERE status = 'waiting' "
               "GROUP BY local_date, email, party_size)")
    with op.batch_alter_table('reservation_waitlist', schema=None) as batch_op:
        batch_op.create_index('uq_reservation_waitlist_waiting', ['local_date', 'email', 'party_size'], unique=True,
                              postgresql_where=WAITING, sqlite_where=WAITING)


def downgrade():
    with op.batch_alter_table('reservation_waitlist', schema=None) as batch_op:
        batch_op.drop_index('uq_reservation_waitlist_waiting', postgresql_where=WAITING, sqlite_where=WAITING)
