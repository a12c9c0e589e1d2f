"""Text search through the database's own index: FTS5 trigram on SQLite, pg_trgm on Postgres.

A search term matches an event when it occurs, as a substring and in any case, in the
event's title or in one of its quotes (what `ILIKE '%term%'` meant before, without reading
every row). Both indexes are trigram indexes, so substring semantics stay exact:

- SQLite: two external-content FTS5 tables (`event_title_fts` over event.title,
  `eventsource_quote_fts` over eventsource.quote) with `tokenize='trigram'`, kept in step by
  triggers; a term becomes a phrase query (`"truce"`), which with trigrams is a substring test.
- Postgres: GIN indexes with `gin_trgm_ops` on event.title and eventsource.quote; ILIKE uses
  them directly, nothing to keep in step.

Terms shorter than three characters have no trigram; they keep the plain LIKE scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, or_, select, table, text
from sqlalchemy.engine import Connection

from timeline.store.engine import connection_of
from timeline.store.tables import event, event_source

if TYPE_CHECKING:
    from timeline.store.engine import Reader

MIN_TERM = 3  # a trigram index can answer a substring of at least three characters
# Above this many matching rows a term is "common": walking the date index and testing each
# row fills a page sooner than fetching, de-duplicating and sorting every match. Measured at
# 1M events (docs/scaling.md): 20k ids cost ~20 ms through the index, a 2% term fills a page
# of 100 after ~5k rows of the walk.
COMMON = 20_000

TITLE_FTS = table("event_title_fts", column("rowid"), column("title"))
QUOTE_FTS = table("eventsource_quote_fts", column("rowid"), column("quote"))

# (fts table, content table, column): each FTS row mirrors one row of the content table.
SQLITE_MIRRORS = (
    ("event_title_fts", "event", "title"),
    ("eventsource_quote_fts", "eventsource", "quote"),
)

TRGM_INDEXES = (
    ("ix_event_title_trgm", "event", "title"),
    ("ix_eventsource_quote_trgm", "eventsource", "quote"),
)


def _sqlite_ddl(fts: str, base: str, field: str) -> list[str]:
    delete = f"INSERT INTO {fts} ({fts}, rowid, {field}) VALUES ('delete', old.id, old.{field});"
    insert = f"INSERT INTO {fts} (rowid, {field}) VALUES (new.id, new.{field});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({field}, content='{base}', "
        f"content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {base} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {base} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {field} ON {base} BEGIN {delete} {insert} END",
        f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
    ]


def trgm_schema(conn: Connection) -> str | None:
    """The schema holding pg_trgm (created in `public` when absent), None when unavailable."""
    found = conn.execute(
        text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    ).scalar()
    if found is not None:
        return str(found)
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public"))
    except Exception:  # no privilege: searches stay correct, only slower
        return None
    return "public"


def install(conn: Connection) -> None:
    """Create the text indexes and fill them from the rows already stored.

    Call again after any migration that rebuilds the `event` or `eventsource` table (SQLite
    batch mode drops a table's triggers with it).
    """
    if conn.dialect.name == "postgresql":
        schema = trgm_schema(conn)
        if schema is None:
            return
        ops = f'"{schema}".gin_trgm_ops'
        for name, table_name, field in TRGM_INDEXES:
            conn.execute(
                text(f"CREATE INDEX IF NOT EXISTS {name} ON {table_name} USING gin ({field} {ops})")
            )
        return
    uninstall(conn)
    for mirror in SQLITE_MIRRORS:
        for ddl in _sqlite_ddl(*mirror):
            conn.execute(text(ddl))


def uninstall(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name, _table, _field in TRGM_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        return
    for fts, _base, _column in SQLITE_MIRRORS:
        for suffix in ("ai", "ad", "au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {fts}"))


def fts_phrase(variants: list[str]) -> str:
    """An FTS5 query matching any of the spellings as a substring: '"it's" OR "it’s"'."""
    return " OR ".join('"' + v.replace('"', '""') + '"' for v in variants)


def event_ids_matching(variants: list[str], *, dialect: str, like: list[str]) -> Select | None:
    """Ids of events whose title or some quote contains one of `variants` (any case), through
    the text index; None when the index cannot answer (a term under three characters).

    `like` holds the same spellings as escaped ILIKE patterns (what Postgres' index reads).
    """
    if min(len(v) for v in variants) < MIN_TERM:
        return None
    if dialect == "sqlite":
        query = fts_phrase(variants)
        titles = select(TITLE_FTS.c.rowid).where(_match("event_title_fts", query))
        quotes = select(QUOTE_FTS.c.rowid).where(_match("eventsource_quote_fts", query))
        in_quotes = select(event_source.c.event_id).where(event_source.c.id.in_(quotes))
    elif dialect == "postgresql":
        titles = select(event.c.id).where(_any_ilike(event.c.title, like))
        in_quotes = select(event_source.c.event_id).where(_any_ilike(event_source.c.quote, like))
    else:
        return None
    return titles.union(in_quotes)  # type: ignore[return-value]


def matches_at_least(
    session: Reader, variants: list[str], *, dialect: str, like: list[str], cap: int | None = None
) -> bool:
    """Whether titles plus quotes containing the term number `cap` (default COMMON) or more.

    SQLite: counts at most `cap` FTS entries per table (no table rows are read, so it costs
    little whatever the answer). Postgres: its planner's estimate (pg_trgm gives one from the
    trigram statistics), since counting would fetch and recheck every matching heap row.
    """
    cap = cap or COMMON
    if dialect == "sqlite":
        query = fts_phrase(variants)
        parts = [
            select(TITLE_FTS.c.rowid).where(_match("event_title_fts", query)),
            select(QUOTE_FTS.c.rowid).where(_match("eventsource_quote_fts", query)),
        ]
    else:
        parts = [
            select(event.c.id).where(_any_ilike(event.c.title, like)),
            select(event_source.c.id).where(_any_ilike(event_source.c.quote, like)),
        ]
        return sum(_estimated_rows(session, part) for part in parts) >= cap
    found = 0
    for part in parts:
        capped = select(func.count()).select_from(part.limit(cap - found).subquery())
        found += int(connection_of(session).execute(capped).scalar_one())
        if found >= cap:
            return True
    return False


def _estimated_rows(session: Reader, query: Select[Any]) -> int:
    """The Postgres planner's row estimate for `query` (EXPLAIN, nothing is run)."""
    conn = connection_of(session)
    compiled = query.compile(dialect=conn.dialect)
    plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), compiled.params)
    return int(plan.scalar_one()[0]["Plan"]["Plan Rows"])


def _match(fts: str, query: str) -> ColumnElement[bool]:
    return literal_column(fts).op("MATCH")(query)


def _any_ilike(column_: Any, patterns: list[str]) -> ColumnElement[bool]:
    return or_(*[column_.ilike(p, escape="\\") for p in patterns])
