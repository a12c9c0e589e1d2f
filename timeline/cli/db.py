"""`eventline db upgrade`: run the Alembic migrations explicitly."""

from __future__ import annotations

import typer

from timeline.cli.common import engine_from_settings

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


@db_app.command("upgrade")
def upgrade() -> None:
    """Migrate the database to the newest schema (new databases do this by themselves)."""
    from timeline.store.engine import current_revision

    engine = engine_from_settings()
    typer.echo(f"database at revision {current_revision(engine)}")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
