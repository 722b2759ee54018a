"""order status, with a default for existing rows; an index on customer"""
import sqlalchemy as sa
from alembic import op

revision = "a2"
down_revision = "a1"


def upgrade() -> None:
    op.add_column("orders", sa.Column("status", sa.Text, nullable=False,
                                      server_default="new"))
    op.create_index("orders_customer", "orders", ["customer"])


def downgrade() -> None:
    op.drop_index("orders_customer")
    op.drop_column("orders", "status")
