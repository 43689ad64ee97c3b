"""The predictions table, as the store has always had it.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

from shared.core.store import UTCDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "predictions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("model_version", sa.String(64), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("prediction", sa.Double(), nullable=False),
        sa.Column("actual", sa.Double(), nullable=True),
        sqlite_autoincrement=True,  # SQLite never hands out a deleted row's id again
    )


def downgrade() -> None:
    op.drop_table("predictions")
