"""the review block list staff keep

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 03:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('review_blocked_words',
    sa.Column('word', sa.String(length=60), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_review_blocked_words'))
    )


def downgrade():
    op.drop_table('review_blocked_words')
