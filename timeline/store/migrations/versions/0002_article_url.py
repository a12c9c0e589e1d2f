"""article.url: the original address of an article read from a file or a feed

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.add_column(sa.Column("url", sa.String(length=2048), nullable=True))
        batch_op.create_index("ix_article_url", ["url"], unique=False)
    # Articles stored before this revision kept a web address as their location.
    op.execute(
        "UPDATE article SET url = location "
        "WHERE location LIKE 'http://%' OR location LIKE 'https://%'"
    )


def downgrade() -> None:
    with op.batch_alter_table("article", schema=None) as batch_op:
        batch_op.drop_index("ix_article_url")
        batch_op.drop_column("url")
