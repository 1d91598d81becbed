"""Full-text search index on products (PostgreSQL only; SQLite searches without one)

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Must stay identical to storefront.menu.models.search_document(), or queries will not use it.
EXPRESSION = "to_tsvector('english', name || ' ' || description)"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_products_search ON products USING gin ({EXPRESSION})")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_products_search")
