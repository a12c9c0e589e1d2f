"""Postgres walks: actors' events in date order, the walk indexes with the id, lower-cased text

Postgres, three changes:
- `actorevent` (timeline.store.actordates): one row per (actor, event) with a copy of the
  event's start, end, precision and salience, indexed as (actor_id, start, end, event_id)
  INCLUDE (precision, salient), kept by row triggers on `eventactor` and `event`: an
  actor's page is a short walk of that index instead of reading and sorting every event of
  the actor. Filled in one pass before its index and triggers exist.
- `ix_event_salient_start` and `ix_event_precision_start` get the id as last column
  (SQLite's indexes hold the rowid already): a walk that tests each row by its id (a
  common word on the event's document) is an index-only scan that reads no table row for
  the rows it rejects, and both give the whole (start, end, id) order, so the planner does
  not walk the salient index across every precision of a year for a range's year branch
  (8k rows for a page of 101).
- the documents of 0010 written again lower-cased: a term is `body LIKE lower(term)`,
  ILIKE's own test, without lower-casing every document tested. The downgrade leaves them
  lower-cased, which 0010's ILIKE reads the same.
SQLite: nothing.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

from timeline.store import actordates, textsearch

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The indexes walked in date order, which get the id as last column on Postgres.
WALK_INDEXES = (
    ("ix_event_salient_start", ["salient", "start", "end"]),
    ("ix_event_precision_start", ["precision", "start", "end"]),
)


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        textsearch.install(conn)  # the documents, lower-cased
        conn.exec_driver_sql("ANALYZE eventtext")
        actordates.install(conn)
        conn.exec_driver_sql("ANALYZE actorevent")  # the planner's count of an actor's events
        for name, columns in WALK_INDEXES:
            op.drop_index(name, table_name="event")
            op.create_index(name, "event", [*columns, "id"])


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name, columns in WALK_INDEXES:
            op.drop_index(name, table_name="event")
            op.create_index(name, "event", columns)
    actordates.uninstall(conn)
