"""entryfailure (permanently failed feed entries) and ingestrun.host/pid/crashed

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "entryfailure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("feed_id", sa.Integer(), nullable=False),
        sa.Column("location", sa.String(length=2048), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=1024), nullable=False),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["feed_id"], ["feed.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("feed_id", "location", name="uq_entryfailure"),
    )
    op.create_index("ix_entryfailure_feed_id", "entryfailure", ["feed_id"], unique=False)
    # Plain ADD COLUMN (no batch copy): SQLite cannot drop and recreate ingestrun while
    # article rows point at it.
    op.add_column("ingestrun", sa.Column("host", sa.String(length=256), nullable=True))
    op.add_column("ingestrun", sa.Column("pid", sa.Integer(), nullable=True))
    op.add_column(
        "ingestrun",
        sa.Column("crashed", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    # Runs left unfinished before this revision have no owner to ask: their process is gone
    # (it could not have recorded one), so they are marked as crashed now.
    op.execute("UPDATE ingestrun SET crashed = true WHERE finished_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("ingestrun", schema=None) as batch_op:
        batch_op.drop_column("crashed")
        batch_op.drop_column("pid")
        batch_op.drop_column("host")
    op.drop_index("ix_entryfailure_feed_id", table_name="entryfailure")
    op.drop_table("entryfailure")
