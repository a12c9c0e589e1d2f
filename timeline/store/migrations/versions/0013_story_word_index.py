"""stories' word index: `eventword` (word, precision, start, event_id) per main dated event

A story update found the events near an article's that share topic words with its events
by reading and stemming the document of every event of the days around them (~13k at 1M
events, to keep a dozen): nearly all of its CPU. `eventword` holds each main dated event's
stems (its title and quotes, `timeline.store.storywords.event_words`) with its precision,
start and end, so the same question is a bounded range per word. Triggers on `event` and
`eventsource` list the events whose rows must be rewritten in `eventwordstale`; the rows
are computed in Python (the stemmer), here for every stored event, later before each read.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from timeline.store import storywords

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventword",
        sa.Column("word", sa.String(), nullable=False),
        sa.Column("precision", sa.String(16), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("stop", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("word", "precision", "start", "event_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_eventword_event", "eventword", ["event_id"])
    op.create_table(
        "eventwordstale", sa.Column("event_id", sa.Integer(), primary_key=True, autoincrement=False)
    )
    conn = op.get_bind()
    storywords.install(conn)  # the triggers, then every event's rows
    conn.exec_driver_sql("ANALYZE eventword")


def downgrade() -> None:
    storywords.uninstall(op.get_bind())
    op.drop_table("eventwordstale")
    op.drop_index("ix_eventword_event", table_name="eventword")
    op.drop_table("eventword")
