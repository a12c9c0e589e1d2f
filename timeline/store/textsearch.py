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
- Postgres: the same document per event, lower-cased (`eventtext`, same SEPARATOR), kept by
  row triggers (plpgsql) on `event` and `eventsource`, with a GIN `gin_trgm_ops` index on it
  (migration 0010, lower-cased since 0011; before 0010, one trigram index on event.title and
  one on eventsource.quote, so a search of two words, or a common word tested row by row,
  needed a probe of the title and of the quotes per word). A term is `body LIKE
  lower(pattern)`, ILIKE's own test; all the terms of a search are ANDed on the one column,
  which the GIN index answers together (its bitmap intersects the trigrams of every term),
  and a common term is tested on the document, one primary-key read per event.

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
    true,
    union_all,
)
from sqlalchemy.engine import Connection

from timeline.store.engine import connection_of, estimated_plan, estimated_rows
from timeline.store.pgtriggers import create_row_triggers, drop_row_triggers

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

# Postgres indexes of the first text index (migration 0003): what 0010 replaces by the
# document index and its downgrade restores.
TRGM_INDEXES = (
    ("ix_event_title_trgm", "event", "title"),
    ("ix_eventsource_quote_trgm", "eventsource", "quote"),
)
DOC_TRGM_INDEX = "ix_eventtext_body_trgm"


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


# Postgres: the document of one event, and the row triggers that keep `eventtext` in step
# (SQLite's document lower-cased: title, then SEPARATOR and each quote; searched with LIKE
# on lower(pattern), which is ILIKE's own test and ~40% cheaper per row). A source's insert,
# delete, or change of event or quote rewrites its event's document; an event's insert or
# change of title or id writes its own; the WHEN clauses keep other updates (updated_at,
# salience, dates) from calling the functions at all.
PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION eventtext_document(target integer) RETURNS text AS $$
    SELECT lower(coalesce((SELECT title FROM event WHERE id = target), '') || coalesce((SELECT
        chr(31) || string_agg(quote, chr(31)) FROM eventsource WHERE event_id = target), ''))
$$ LANGUAGE sql STABLE""",
    """CREATE OR REPLACE FUNCTION eventtext_event() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD.id <> NEW.id) THEN
        DELETE FROM eventtext WHERE id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO eventtext (id, body) VALUES (NEW.id, eventtext_document(NEW.id))
        ON CONFLICT (id) DO UPDATE SET body = excluded.body;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION eventtext_source() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        UPDATE eventtext SET body = eventtext_document(OLD.event_id) WHERE id = OLD.event_id;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND OLD.event_id <> NEW.event_id) THEN
        UPDATE eventtext SET body = eventtext_document(NEW.event_id) WHERE id = NEW.event_id;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
)
# (name, table, what, condition): AFTER `what` ON `table` FOR EACH ROW [WHEN (condition)]
PG_TRIGGERS = (
    ("eventtext_event_ai", "event", "INSERT", None),
    ("eventtext_event_ad", "event", "DELETE", None),
    ("eventtext_event_au", "event", "UPDATE OF id, title",
     "OLD.id <> NEW.id OR OLD.title IS DISTINCT FROM NEW.title"),
    ("eventtext_source_ai", "eventsource", "INSERT", None),
    ("eventtext_source_ad", "eventsource", "DELETE", None),
    ("eventtext_source_au", "eventsource", "UPDATE OF event_id, quote",
     "OLD.event_id <> NEW.event_id OR OLD.quote IS DISTINCT FROM NEW.quote"),
)  # fmt: skip


def _install_pg_documents(conn: Connection) -> None:
    """Postgres: `eventtext` filled in one grouped pass, its trigram index built over it,
    then the functions and triggers (a bulk load drops them all and calls this once)."""
    conn.execute(text("CREATE TABLE eventtext (id integer PRIMARY KEY, body text NOT NULL)"))
    conn.execute(
        text(
            "INSERT INTO eventtext (id, body) SELECT e.id, lower(coalesce(e.title, '') || "
            "coalesce(chr(31) || d.body, '')) FROM event e LEFT JOIN (SELECT event_id, "
            "string_agg(quote, chr(31)) AS body FROM eventsource GROUP BY event_id) d "
            "ON d.event_id = e.id"
        )
    )
    schema = trgm_schema(conn)
    if schema is not None:  # without pg_trgm the documents still make a common word cheap
        conn.execute(
            text(
                f"CREATE INDEX {DOC_TRGM_INDEX} ON eventtext "
                f'USING gin (body "{schema}".gin_trgm_ops)'
            )
        )
    create_row_triggers(conn, PG_FUNCTIONS, PG_TRIGGERS)


def _uninstall_pg(conn: Connection) -> None:
    drop_row_triggers(conn, PG_TRIGGERS)
    conn.execute(text("DROP TABLE IF EXISTS eventtext"))
    for function in ("eventtext_event()", "eventtext_source()", "eventtext_document(integer)"):
        conn.execute(text(f"DROP FUNCTION IF EXISTS {function}"))
    for name, _table, _field in TRGM_INDEXES:
        conn.execute(text(f"DROP INDEX IF EXISTS {name}"))


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
    uninstall(conn)
    if conn.dialect.name == "postgresql":
        _install_pg_documents(conn)
        return
    _install_documents(conn)


def install_per_column(conn: Connection) -> None:
    """The first text index (migrations 0003 and 0006; the downgrades of 0009 on SQLite and
    0010 on Postgres): on SQLite one external-content FTS5 table per column, kept by
    triggers; on Postgres a pg_trgm index on event.title and one on eventsource.quote.
    Kept so those migrations build what they always built."""
    uninstall(conn)
    if conn.dialect.name == "postgresql":
        _install_trgm(conn)
        return
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
    """Drop every text index either layout made (documents, triggers, per-column indexes)."""
    if conn.dialect.name == "postgresql":
        _uninstall_pg(conn)
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


def documents_contain(
    event_id: Any, patterns: list[list[str]], dialect: str = "sqlite"
) -> ColumnElement[bool]:
    """Row by row: the event's document contains every term (each a list of escaped LIKE
    patterns, one per spelling). One primary-key read per event tested, the same any-case
    substring test as ILIKE on the title and every quote (SQLite's LIKE ignores case).

    On Postgres a scalar subquery (`(SELECT true ... LIMIT 1) IS NOT NULL`), not EXISTS:
    the planner would turn an EXISTS into a hashed set of every matching document, built
    before the walk that needs a few hundred rows (see query._title_or_quote)."""
    if dialect == "postgresql":
        probe = select(true()).where(DOCS.c.id == event_id, *_all_terms(patterns)).limit(1)
        return probe.scalar_subquery().is_not(None)
    body = DOCS.c.body
    tests = [or_(*[body.like(p, escape="\\") for p in term]) for term in patterns]
    return exists().where(DOCS.c.id == event_id, *tests)


def document_ids(patterns: list[list[str]]) -> Select[Any]:
    """Ids of the events whose document contains every term (Postgres: one bitmap scan of
    the trigram index, which intersects the trigrams of all the terms)."""
    return select(DOCS.c.id).where(*_all_terms(patterns))


def any_term_rare(session: Reader, likes: list[list[str]], cap: int | None = None) -> bool:
    """Whether the documents matching some term (a list of escaped LIKE patterns) number
    fewer than `cap` (default COMMON), by the Postgres planner's estimate (from the column's
    histogram), since counting would fetch and recheck every matching heap row. One EXPLAIN
    for all the terms (a UNION ALL, one estimate per branch): one round trip."""
    if not likes:
        return False
    cap = cap or COMMON
    parts = [document_ids([like]) for like in likes]
    plan = estimated_plan(session, parts[0] if len(parts) == 1 else union_all(*parts))
    branches = plan.get("Plans", []) if len(parts) > 1 else [plan]
    if len(branches) != len(parts):  # not one Append branch per term: ask term by term
        return any(estimated_rows(session, part) < cap for part in parts)
    return any(int(branch["Plan Rows"]) < cap for branch in branches)


def _all_terms(patterns: list[list[str]]) -> list[ColumnElement[bool]]:
    """Postgres: each term in the lower-cased document, `body LIKE lower(pattern)`: what
    ILIKE on the original text means (Postgres lower-cases both sides with lower() for a
    multi-byte encoding), without lower-casing every document tested."""
    body = DOCS.c.body
    return [or_(*[body.like(func.lower(p), escape="\\") for p in term]) for term in patterns]


def fts_matches_at_least(session: Reader, query: str, cap: int | None = None) -> bool:
    """Whether `cap` (default COMMON) or more events match `query` (SQLite): counts at most
    `cap` index entries, no table row is read."""
    cap = cap or COMMON
    capped = select(func.count()).select_from(fts_event_ids(query).limit(cap).subquery())
    return int(connection_of(session).execute(capped).scalar_one()) >= cap


def _match(fts: str, query: str) -> ColumnElement[bool]:
    return literal_column(fts).op("MATCH")(query)


def _any_ilike(column_: Any, patterns: list[str]) -> ColumnElement[bool]:
    return or_(*[column_.ilike(p, escape="\\") for p in patterns])
