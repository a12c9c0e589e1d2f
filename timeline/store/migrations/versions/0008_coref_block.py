"""coreference: eventsource.coref (the mention view) and the eventkey block table

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN (no batch table rebuild, so eventsource's triggers stay)
    op.add_column("eventsource", sa.Column("coref", sa.JSON(), nullable=True))
    op.create_table(
        "eventkey",
        sa.Column("event_id", sa.Integer(), sa.ForeignKey("event.id"), primary_key=True),
        sa.Column("key", sa.String(length=128), primary_key=True),
        sa.Column("start", sa.Date(), nullable=True),
        sa.Column("end", sa.Date(), nullable=True),
    )
    op.create_index("ix_eventkey_key_start", "eventkey", ["key", "start"], unique=False)
    # Events stored before this revision have no mention views: they stay out of the block
    # (re-ingest the articles into a new store to have them compared).


def downgrade() -> None:
    op.drop_index("ix_eventkey_key_start", table_name="eventkey")
    op.drop_table("eventkey")
    with op.batch_alter_table("eventsource", schema=None) as batch_op:
        batch_op.drop_column("coref")
