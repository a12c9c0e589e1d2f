"""text index on Postgres: one trigram-indexed document per event (title + quotes), as on SQLite

Postgres: `eventtext` holds each event's document (the title and every quote, the same as
SQLite's since 0009), kept by row triggers on `event` and `eventsource`, with a GIN
`gin_trgm_ops` index on it; it replaces the trigram indexes on event.title and
eventsource.quote of 0003, so the words of a search are ANDed on one column that the index
answers together, and a common word is tested with one primary-key read per event instead
of a probe of the title and of the quotes per word (timeline.store.textsearch). The
documents are written in one grouped pass and indexed before the triggers exist.
SQLite: nothing (0009 made its documents).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

from timeline.store import textsearch

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        textsearch.install(conn)  # drops the 0003 indexes, writes every document
        conn.exec_driver_sql("ANALYZE eventtext")  # the planner's estimates for a term


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        textsearch.install_per_column(conn)  # drops the documents, restores 0003's indexes
