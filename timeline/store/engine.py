"""Engine, migrations and sessions: the store's plumbing, shared by CLI, API and scheduler.

Engines are made by `make_engine(url)` at the edge, never at import. SQLite gets WAL and
foreign keys (so a reader never blocks the ingester); Postgres gets pre-ping so a restarted
server costs one reconnect, not a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


class StoreError(Exception):
    """The database cannot be opened or migrated."""


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for `url` with the per-dialect settings eventline relies on."""
    kwargs: dict[str, Any] = {"echo": echo}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def alembic_config() -> Config:
    """Alembic configuration pointing at the migrations shipped inside the package."""
    from alembic.config import Config  # Alembic is imported only when a schema is checked

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    cfg = alembic_config()
    try:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes starting on a new database must not both create the tables.
                conn.execute(text("SELECT pg_advisory_xact_lock(727001)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as exc:  # pragma: no cover - the message is what matters
        raise StoreError(f"cannot migrate {engine.url.render_as_string()}: {exc}") from exc


def open_store(url: str) -> Engine:
    """An engine whose database is migrated to head: what every front end starts with."""
    engine = make_engine(url)
    upgrade(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def ping(session: Session) -> None:
    """One round trip to the database: raises when it cannot be reached (health checks)."""
    session.execute(text("SELECT 1"))


def optimize(engine: Engine, *, full: bool = False) -> None:
    """Keep planner statistics fresh: after an ingest batch, and `full` after a bulk load.

    SQLite has no autovacuum daemon: `PRAGMA optimize` re-analyses the tables whose
    statistics this connection found stale (cheap, bounded by `analysis_limit`); `full` runs
    ANALYZE on everything. Postgres' autovacuum analyses on its own; `full` does it now.
    """
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            if full:
                conn.exec_driver_sql("ANALYZE")
            else:
                conn.exec_driver_sql("PRAGMA analysis_limit=1000")
                conn.exec_driver_sql("PRAGMA optimize")
        elif full:
            conn.exec_driver_sql("ANALYZE")
