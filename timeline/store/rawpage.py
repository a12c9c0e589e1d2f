"""A page of events as the database driver's own rows: the GET /events fast path.

A week of 100 events cost more CPU in SQLAlchemy's execution and result rows, the views and
the contract dicts built from them, than in SQLite's own work. This runs the same cached
statements as query.search_events does for the pages it caches (query.plain_page: no actor,
no words, no types), each compiled once per dialect, on the DBAPI cursor: no per-call
compile-cache lookup, execution context or result processing. The rows keep the driver's
types; `Decoders` says how to read them, so the caller (timeline.serialize.raw_page_json)
builds the contract's JSON straight from them. A test checks that JSON is byte for byte what
search_events and event_to_dict give, on SQLite and Postgres.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import orjson
from sqlalchemy import Date, DateTime, select
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError

from timeline.store import query as q
from timeline.store.tables import event_span


@dataclass(frozen=True, slots=True)
class Decoders:
    """How to read the driver's values as the contract's. SQLite hands back dates and
    timestamps as the text SQLAlchemy stored, booleans as 0/1 and JSON as text; psycopg
    hands back date, datetime, bool and parsed JSON."""

    iso: Callable[[Any], str | None]  # a Date column as YYYY-MM-DD (None stays None)
    day: Callable[[Any], date | None]  # ... as a date
    flag: Callable[[Any], bool]  # a Boolean column
    items: Callable[[Any], list[Any]]  # a JSON list column (NULL, JSON null, []: [])
    stamp: Callable[[Any], str | None]  # a DateTime column, ISO 8601 in UTC as the views give


@dataclass(frozen=True, slots=True)
class RawPage:
    """One page: `events` rows of query.EVENT_COLUMNS in page order, then per event id its
    source rows (the sources statement's columns, see query._details, in page order), actor
    names (role order) and link fields (query.LinkFields)."""

    events: list[Sequence[Any]]
    sources: dict[int, list[Sequence[Any]]]
    actors: dict[int, list[str]]
    links: dict[int, list[q.LinkFields]]
    next_cursor: str | None
    decode: Decoders


def reads_page(filters: q.EventFilter) -> bool:
    """Whether read_page reads pages of `filters` (else it returns None)."""
    return not filters.types and q.plain_page(filters)


def read_page(
    conn: Connection, filters: q.EventFilter, limit: int, cursor: str | None
) -> RawPage | None:
    """search_events(filters, limit, cursor, with_links=True) as a RawPage; None for a page
    it does not cache statements for (an actor, words, types, a one-sided range)."""
    if not 1 <= limit <= q.MAX_LIMIT:
        raise q.QueryError(f"limit must be between 1 and {q.MAX_LIMIT}", param="limit")
    if not reads_page(filters):
        return None
    dialect = conn.dialect
    after = q.decode_cursor(cursor) if cursor else None
    spans = None
    if filters.start is not None:
        spans = {p: d for p, d in _run(conn, _spans_sql(dialect), {})}
    want = limit + 1
    stmts, params = q.plain_plan(dialect.name, filters, after, want, spans)
    rows: list[Sequence[Any]] = []
    if stmts.dated is not None:
        rows = _run(conn, _sql(dialect, stmts.dated), params)
    if stmts.undated is not None and len(rows) < want:
        params["undated_want"] = want - len(rows)
        rows += _run(conn, _sql(dialect, stmts.undated), params)
    decode = _decoders(dialect.name)
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        next_cursor = q.encode_cursor((decode.day(last[1]), decode.day(last[2]), last[0]))
    return _details(conn, rows, next_cursor, decode)


def _details(
    conn: Connection, rows: list[Sequence[Any]], next_cursor: str | None, d: Decoders
) -> RawPage:
    """The page's sources, actors and links: query.load_views' statements and grouping."""
    dialect = conn.dialect
    ids = [r[0] for r in rows]
    sources: dict[int, list[Sequence[Any]]] = {i: [] for i in ids}
    pairs: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    links: dict[int, list[q.LinkFields]] = {i: [] for i in ids}
    details = q._details(dialect.name)
    for chunk in q._chunks(ids):
        value = {"ids": _ids(chunk, dialect.name)}
        for row in _run(conn, _sql(dialect, details.sources), value):
            sources[row[0]].append(row)
        q.actor_pairs(_run(conn, _sql(dialect, details.actors), value), pairs)
        link_rows = _run(conn, _sql(dialect, details.links), value)
        titles: dict[int, str] = {}
        for part in q._chunks(q.far_ends(link_rows)):
            found = _run(conn, _sql(dialect, details.titles), {"ids": _ids(part, dialect.name)})
            titles.update((i, t) for i, t in found)
        for ident, fields in q.link_ends(link_rows, titles, set(chunk)):
            links[ident].append(fields)
    actors = {i: q.role_ordered(p) for i, p in pairs.items()}
    return RawPage(rows, sources, actors, links, next_cursor, d)


def _ids(ids: Sequence[int], dialect: str) -> Any:
    """The ids parameter of the detail statements (query._ids_param): Postgres' as the text of
    an integer array, which the statement casts: psycopg's list adapter tests each element
    with a regular expression (0.10 ms of CPU per execute of 100 ids, 0.05 as text)."""
    if dialect == "postgresql":
        return "{" + ",".join(map(str, ids)) + "}"
    return q._ids_value(ids, dialect)


# --- statements compiled once, run on the DBAPI cursor -----------------------------------------


@dataclass(frozen=True, slots=True)
class _Sql:
    text: str
    names: tuple[str, ...] | None  # the parameters in order (positional styles); None: named
    defaults: dict[str, Any]  # values bound in the statement itself (an OFFSET 0)
    dates_as_text: bool  # SQLite: a date parameter is bound as its ISO text, as SQLAlchemy does


@lru_cache(maxsize=512)
def _sql(dialect: Dialect, stmt: Any) -> _Sql:
    """`stmt` compiled for `dialect` (statements are themselves cached per shape)."""
    compiled = stmt.compile(dialect=dialect)
    names = tuple(compiled.positiontup) if compiled.positiontup is not None else None
    return _Sql(compiled.string, names, dict(compiled.params), dialect.name == "sqlite")


@lru_cache(maxsize=8)
def _spans_sql(dialect: Dialect) -> _Sql:
    """spans.longest_spans' statement."""
    return _sql(dialect, select(event_span.c.precision, event_span.c.days))


def _run(conn: Connection, sql: _Sql, values: dict[str, Any]) -> list[Any]:
    """The statement's rows as the driver gives them. A driver error is raised as SQLAlchemy
    raises it (OperationalError...: the API's 503), a lost connection invalidated."""
    bound = {**sql.defaults, **values}
    if sql.dates_as_text:
        bound = {k: v.isoformat() if isinstance(v, date) else v for k, v in bound.items()}
    params: Any = [bound[n] for n in sql.names] if sql.names is not None else bound
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        return list(raw.execute(sql.text, params).fetchall())
    except conn.dialect.loaded_dbapi.Error as exc:
        lost = conn.dialect.is_disconnect(exc, raw, None)
        if lost:
            conn.invalidate(exc)
        error = conn.dialect.loaded_dbapi.Error
        raise DBAPIError.instance(
            sql.text, params, exc, error, connection_invalidated=lost, dialect=conn.dialect
        ) from exc


# --- the drivers' values --------------------------------------------------------------------------


def _same(value: Any) -> Any:
    return value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _list(value: Any) -> list[Any]:
    return list(value) if value else []


# SQLite's text, read as SQLAlchemy's types read it: what SQLAlchemy wrote (YYYY-MM-DD,
# YYYY-MM-DD HH:MM:SS.ffffff) by slicing; anything else through the type's own reader.
_SQLITE = sqlite.dialect()
_read_date = Date().dialect_impl(_SQLITE).result_processor(_SQLITE, None)
_read_stamp = DateTime(timezone=True).dialect_impl(_SQLITE).result_processor(_SQLITE, None)


def _plain_day(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-"


def _text_iso(value: str | None) -> str | None:
    if value is None or _plain_day(value):
        return value
    read = _text_day(value)
    return read.isoformat() if read is not None else None


def _text_day(value: str | None) -> date | None:
    if value is None:
        return None
    if _plain_day(value):
        return date.fromisoformat(value)
    return _read_date(value) if _read_date else date.fromisoformat(value)


def _text_stamp(value: str | None) -> str | None:
    """The stored text (naive, UTC) as the views' aware datetime prints (isoformat drops a
    zero fraction)."""
    if value is None:
        return None
    if len(value) in (19, 26) and value[10] == " " and value[13] == ":" and value[16] == ":":
        if len(value) == 19 or value[19:] == ".000000":
            return f"{value[:10]}T{value[11:19]}+00:00"
        if value[19] == ".":
            return f"{value[:10]}T{value[11:]}+00:00"
    return _stamp(_read_stamp(value) if _read_stamp else datetime.fromisoformat(value))


def _stamp(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo is not None else value.replace(tzinfo=UTC)).isoformat()


_EMPTY = {"null", "[]"}


def _json_list(value: str | None) -> list[Any]:
    """A JSON column as SQLite holds it (SQLAlchemy's JSON type writes the text)."""
    if value is None or value in _EMPTY:
        return []
    try:
        items = orjson.loads(value)
    except orjson.JSONDecodeError:  # what json.loads (SQLAlchemy's reader) also takes
        items = json.loads(value)
    return list(items) if items else []


SQLITE = Decoders(iso=_text_iso, day=_text_day, flag=bool, items=_json_list, stamp=_text_stamp)
DRIVER_TYPES = Decoders(iso=_iso, day=_same, flag=_same, items=_list, stamp=_stamp)


def _decoders(dialect: str) -> Decoders:
    return SQLITE if dialect == "sqlite" else DRIVER_TYPES
