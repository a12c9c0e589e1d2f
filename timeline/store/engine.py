"""Engine, migrations and sessions: the store's plumbing, shared by CLI, API and scheduler.

Engines are made by `make_engine(url)` at the edge, never at import. SQLite gets WAL and
foreign keys (so a reader never blocks the ingester); Postgres gets pre-ping so a restarted
server costs one reconnect, not a crash.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import InterfaceError, OperationalError

if TYPE_CHECKING:
    from typing import TypeAlias

    from alembic.config import Config
    from sqlmodel import Session

    # What the read side (query, textsearch, spans, sync) takes: the ORM session of a writer
    # or an API request, or a plain Connection (the CLI's listings, which never load the ORM).
    Reader: TypeAlias = Session | Connection

MIGRATIONS = Path(__file__).parent / "migrations"
MMAP_BYTES = 8 << 30  # SQLite maps at most this much of the file
CACHE_KIB = 64 << 10  # per connection
# Postgres tables vacuumed after a bulk load (visibility map for index-only scans)
VACUUMED = (
    "event",
    "eventsource",
    "eventtext",
    "eventactor",
    "actorevent",
    "eventlink",
    "article",
    "actor",
    "actoralias",
)


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
    _set_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Reads through a memory map (no read() call per page) and a larger page cache: a
    # million-event store is about 1.3 GB and index walks touch pages all over it; the map
    # shares the OS page cache, so it costs address space, not memory.
    cursor.execute(f"PRAGMA mmap_size={MMAP_BYTES}")
    cursor.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cursor.close()


def _set_wal(cursor: Any, *, attempts: int = 60) -> None:
    """Switch a connection to WAL. Changing the journal mode needs an exclusive lock and SQLite
    answers "database is locked" at once, without the busy timeout, while another process
    opens the same new file (two first runs racing): retry for a few seconds."""
    import sqlite3

    for attempt in range(attempts):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


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


_REVISION_LINE = re.compile(r"^(down_revision|revision)\b[^=]*=\s*[\"']?([\w.-]+)", re.MULTILINE)


def head_from_files() -> str | None:
    """The newest revision id read straight from the migration files (None when the chain is
    not one line): lets a store that is already migrated open without importing Alembic,
    which costs more CPU than the rest of `eventline events` on a small store."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for kind, value in _REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(engine: Engine) -> str | None:
    """The `alembic_version` row, or None for a new database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    head = head_from_files()
    if head is not None and _stored_revision(engine) == head:
        return
    if current_revision(engine) == head_revision():
        return
    from alembic import command

    cfg = alembic_config()
    try:
        with _sqlite_migration_lock(engine), engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                # Two processes starting on a new database must not both create the tables.
                conn.execute(text("SELECT pg_advisory_xact_lock(727001)"))
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")  # from wherever it is now: perhaps head already
    except Exception as exc:  # pragma: no cover - the message is what matters
        raise StoreError(f"cannot migrate {engine.url.render_as_string()}: {exc}") from exc


@contextmanager
def _sqlite_migration_lock(engine: Engine) -> Iterator[None]:
    """Serialise migrations of one SQLite file across processes, as the advisory lock does on
    Postgres: two first runs on a new file would otherwise both create the tables ("table
    actor already exists"). SQLite's own locks cannot span Alembic's per-migration commits,
    so an exclusive flock() is held on the database's folder (never on the file itself:
    closing another descriptor of it would drop SQLite's POSIX locks). The second process
    waits, then finds the schema at head and does nothing. No-op for :memory: and where
    flock() does not exist."""
    database = engine.url.database if engine.dialect.name == "sqlite" else None
    try:
        import fcntl
    except ImportError:  # Windows
        database = None
    if not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    fd = os.open(Path(database).resolve().parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def open_store(url: str) -> Engine:
    """An engine whose database is migrated to head: what every front end starts with.

    Raises StoreError with one readable line when the database cannot be reached or opened
    (no server, wrong credentials, a SQLite file in a folder that does not exist).
    """
    engine = make_engine(url)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        folder = Path(database).parent
        if not folder.is_dir():
            raise StoreError(f"cannot open the SQLite store {database}: no folder {folder}/")
    try:
        upgrade(engine)
    except (OperationalError, InterfaceError) as exc:
        engine.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        raise StoreError(f"cannot open {engine.url.render_as_string()}: {reason}") from exc
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back when it raises."""
    from sqlmodel import Session  # the ORM: only what writes (or reads models) pays for it

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def connection_scope(engine: Engine) -> Iterator[Connection]:
    """One transaction on a plain Connection, for reads through timeline.store.query: the
    same rows as a session gives, without importing SQLModel or the ORM (start-up time)."""
    with engine.begin() as conn:
        yield conn


def connection_of(reader: Reader) -> Connection:
    """The Connection a read runs on: the reader itself, or the session's own connection (in
    its transaction, after flushing what it holds when it autoflushes, as its queries do)."""
    if isinstance(reader, Connection):
        return reader
    if reader.autoflush:
        reader.flush()
    return reader.connection()


def estimated_plan(reader: Reader, query: Any) -> dict[str, Any]:
    """The Postgres planner's top plan node for the select `query` (EXPLAIN, nothing is
    run): its "Plan Rows" is how many rows a word or an actor has, without reading them."""
    conn = connection_of(reader)
    compiled = query.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
    plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params)
    return dict(plan.scalar_one()[0]["Plan"])


def estimated_rows(reader: Reader, query: Any) -> int:
    """The Postgres planner's row estimate for the select `query` (see estimated_plan)."""
    return int(estimated_plan(reader, query)["Plan Rows"])


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
    if full and engine.dialect.name == "postgresql":
        # After a bulk load nothing is marked all-visible yet: index-only scans would read
        # the heap page of every entry (an actor's 8k events: 6.5k pages, 80 ms at 1M).
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql(f"VACUUM {', '.join(VACUUMED)}")
