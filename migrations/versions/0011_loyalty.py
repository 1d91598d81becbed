"""loyalty points: settings, accounts, the ledger, and the part of an order paid with points

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 03:20:00.000000

"""
from alembic import op
import sqlalchemy as sa

import storefront.core.db


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('loyalty_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('points_per_unit', sa.Integer(), nullable=False),
    sa.Column('expiry_months', sa.Integer(), nullable=False),
    sa.Column('redeem_minimum', sa.Integer(), nullable=False),
    sa.Column('redeem_step', sa.Integer(), nullable=False),
    sa.Column('max_share_percent', sa.Integer(), nullable=False),
    sa.Column('value_per_100', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('combine_with_promo', sa.Boolean(), nullable=False),
    sa.Column('created_at', storefront.core.db.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storefront.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('points_per_unit >= 0', name=op.f('ck_loyalty_settings_rate_not_negative')),
    sa.CheckConstraint('redeem_minimum >= 1 AND redeem_step >= 1', name=op.f('ck_loyalty_settings_redeem_positive')),
    sa.CheckConstraint('max_share_percent BETWEEN 0 AND 100', name=op.f('ck_loyalty_settings_share_in_range')),
    sa.CheckConstraint('value_per_100 >= 0', name=op.f('ck_loyalty_settings_value_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_settings'))
    )
    op.create_table('loyalty_accounts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('balance', sa.Integer(), nullable=False),
    sa.CheckConstraint('balance >= 0', name=op.f('ck_loyalty_accounts_balance_not_negative')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_loyalty_accounts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_loyalty_accounts'))
    )
    op.create_table('loyalty_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('earned', 'redeemed', 'returned', 'reversed', 'expired', 'adjusted', name='loyalty_entry_kind', native_enum=False, length=16), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('balance_after', sa.Integer(), nullable=False),
    sa.Column('remaining', sa.Integer(), nullable=False),
    sa.Column('expires_at', storefront.core.db.UTCDateTime(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('form_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', storefront.core.db.UTCDateTime(), nullable=False),
    sa.CheckConstraint('balance_after >= 0', name=op.f('ck_loyalty_ledger_balance_after_not_negative')),
    sa.CheckConstraint('points <> 0', name=op.f('ck_loyalty_ledger_points_not_zero')),
    sa.CheckConstraint('remaining >= 0 AND (remaining = 0 OR remaining <= points)', name=op.f('ck_loyalty_ledger_remaining_in_range')),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_loyalty_ledger_actor_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_loyalty_ledger_order_id_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_loyalty_ledger_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loyalty_ledger')),
    sa.UniqueConstraint('form_key', name=op.f('uq_loyalty_ledger_form_key'))
    )
    with op.batch_alter_table('loyalty_ledger', schema=None) as batch_op:
        batch_op.create_index('ix_loyalty_ledger_user_created', ['user_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_loyalty_ledger_order_id'), ['order_id'], unique=False)

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('redeemed', sa.Numeric(precision=10, scale=2), server_default='0', nullable=False))
        batch_op.create_check_constraint(batch_op.f('ck_orders_redeemed_not_negative'), 'redeemed >= 0')


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_orders_redeemed_not_negative'), type_='check')
        batch_op.drop_column('redeemed')

    with op.batch_alter_table('loyalty_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loyalty_ledger_order_id'))
        batch_op.drop_index('ix_loyalty_ledger_user_created')

    op.drop_table('loyalty_ledger')
    op.drop_table('loyalty_accounts')
    op.drop_table('loyalty_settings')
