"""orders looked up by the customer's email address (guest order cap, privacy requests)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 11:25:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_orders_customer_email', 'orders', ['customer_email'], unique=False,
                    postgresql_ops={'customer_email': 'text_pattern_ops'})


def downgrade():
    op.drop_index('ix_orders_customer_email', table_name='orders')
