"""text links belong to mentions: eventsource.links (the links a mention originates)

A text link ("hinted at talks, following a failed truce") relates two mentions of one
article. Stored on the events the mentions had when the article came in, it stayed behind
when a later decision moved a mention to another event. From this revision each source
lists the links it originates as [target trigger_start, kind] pairs (the target is the
source of the same article at that trigger), and the store re-derives the text links of
every event whose sources change.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PAIRS = sa.text(
    "SELECT l.id, l.kind, a.id, b.trigger_start FROM eventlink l"
    " JOIN eventsource a ON a.event_id = l.source_id"
    " JOIN eventsource b ON b.event_id = l.target_id AND b.article_id = a.article_id"
    " WHERE l.origin = 'text' ORDER BY l.id, a.id, b.trigger_start"
)


def upgrade() -> None:
    # a plain ADD COLUMN (no batch table rebuild, so eventsource's triggers stay)
    op.add_column("eventsource", sa.Column("links", sa.JSON(), nullable=True))
    # The text links stored before: each is given to one pair of mentions of one article on
    # its two events (the first by source id), so re-deriving it gives it again.
    bind = op.get_bind()
    given: dict[int, list[list[object]]] = {}
    seen: set[int] = set()
    for link_id, kind, source_id, target_start in bind.execute(_PAIRS):
        if link_id not in seen:
            seen.add(link_id)
            given.setdefault(source_id, []).append([target_start, kind])
    table = sa.table("eventsource", sa.column("id", sa.Integer), sa.column("links", sa.JSON))
    if given:
        bind.execute(
            table.update().where(table.c.id == sa.bindparam("b_id")).values(links=sa.bindparam("b_links")),
            [{"b_id": i, "b_links": pairs} for i, pairs in sorted(given.items())],
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's own DROP COLUMN (3.35+): a batch rebuild would break 0009's eventtext
        # triggers, which name eventsource
        op.execute("ALTER TABLE eventsource DROP COLUMN links")
    else:
        op.drop_column("eventsource", "links")
