"""stories: Story, StoryEvent (membership) and EventLink.origin (text | story)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "story",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=1024), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_story_start", "story", ["start"])
    op.create_index("ix_story_end", "story", ["end"])
    op.create_table(
        "storyevent",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("story_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["story_id"], ["story.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("event_id"),
    )
    op.create_index("ix_storyevent_story_id", "storyevent", ["story_id"])
    with op.batch_alter_table("eventlink", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("origin", sa.String(length=8), nullable=False, server_default="text")
        )
    # Stories of events stored before this revision: `eventline stories --rebuild`.


def downgrade() -> None:
    op.execute("DELETE FROM eventlink WHERE origin = 'story'")
    with op.batch_alter_table("eventlink", schema=None) as batch_op:
        batch_op.drop_column("origin")
    op.drop_index("ix_storyevent_story_id", table_name="storyevent")
    op.drop_table("storyevent")
    op.drop_index("ix_story_end", table_name="story")
    op.drop_index("ix_story_start", table_name="story")
    op.drop_table("story")
