"""custom cakes: options, rules, settings, per-day cake counts, photos, ordered configurations

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 00:49:31.823048

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cake_days',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('cakes', sa.Integer(), nullable=False),
    sa.CheckConstraint('cakes >= 0', name=op.f('ck_cake_days_cakes_not_negative')),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_cake_days'))
    )
    op.create_table('cake_options',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('size', 'sponge', 'filling', 'frosting', 'decoration', 'diet', name='cake_option_kind', native_enum=False, length=16), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('price', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('servings', sa.Integer(), nullable=True),
    sa.Column('inches', sa.Integer(), nullable=True),
    sa.Column('colour', sa.String(length=7), nullable=True),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('price >= 0', name=op.f('ck_cake_options_price_not_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cake_options')),
    sa.UniqueConstraint('kind', 'name', name=op.f('uq_cake_options_kind'))
    )
    op.create_table('cake_settings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_days', sa.Integer(), nullable=False),
    sa.Column('daily_cutoff', sa.Time(), nullable=False),
    sa.Column('days_ahead', sa.Integer(), nullable=False),
    sa.Column('daily_capacity', sa.Integer(), nullable=False),
    sa.Column('change_cutoff_hours', sa.Integer(), nullable=False),
    sa.Column('message_max', sa.Integer(), nullable=False),
    sa.Column('message_price_per_char', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cake_settings'))
    )
    op.create_table('cake_option_prices',
    sa.Column('option_id', sa.Integer(), nullable=False),
    sa.Column('size_id', sa.Integer(), nullable=False),
    sa.Column('price', sa.Numeric(precision=10, scale=2), nullable=False),
    sa.CheckConstraint('price >= 0', name=op.f('ck_cake_option_prices_price_not_negative')),
    sa.ForeignKeyConstraint(['option_id'], ['cake_options.id'], name=op.f('fk_cake_option_prices_option_id_cake_options'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['size_id'], ['cake_options.id'], name=op.f('fk_cake_option_prices_size_id_cake_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('option_id', 'size_id', name=op.f('pk_cake_option_prices'))
    )
    op.create_table('cake_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('owner', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cake_photos_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cake_photos')),
    sa.UniqueConstraint('name', name=op.f('uq_cake_photos_name'))
    )
    with op.batch_alter_table('cake_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cake_photos_owner'), ['owner'], unique=False)

    op.create_table('cake_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('max_choices', 'only_sizes', name='cake_rule_kind', native_enum=False, length=16), nullable=False),
    sa.Column('option_kind', sa.Enum('size', 'sponge', 'filling', 'frosting', 'decoration', 'diet', name='cake_rule_option_kind', native_enum=False, length=16), nullable=True),
    sa.Column('option_id', sa.Integer(), nullable=True),
    sa.Column('limit', sa.Integer(), nullable=True),
    sa.Column('size_ids', sa.JSON(), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['cake_options.id'], name=op.f('fk_cake_rules_option_id_cake_options'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cake_rules'))
    )
    op.create_table('cake_configurations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_line_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('message', sa.String(length=200), nullable=False),
    sa.Column('notes', sa.String(length=500), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('cakes_claimed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_line_id'], ['order_lines.id'], name=op.f('fk_cake_configurations_order_line_id_order_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['cake_photos.id'], name=op.f('fk_cake_configurations_photo_id_cake_photos'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cake_configurations')),
    sa.UniqueConstraint('order_line_id', name=op.f('uq_cake_configurations_order_line_id'))
    )
    with op.batch_alter_table('cake_configurations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cake_configurations_due_on'), ['due_on'], unique=False)

    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customizable', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_column('customizable')

    with op.batch_alter_table('cake_configurations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cake_configurations_due_on'))

    op.drop_table('cake_configurations')
    op.drop_table('cake_rules')
    with op.batch_alter_table('cake_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cake_photos_owner'))

    op.drop_table('cake_photos')
    op.drop_table('cake_option_prices')
    op.drop_table('cake_settings')
    op.drop_table('cake_options')
    op.drop_table('cake_days')
