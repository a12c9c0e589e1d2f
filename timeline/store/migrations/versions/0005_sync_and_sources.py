"""event.updated_at and event tombstones (incremental sync); article.text_source; feed.tags

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Plain ADD COLUMN (no batch "move and copy" on SQLite), so the triggers earlier revisions put on
the event table stay in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# SQLite's ADD COLUMN NOT NULL needs a constant default; every row gets a real value below
# and every insert sets its own.
EPOCH = "1970-01-01 00:00:00"


def upgrade() -> None:
    op.add_column(
        "event",
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=EPOCH
        ),
    )
    # Events stored before this revision changed last when they were made.
    op.execute("UPDATE event SET updated_at = created_at")
    op.create_index("ix_event_updated_at", "event", ["updated_at", "id"], unique=False)
    op.create_table(
        "eventtombstone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_eventtombstone_removed_at", "eventtombstone", ["removed_at", "id"], unique=False
    )
    op.add_column(
        "article",
        sa.Column("text_source", sa.String(length=256), nullable=False, server_default="file"),
    )
    # Feed names become unique (a feed is addressed by name): a repeated name gets its id.
    op.execute(
        "UPDATE feed SET name = name || ' #' || CAST(id AS VARCHAR) WHERE name IS NOT NULL "
        "AND id NOT IN (SELECT MIN(id) FROM feed WHERE name IS NOT NULL GROUP BY name)"
    )
    op.add_column("feed", sa.Column("tags", sa.JSON(), nullable=True))
    op.create_index("ix_feed_name", "feed", ["name"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_feed_name", table_name="feed")
    op.drop_column("feed", "tags")
    op.drop_column("article", "text_source")
    op.drop_index("ix_eventtombstone_removed_at", table_name="eventtombstone")
    op.drop_table("eventtombstone")
    op.drop_index("ix_event_updated_at", table_name="event")
    op.drop_column("event", "updated_at")
