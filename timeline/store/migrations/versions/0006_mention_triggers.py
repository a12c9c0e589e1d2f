"""eventsource trigger span, roles and position; several mentions per sentence; event.salient, event.main

eventsource is rebuilt on SQLite (its unique constraint changes), so the text-index and span
triggers are installed again afterwards.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from timeline.store import spans, textsearch

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("eventsource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("trigger_text", sa.String(length=256), nullable=True))
        batch_op.add_column(
            sa.Column("trigger_start", sa.Integer(), nullable=False, server_default="-1")
        )
        batch_op.add_column(
            sa.Column("trigger_end", sa.Integer(), nullable=False, server_default="-1")
        )
        batch_op.add_column(sa.Column("trigger_lemma", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("patients", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("places", sa.JSON(), nullable=True))
        batch_op.add_column(
            sa.Column("headline", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("lead", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("main", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.drop_constraint("uq_source", type_="unique")
        batch_op.create_unique_constraint(
            "uq_source", ["event_id", "article_id", "sentence_index", "trigger_start"]
        )
        batch_op.create_index("ix_eventsource_trigger_lemma", ["trigger_lemma"], unique=False)
    # Plain ADD COLUMN on event (no rebuild: its triggers stay).
    op.add_column(
        "event", sa.Column("salient", sa.Boolean(), nullable=False, server_default=sa.true())
    )
    op.create_index("ix_event_salient", "event", ["salient"], unique=False)
    op.add_column("event", sa.Column("main", sa.Boolean(), nullable=False, server_default=sa.true()))
    _reinstall_triggers()


def _reinstall_triggers() -> None:
    """SQLite batch mode rebuilt the tables and dropped their triggers with them."""
    conn = op.get_bind()
    spans.install(conn)
    textsearch.install_per_column(conn)


def downgrade() -> None:
    op.drop_index("ix_event_salient", table_name="event")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("main")
        batch_op.drop_column("salient")
    with op.batch_alter_table("eventsource", schema=None) as batch_op:
        batch_op.drop_index("ix_eventsource_trigger_lemma")
        batch_op.drop_constraint("uq_source", type_="unique")
        batch_op.create_unique_constraint(
            "uq_source", ["event_id", "article_id", "sentence_index"]
        )
        for column in (
            "main",
            "lead",
            "headline",
            "places",
            "patients",
            "trigger_lemma",
            "trigger_end",
            "trigger_start",
            "trigger_text",
        ):
            batch_op.drop_column(column)
    _reinstall_triggers()
