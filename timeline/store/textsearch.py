"""Text search through the database's own index: FTS5 trigram on SQLite, pg_trgm on Postgres.

A search term matches an event when it occurs, as a substring and in any case, in the
event's title or in one of its quotes (what `ILIKE '%term%'` meant before, without reading
every row). Both indexes are trigram indexes, so substring semantics stay exact:

- SQLite: one document per event (`eventtext`, id = event id): the title and every quote,
  joined by SEPARATOR, rewritten by triggers on `event` and `eventsource` when the title or
  the sources change; `event_text_fts` indexes it (external-content FTS5,
  `tokenize='trigram'`). A term becomes a phrase (`"truce"`), which with trigrams is a
  substring test, and all the terms of a search are one FTS query (`"truce" AND "summit"`),
  so the index intersects them. A common term is tested with LIKE on the document, one
  primary-key read per event. A term holding SEPARATOR could match across a title/quote
  boundary: it keeps the ILIKE test on the title and the quotes.
- Postgres: GIN indexes with `gin_trgm_ops` on event.title and eventsource.quote; ILIKE uses
  them directly, nothing to keep in step.

Terms shorter than three characters have no trigram; they keep the plain LIKE scan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    ColumnElement,
    Select,
    column,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.engine import Connection

from timeline.store.engine import connection_of
from timeline.store.tables import event, event_source

if TYPE_CHECKING:
    from timeline.store.engine import Reader

MIN_TERM = 3  # a trigram index can answer a substring of at least three characters
# Above this many matching events a term (or an actor) is "common": walking the date index and
# testing each row fills a page sooner than fetching and sorting every match. Measured at 1M
# events (docs/scaling.md): counting 20k FTS entries costs ~3.5 ms, reading 8k events by id
# and sorting them ~15 ms; a 12% word fills a page of 100 after ~800 rows of the walk.
COMMON = 20_000

FTS = "event_text_fts"
TEXT_FTS = table(FTS, column("rowid"))
DOCS = table("eventtext", column("id"), column("body"))  # one document per event
SEPARATOR = "\x1f"  # between title and quotes in a document: never typed in a search

# Tables of the first text index (one external-content FTS5 table per column): what
# migrations 0003 and 0006 create, 0009 replaces and its downgrade restores.
LEGACY_SQLITE_MIRRORS = (
    ("event_title_fts", "event", "title"),
    ("eventsource_quote_fts", "eventsource", "quote"),
)

TRGM_INDEXES = (
    ("ix_event_title_trgm", "event", "title"),
    ("ix_eventsource_quote_trgm", "eventsource", "quote"),
)


def _document(event_id: str) -> str:
    """SQL for the document of event `event_id` (an expression such as `new.event_id`):
    its title, then its quotes, SEPARATOR between them (their order does not matter, no
    indexed term spans a SEPARATOR); NULL when the event is gone."""
    return (
        f"(SELECT coalesce(title, '') FROM event WHERE id = {event_id}) || coalesce((SELECT "
        f"char(31) || group_concat(quote, char(31)) FROM eventsource WHERE event_id = "
        f"{event_id}), '')"
    )


def _refresh(event_id: str) -> str:
    return f"UPDATE eventtext SET body = {_document(event_id)} WHERE id = {event_id};"


# Triggers: event and eventsource keep `eventtext` in step; `eventtext` keeps the FTS5
# index in step (external content: SQLite hands the old document to the delete).
TRIGGERS = (
    ("eventtext_event_ai", f"AFTER INSERT ON event BEGIN INSERT INTO eventtext (id, body) "
     f"VALUES (new.id, {_document('new.id')}); END"),
    ("eventtext_event_ad", "AFTER DELETE ON event BEGIN DELETE FROM eventtext "
     "WHERE id = old.id; END"),
    ("eventtext_event_au", f"AFTER UPDATE OF id, title ON event BEGIN DELETE FROM eventtext "
     f"WHERE id = old.id; INSERT INTO eventtext (id, body) VALUES (new.id, "
     f"{_document('new.id')}); END"),
    ("eventtext_source_ai", f"AFTER INSERT ON eventsource BEGIN {_refresh('new.event_id')} END"),
    ("eventtext_source_ad", f"AFTER DELETE ON eventsource BEGIN {_refresh('old.event_id')} END"),
    ("eventtext_source_au", f"AFTER UPDATE OF event_id, quote ON eventsource "
     f"BEGIN {_refresh('old.event_id')} {_refresh('new.event_id')} END"),
    ("eventtext_ai", f"AFTER INSERT ON eventtext BEGIN INSERT INTO {FTS} (rowid, body) "
     "VALUES (new.id, new.body); END"),
    ("eventtext_ad", f"AFTER DELETE ON eventtext BEGIN INSERT INTO {FTS} ({FTS}, rowid, "
     "body) VALUES ('delete', old.id, old.body); END"),
    ("eventtext_au", f"AFTER UPDATE ON eventtext BEGIN INSERT INTO {FTS} ({FTS}, rowid, "
     f"body) VALUES ('delete', old.id, old.body); INSERT INTO {FTS} (rowid, body) "
     "VALUES (new.id, new.body); END"),
)  # fmt: skip


def _install_documents(conn: Connection) -> None:
    """SQLite: `eventtext` filled in one pass over events and sources, the FTS5 index built
    over it, then the triggers (so a bulk load can drop them and call this once after)."""
    conn.execute(text("CREATE TABLE eventtext (id INTEGER PRIMARY KEY, body TEXT NOT NULL)"))
    conn.execute(
        text(
            "INSERT INTO eventtext (id, body) SELECT e.id, coalesce(e.title, '') || "
            "coalesce(char(31) || d.body, '') FROM event e LEFT JOIN (SELECT event_id, "
            "group_concat(quote, char(31)) AS body FROM eventsource GROUP BY event_id) d "
            "ON d.event_id = e.id"
        )
    )
    conn.execute(
        text(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(body, content='eventtext', "
            "content_rowid='id', tokenize='trigram')"
        )
    )
    conn.execute(text(f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')"))
    for name, body in TRIGGERS:
        conn.execute(text(f"CREATE TRIGGER {name} {body}"))


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

    A migration that rebuilds `event` or `eventsource` (SQLite batch mode) calls
    `drop_triggers` before and this after: the document triggers of each table read the
    other, so SQLite refuses to rename a rebuilt table while they exist.
    """
    if conn.dialect.name == "postgresql":
        _install_trgm(conn)
        return
    uninstall(conn)
    _install_documents(conn)


def install_per_column(conn: Connection) -> None:
    """The first text index (migrations 0003 and 0006; 0009's downgrade): on SQLite one
    external-content FTS5 table per column, kept by triggers; on Postgres the same pg_trgm
    indexes as `install`. Kept so those migrations build what they always built."""
    if conn.dialect.name == "postgresql":
        _install_trgm(conn)
        return
    uninstall(conn)
    for fts, base, field in LEGACY_SQLITE_MIRRORS:
        delete = (
            f"INSERT INTO {fts} ({fts}, rowid, {field}) VALUES ('delete', old.id, old.{field});"
        )
        insert = f"INSERT INTO {fts} (rowid, {field}) VALUES (new.id, new.{field});"
        for ddl in (
            f"CREATE VIRTUAL TABLE {fts} USING fts5({field}, content='{base}', "
            f"content_rowid='id', tokenize='trigram')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {base} BEGIN {insert} END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {base} BEGIN {delete} END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {field} ON {base} "
            f"BEGIN {delete} {insert} END",
            f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')",
        ):
            conn.execute(text(ddl))


def _install_trgm(conn: Connection) -> None:
    schema = trgm_schema(conn)
    if schema is None:
        return
    ops = f'"{schema}".gin_trgm_ops'
    for name, table_name, field in TRGM_INDEXES:
        conn.execute(
            text(f"CREATE INDEX IF NOT EXISTS {name} ON {table_name} USING gin ({field} {ops})")
        )


def drop_triggers(conn: Connection) -> None:
    """SQLite: stop keeping the documents in step (a bulk load then calls `install`)."""
    for name, _body in TRIGGERS:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def uninstall(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for name, _table, _field in TRGM_INDEXES:
            conn.execute(text(f"DROP INDEX IF EXISTS {name}"))
        return
    drop_triggers(conn)
    conn.execute(text(f"DROP TABLE IF EXISTS {FTS}"))
    conn.execute(text("DROP TABLE IF EXISTS eventtext"))
    for fts, _base, _column in LEGACY_SQLITE_MIRRORS:
        for suffix in ("ai", "ad", "au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {fts}_{suffix}"))
        conn.execute(text(f"DROP TABLE IF EXISTS {fts}"))


def fts_phrase(variants: list[str]) -> str:
    """An FTS5 query matching any of the spellings as a substring: '"it's" OR "it’s"'."""
    return " OR ".join('"' + v.replace('"', '""') + '"' for v in variants)


def indexable(variants: list[str]) -> bool:
    """Whether the SQLite document index answers this term exactly (three characters or
    more, no SEPARATOR that could join a title to a quote)."""
    return all(len(v) >= MIN_TERM and SEPARATOR not in v for v in variants)


def fts_query(terms: list[list[str]]) -> str:
    """One FTS5 query for all the terms (each a list of spellings): every term must occur
    in the event's document, '("it's" OR "it’s") AND "truce"'."""
    return " AND ".join(f"({fts_phrase(variants)})" for variants in terms)


def fts_event_ids(query: str) -> Select[Any]:
    """Ids of the events whose document matches the FTS5 `query` (SQLite)."""
    return select(TEXT_FTS.c.rowid).where(_match(FTS, query))


def documents_contain(event_id: Any, patterns: list[list[str]]) -> ColumnElement[bool]:
    """SQLite, row by row: the event's document contains every term (each a list of
    escaped LIKE patterns, one per spelling). One primary-key read per event tested, the
    same any-case substring test as ILIKE on the title and every quote."""
    body = DOCS.c.body
    tests = [or_(*[body.like(p, escape="\\") for p in term]) for term in patterns]
    return exists().where(DOCS.c.id == event_id, *tests)


def fts_matches_at_least(session: Reader, query: str, cap: int | None = None) -> bool:
    """Whether `cap` (default COMMON) or more events match `query` (SQLite): counts at most
    `cap` index entries, no table row is read."""
    cap = cap or COMMON
    capped = select(func.count()).select_from(fts_event_ids(query).limit(cap).subquery())
    return int(connection_of(session).execute(capped).scalar_one()) >= cap


def event_ids_matching(like: list[str]) -> Select[Any]:
    """Ids of events whose title or some quote matches one of the escaped ILIKE patterns
    (Postgres: answered by the pg_trgm GIN indexes)."""
    titles = select(event.c.id).where(_any_ilike(event.c.title, like))
    in_quotes = select(event_source.c.event_id).where(_any_ilike(event_source.c.quote, like))
    return titles.union(in_quotes)  # type: ignore[return-value]


def matches_at_least(session: Reader, like: list[str], cap: int | None = None) -> bool:
    """Whether titles plus quotes matching the patterns number `cap` (default COMMON) or
    more, by the Postgres planner's estimate (pg_trgm gives one from the trigram
    statistics), since counting would fetch and recheck every matching heap row."""
    cap = cap or COMMON
    parts = [
        select(event.c.id).where(_any_ilike(event.c.title, like)),
        select(event_source.c.id).where(_any_ilike(event_source.c.quote, like)),
    ]
    return sum(_estimated_rows(session, part) for part in parts) >= cap


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
