"""eventspan (longest span per precision) and the text indexes (FTS5 trigram / pg_trgm)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from timeline.store import spans, textsearch

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventspan",
        sa.Column("precision", sa.String(length=16), primary_key=True),
        sa.Column("days", sa.Integer(), nullable=False, server_default="0"),
    )
    # Date-overlap queries name the precision and bound start on both sides.
    op.create_index("ix_event_precision_start", "event", ["precision", "start", "end"])
    conn = op.get_bind()
    spans.install(conn)
    textsearch.install_per_column(conn)


def downgrade() -> None:
    conn = op.get_bind()
    textsearch.uninstall(conn)
    spans.uninstall(conn)
    op.drop_index("ix_event_precision_start", table_name="event")
    op.drop_table("eventspan")
