"""text index: one FTS5 trigram document per event (title + quotes) on SQLite; salient walks

SQLite: `eventtext` holds each event's document (title and quotes) and `event_text_fts`
indexes it, replacing the two per-column FTS5 tables of 0003, so a search of several words
is one index query intersected by FTS5 and a common word is tested with one primary-key
read per row (timeline.store.textsearch). Postgres keeps its pg_trgm indexes.

Both: `ix_event_salient_start (salient, start, end)` replaces `ix_event_salient`, so a walk
in date order over salient events tests salience from the index, not from each row; and
`ix_eventactor_actor_event (actor_id, event_id)` replaces `ix_eventactor_actor_id`, so an
actor's events come from the index alone.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

from timeline.store import textsearch

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_event_salient_start", "event", ["salient", "start", "end"])
    op.drop_index("ix_event_salient", table_name="event")
    op.create_index("ix_eventactor_actor_event", "eventactor", ["actor_id", "event_id"])
    op.drop_index("ix_eventactor_actor_id", table_name="eventactor")
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        textsearch.install(conn)  # drops the 0003 tables, writes every document
        conn.exec_driver_sql("ANALYZE event")  # the planner's view of the new index
        conn.exec_driver_sql("ANALYZE eventtext")
        conn.exec_driver_sql("ANALYZE eventactor")


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        textsearch.install_per_column(conn)
    op.create_index("ix_eventactor_actor_id", "eventactor", ["actor_id"])
    op.drop_index("ix_eventactor_actor_event", table_name="eventactor")
    op.create_index("ix_event_salient", "event", ["salient"])
    op.drop_index("ix_event_salient_start", table_name="event")
