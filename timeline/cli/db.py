"""`eventline db upgrade` (the Alembic migrations) and `eventline db rekey` (coreference keys)."""

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


@db_app.command("rekey")
def rekey() -> None:
    """File every event again under this version's coreference keys (after an upgrade that
    adds keys, so new reports find the events stored before it)."""
    from ingest.rekey import rekey_events

    engine = engine_from_settings()
    typer.echo(f"re-filed {rekey_events(engine)} events under their coreference keys")


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
