"""staff back office: the pause-orders switch, audit indexes by entity and by action+time

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ordering_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('orders_paused', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_id'], unique=False)
        batch_op.create_index('ix_audit_log_action_created_at', ['action', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action_created_at')
        batch_op.drop_index('ix_audit_log_target')
    with op.batch_alter_table('ordering_rules', schema=None) as batch_op:
        batch_op.drop_column('orders_paused')
