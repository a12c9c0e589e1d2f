"""Read side of the store: the one query module behind the CLI, the API and the web page.

Filters combine (date range AND actor AND type AND text). Results come in a stable order
(start, end, id; undated last) and page by keyset (an opaque cursor holding the last sort key),
so deep pages cost the same as the first and never skip or repeat a row while ingest writes.
Sources, actors and links are loaded for a whole page in a few `IN` queries, never per event.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    and_,
    bindparam,
    exists,
    false,
    func,
    literal_column,
    or_,
    true,
    union,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from timeline.store import actordates, textsearch
from timeline.store.engine import connection_of, estimated_rows
from timeline.store.spans import longest_spans
from timeline.store.tables import (
    actor,
    actor_alias,
    article,
    event,
    event_actor,
    event_link,
    event_source,
)

if TYPE_CHECKING:
    from timeline.store.engine import Reader

MAX_LIMIT = 1000
IN_CHUNK = 500  # ids per IN (...) list: well under SQLite's and Postgres' parameter limits
ROLE_ORDER = {"agent": 0, "target": 1, "participant": 2}


class QueryError(ValueError):
    """A filter or cursor that cannot be used; `param` names the offending parameter."""

    def __init__(self, message: str, *, param: str) -> None:
        super().__init__(message)
        self.param = param


# --- values handed to the front ends -------------------------------------------------------
#
# Plain slotted dataclasses, not frozen: a frozen one sets each field through
# object.__setattr__, which made building the views a fifth of an export's CPU (an export
# builds one EventView and ~1.3 SourceViews per event). Treat them as values all the same;
# SourceView and LinkView stay hashable.


@dataclass(slots=True, unsafe_hash=True)
class SourceView:
    """One reporting sentence with the article it comes from."""

    article: str
    article_id: int
    article_title: str | None
    article_url: str | None
    published: date | None
    sentence_index: int
    quote: str
    time_text: str | None
    time_value: str | None
    # The words naming the happening: offsets into the article's stored text (-1: unknown).
    trigger_text: str | None = None
    trigger_start: int = -1
    trigger_end: int = -1
    agents: tuple[str, ...] = ()
    patients: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    headline: bool = False
    lead: bool = False
    main: bool = True


@dataclass(slots=True, unsafe_hash=True)
class LinkView:
    """An edge "source <kind> target" seen from one of its ends (`other_*` is the far end)."""

    kind: str
    source_id: int
    target_id: int
    other_id: int
    other_title: str
    origin: str = "text"  # "text": a connective said so; "story": the story model inferred it

    @property
    def direction(self) -> str:
        """ "out" when the event holding this link is the source, "in" when it is the target."""
        return "in" if self.other_id == self.source_id else "out"


# LinkView's fields in order: what link_ends yields for each end of a link.
LinkFields = tuple[str, int, int, int, str, str]


@dataclass(slots=True)
class EventView:
    """An event with what the front ends show next to it; detached from any session."""

    id: int
    start: date | None
    end: date | None
    precision: str
    date_inferred: bool
    type: str
    modality: str
    title: str
    actors: list[str] = field(default_factory=list)
    sources: list[SourceView] = field(default_factory=list)
    links: list[LinkView] = field(default_factory=list)
    updated_at: datetime | None = None  # last change (incremental sync)

    @property
    def sort_key(self) -> tuple[bool, date, date, int]:
        """The order every list uses: dated first, then start, end, id."""
        start = self.start or date.max
        return (self.start is None, start, self.end or start, self.id)


@dataclass(frozen=True, slots=True)
class Page:
    """One page of events and the cursor of the next page (None on the last)."""

    events: list[EventView]
    next_cursor: str | None


# --- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What to select. Every field is optional; set fields combine with AND.

    `start`/`end` bound an inclusive range that an event's span must overlap; `actor` is any
    name or alias (case-insensitive); `types` are event types; `text` is words (or "quoted
    phrases") that must all occur in the title or in one of the quotes.
    """

    start: date | None = None
    end: date | None = None
    actor: str | None = None
    types: tuple[str, ...] = ()
    text: str | None = None
    # False: only salient events (see Event.salient); True: every event (`--all`).
    everything: bool = False

    def __post_init__(self) -> None:
        if self.start and self.end and self.start > self.end:
            raise QueryError(
                f"the range starts after it ends ({self.start} > {self.end})", param="to"
            )

    @classmethod
    def build(
        cls,
        *,
        start: date | None = None,
        end: date | None = None,
        actor: str | None = None,
        type: str | Iterable[str] | None = None,
        text: str | None = None,
        everything: bool = False,
    ) -> EventFilter:
        """A filter from loose front-end values: blanks dropped, "A,B" types split."""
        if isinstance(type, str):
            type = type.split(",")
        # NUL dropped as in _clean: Postgres rejects it in text parameters (?type=%00)
        cleaned = (t.replace("\x00", "").strip().upper() for t in type or ())
        types = tuple(sorted({t for t in cleaned if t}))
        return cls(
            start=start,
            end=end,
            actor=_clean(actor),
            types=types,
            text=_clean(text),
            everything=everything,
        )


def _clean(value: str | None) -> str | None:
    """Blank means unset; NUL is dropped because Postgres rejects it in text parameters."""
    if value is None:
        return None
    value = value.replace("\x00", "").strip()
    return value or None


# Precision-aware overlap. An event of precision p spans whole p-granules: a month-precision
# event stored as 2025-04-01..2025-04-01 still covers every day of April. Its span
# [floor_p(start), ceil_p(end)] overlaps [lo, hi] iff start <= ceil_p(hi) and end >= floor_p(lo),
# so the widening happens on the query bounds and the columns stay index-friendly.


def granule(day: date, precision: str) -> tuple[date, date]:
    """First and last day of the week/month/year containing `day` (the day itself otherwise)."""
    if precision == "week":
        first = day - timedelta(days=day.weekday())  # ISO weeks start on Monday
        last = first + timedelta(days=6) if first <= date.max - timedelta(days=6) else date.max
        return first, last
    if precision == "month":
        first = day.replace(day=1)
        if day.month == 12:
            return first, day.replace(day=31)
        return first, day.replace(month=day.month + 1, day=1) - timedelta(days=1)
    if precision == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return day, day


WIDE_PRECISIONS = ("week", "month", "year")


def _overlap(
    lo: date | None, hi: date | None, spans: dict[str, int], table: Any = event
) -> ColumnElement[bool]:
    """Events whose (precision-widened) span overlaps [lo, hi]; either bound may be open.

    With both bounds: the OR of `overlap_branches` (search_events runs the branches apart).
    `table`: another table with the event's start, end and precision (actorevent).
    """
    if lo is not None and hi is not None:
        branches = overlap_branches(lo, hi, spans, table)
        return or_(*branches) if branches else false()
    widest = max(spans.values(), default=0)
    precision = table.c.precision
    wide = [and_(precision == p, _bounds(lo, hi, p, None, table)) for p in WIDE_PRECISIONS]
    narrow = and_(precision.not_in(WIDE_PRECISIONS), _bounds(lo, hi, "day", None, table))
    # The widest granule first: a necessary condition on the indexed (start, end) columns
    # alone, so most rows are rejected from the index without reading the table.
    return and_(_bounds(lo, hi, "year", widest, table), or_(narrow, *wide))


def overlap_branches(
    lo: date, hi: date, spans: dict[str, int], table: Any = event
) -> list[ColumnElement[bool]]:
    """One condition per precision present (`spans`: precision -> longest span in days):
    precision = p AND start BETWEEN floor_p(lo) - span_p AND ceil_p(hi) AND end >= floor_p(lo).

    Each is a closed range on the (precision, start, end) index, so its cost follows its
    matches, not the number of events before `hi`; none when no event is dated.
    """
    return [
        and_(table.c.precision == p, _bounds(lo, hi, _grain(p), days, table))
        for p, days in sorted(spans.items())
    ]


def _grain(precision: str) -> str:
    """The granule an event of `precision` covers (day for day and unknown)."""
    return precision if precision in WIDE_PRECISIONS else "day"


def _bounds(
    lo: date | None, hi: date | None, precision: str, span: int | None, table: Any = event
) -> ColumnElement[bool]:
    return _bounds_clause(*_bound_values(lo, hi, precision, span), table)


def _bound_values(
    lo: date | None, hi: date | None, precision: str, span: int | None
) -> tuple[date | None, date | None, date | None]:
    """The last start, the first end and the first start (None: unbounded) of an event of
    `precision` (longest span `span` days; None: not bounded) overlapping [lo, hi]."""
    last_start = granule(hi, precision)[1] if hi is not None else None
    floor = granule(lo, precision)[0] if lo is not None else None
    first_start = _minus_days(floor, span) if floor is not None and span is not None else None
    return last_start, floor, first_start


def _bounds_clause(
    last_start: Any, first_end: Any, first_start: Any, table: Any = event
) -> ColumnElement[bool]:
    """start <= last_start AND end >= first_end AND start >= first_start: dates, or bound
    parameters (a statement cached per shape, see _plain_statements); None leaves one out."""
    start, end = table.c.start, func.coalesce(table.c.end, table.c.start)
    parts: list[ColumnElement[bool]] = [start.is_not(None)]
    if last_start is not None:
        parts.append(start <= last_start)
    if first_end is not None:
        parts.append(end >= first_end)
        if first_start is not None:
            parts.append(start >= first_start)
    return and_(*parts)


def _minus_days(day: date, days: int) -> date:
    return day - timedelta(days=days) if day.toordinal() > days else date.min


_TERM = re.compile(r'"([^"]+)"|(\S+)')


def text_terms(text: str) -> list[str]:
    """Words and "quoted phrases", lower-cased, surrounding punctuation stripped."""
    terms = []
    for phrase, word in _TERM.findall(text):
        term = (phrase or word).strip().strip(".,;:!?()[]{}").lower()
        if term:
            terms.append(term)
    return terms


def _like(term: str) -> list[str]:
    """LIKE patterns for a term, wildcards escaped; straight and typographic apostrophes."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    variants = {escaped, escaped.replace("'", "\u2019"), escaped.replace("\u2019", "'")}
    return [f"%{v}%" for v in sorted(variants)]


def _spellings(term: str) -> list[str]:
    """The term with straight and typographic apostrophes (either finds the other)."""
    return sorted({term, term.replace("'", "\u2019"), term.replace("\u2019", "'")})


def _text_match(session: Reader, text: str) -> tuple[ColumnElement[bool], bool]:
    """Every term occurs in the title or in some quote of the event; and whether the
    condition is a short list of ids the query should be driven from.

    Both stores hold one document per event (title and quotes, timeline.store.textsearch)
    with a trigram index on it. When a term the index can answer is not common, the index's
    matches for all such terms are an id list (SQLite: one FTS query, Postgres: one bitmap
    scan, the index intersecting the terms). Otherwise every term is tested row by row on
    the event's document, one primary-key read, while the database walks the date order (a
    page fills after a few hundred rows). Both give the same rows; only the cost differs.
    """
    dialect = _core(session).dialect.name
    terms = text_terms(text)
    indexed = [t for t in terms if textsearch.indexable(_spellings(t))]
    rest = [t for t in terms if t not in indexed]
    clauses: list[ColumnElement[bool]] = []
    if dialect == "sqlite":
        rare = any(
            not textsearch.fts_matches_at_least(session, textsearch.fts_query([_spellings(t)]))
            for t in indexed
        )  # stops at the first rare term
        if rare:  # the index intersects every indexed term, driven by the rare one
            query = textsearch.fts_query([_spellings(t) for t in indexed])
            clauses.append(event.c.id.in_(textsearch.fts_event_ids(query)))
    else:
        rare = textsearch.any_term_rare(session, [_like(t) for t in indexed])
        if rare:
            clauses.append(event.c.id.in_(textsearch.document_ids([_like(t) for t in indexed])))
    if not rare:
        rest = terms
    in_documents = [t for t in rest if textsearch.SEPARATOR not in t]
    if in_documents:
        patterns = [_like(t) for t in in_documents]
        clauses.append(textsearch.documents_contain(event.c.id, patterns, dialect))
    clauses.extend(_title_or_quote(_like(t)) for t in rest if t not in in_documents)
    return and_(true(), *clauses), rare


def _title_or_quote(patterns: list[str]) -> ColumnElement[bool]:
    """ILIKE on the title or on some quote: the row-by-row test of a term the documents
    cannot answer (one holding SEPARATOR).

    The quote test is a scalar subquery (`(SELECT true ... LIMIT 1) IS NOT NULL`), not
    EXISTS: Postgres turns an EXISTS into a hashed set of every matching quote, built before
    the walk (166k quotes, ~480 ms for a 12% word at 1M events), where the walk needs a few
    hundred rows; a scalar subquery stays one indexed probe per row tested."""
    in_title = [event.c.title.ilike(p, escape="\\") for p in patterns]
    in_quote = (
        sa_select(true())
        .where(
            event_source.c.event_id == event.c.id,
            or_(*[event_source.c.quote.ilike(p, escape="\\") for p in patterns]),
        )
        .limit(1)
        .scalar_subquery()
        .is_not(None)
    )
    return or_(*in_title, in_quote)


def actor_ids(*, session: Reader, name: str) -> list[int]:
    """Actors called `name` (canonical name or alias, any case); else those whose name or
    alias contains it, so "zelensk" or "peskov" still find someone."""
    needle = name.strip().lower()
    alias_col, name_col = actor_alias.c.alias, actor.c.name
    conn = _core(session)
    # one round trip each: the exact names, then (none found) the substrings
    exact = union(
        sa_select(actor_alias.c.actor_id).where(alias_col == needle),
        sa_select(actor.c.id).where(func.lower(name_col) == needle),
    )
    ids: set[int | None] = set(conn.scalars(exact))
    if not ids:
        pattern = _like(needle)[0]
        contains = union(
            sa_select(actor_alias.c.actor_id).where(alias_col.ilike(pattern, escape="\\")),
            sa_select(actor.c.id).where(name_col.ilike(pattern, escape="\\")),
        )
        ids.update(conn.scalars(contains))
    return sorted(i for i in ids if i is not None)


def _actor_match(
    session: Reader, ids: list[int], filters: EventFilter, spans: dict[str, int] | None
) -> tuple[ColumnElement[bool], bool]:
    """Events with one of these actors; and whether the query should be driven from them.

    An actor in fewer than COMMON events: its events are an id list the database drives
    from, a primary-key read each. A common one alone: a correlated test while walking the
    date order, which fills a page after ~100/selectivity rows; with other filters the
    selectivities multiply, so an IN list the walk tests. Same rows either way.

    SQLite counts the actor's entries in the (actor_id, event_id) index. Postgres reads
    `actorevent` (timeline.store.actordates) bounded by the date range and salience, so the
    list holds only the events the range can match (the planner's estimate of its size
    decides); a page of an actor without a range does not come here on Postgres (see
    _ActorWalk).
    """
    conn = _core(session)
    if conn.dialect.name == "postgresql":
        ae = actordates.actor_event
        bounds: list[ColumnElement[bool]] = [ae.c.actor_id.in_(ids)]
        if not filters.everything:
            bounds.append(ae.c.salient.is_(True))
        if spans is not None and (filters.start or filters.end):
            # the overlap itself, tested on the index entries: only the events in the range
            # are read; the widest start bounds first, as a range of the index
            lo, hi = _start_bounds(filters.start, filters.end, spans)
            bounds.append(ae.c.start.is_not(None))
            if lo is not None:
                bounds.append(ae.c.start >= lo)
            if hi is not None:
                bounds.append(ae.c.start <= hi)
            bounds.append(_overlap(filters.start, filters.end, spans, ae))
        found = sa_select(ae.c.event_id).where(*bounds)
        return event.c.id.in_(found), estimated_rows(session, found) < textsearch.COMMON
    events_of = sa_select(event_actor.c.event_id).where(event_actor.c.actor_id.in_(ids))
    capped = sa_select(func.count()).select_from(events_of.limit(textsearch.COMMON).subquery())
    if int(conn.execute(capped).scalar_one()) < textsearch.COMMON:
        return event.c.id.in_(events_of), True
    alone = not (filters.text or filters.start or filters.end)
    if alone:
        in_events = exists().where(
            event_actor.c.event_id == event.c.id, event_actor.c.actor_id.in_(ids)
        )
        return in_events, False
    return event.c.id.in_(events_of), False


def _start_bounds(
    lo: date | None, hi: date | None, spans: dict[str, int]
) -> tuple[date | None, date | None]:
    """The widest [first, last] start an event overlapping [lo, hi] can have, over the
    precisions stored: the union of the overlap branches' start ranges."""
    grains = {p: (p if p in WIDE_PRECISIONS else "day") for p in spans}
    first = (
        min(_minus_days(granule(lo, g)[0], spans[p]) for p, g in grains.items())
        if lo is not None and grains
        else None
    )
    last = max(granule(hi, g)[1] for g in grains.values()) if hi is not None and grains else None
    return first, last


@dataclass(frozen=True, slots=True)
class _ActorWalk:
    """Postgres, an actor without a date range (and no rare word driving the query): the
    dated rows are read in date order from actorevent's index (see _actor_walk_rows),
    testing `conds` (type, text) on each event reached."""

    ids: list[int]
    conds: list[ColumnElement[bool]]


def _walks_actor(session: Reader, filters: EventFilter) -> bool:
    return (
        filters.actor is not None
        and filters.start is None
        and filters.end is None
        and _core(session).dialect.name == "postgresql"
    )


def _actor_walk_rows(
    session: Reader, walk: _ActorWalk, filters: EventFilter, after: Key | None, want: int
) -> list[Any]:
    """The first `want` dated events of these actors after the cursor, in (start, end, id)
    order: per actor, its entries of the (actor_id, start, end, event_id) index from the
    cursor on (salience from the index), each event reached tested with the walk's other
    conditions (none: an index-only walk), `want` of them; merged; then those events by
    primary key. A page of an actor alone costs the same for 100 events as for 100k; with a
    type or a common word, ~100/selectivity events are read, as a walk of the date index
    would, but only the actor's."""
    ae = actordates.actor_event
    order = (ae.c.start, ae.c.end.nulls_last(), ae.c.event_id)
    parts = []
    for actor_id in walk.ids:
        part = sa_select(ae.c.start, ae.c.end, ae.c.event_id).where(
            ae.c.actor_id == actor_id, ae.c.start.is_not(None)
        )
        if walk.conds:
            part = part.join_from(ae, event, event.c.id == ae.c.event_id).where(*walk.conds)
        if not filters.everything:
            part = part.where(ae.c.salient.is_(True))
        if after is not None and after[0] is not None:
            columns = (ae.c.start, ae.c.end, ae.c.event_id)
            part = part.where(
                _dated_after(after[0], after[1], after[2], nulls_first=False, columns=columns)
            )
        parts.append(part.order_by(*order).limit(want).subquery())
    if not parts:
        return []
    if len(parts) == 1:
        page = parts[0]
    else:  # an event of two of the actors once
        merged = union(*[sa_select(*part.c) for part in parts]).subquery()
        end = merged.c.end.nulls_last()
        page = (
            sa_select(*merged.c)
            .order_by(merged.c.start, end, merged.c.event_id)
            .limit(want)
            .subquery()
        )
    stmt = (
        sa_select(*EVENT_COLUMNS)
        .join_from(event, page, event.c.id == page.c.event_id)
        .order_by(page.c.start, page.c.end.nulls_last(), page.c.event_id)
    )
    return list(_core(session).execute(stmt).all())


def _conditions(
    *, session: Reader, filters: EventFilter, paged: bool = False
) -> tuple[list[ColumnElement[bool]], list[ColumnElement[bool]] | None, bool, _ActorWalk | None]:
    """The filter's conditions; the date range's per-precision branches when it has both
    bounds (they are run apart, see search_events) - None otherwise; whether one condition
    is a short id list to drive the query from (then the branches are not split); and, for
    a page (`paged`) of an actor without a date range on Postgres, the actor walk (its
    conditions are then the walk's, and the actor's is not among the returned ones).

    The salient test comes last: SQLite tests the conditions the index holds before it
    reads the row.
    """
    conds: list[ColumnElement[bool]] = []
    driven = False
    branches = None
    spans = None
    if filters.start is not None or filters.end is not None:
        spans = longest_spans(session=session)
    if filters.start is not None and filters.end is not None:
        assert spans is not None
        branches = overlap_branches(filters.start, filters.end, spans)
    elif spans is not None:
        conds.append(_overlap(filters.start, filters.end, spans))
    if filters.types:
        conds.append(event.c.type.in_(filters.types))
    text_match, by_text = _text_match(session, filters.text) if filters.text else (None, False)
    walk = None
    if filters.actor:
        ids = actor_ids(session=session, name=filters.actor)
        if not ids:
            conds.append(false())
        elif paged and not by_text and _walks_actor(session, filters):
            walk = _ActorWalk(ids, [*conds, *([text_match] if text_match is not None else [])])
        else:
            match, driven = _actor_match(session, ids, filters, spans)
            conds.append(match)
    if text_match is not None:
        conds.append(text_match)
    driven = driven or by_text
    if not filters.everything:
        conds.append(event.c.salient.is_(True))
    return conds, branches, driven, walk


# --- ordering and keyset cursors ----------------------------------------------------------------
#
# Dated events come in (start, end, id) order - the (start, end) index plus the primary key,
# so the database walks the index and stops after a page instead of sorting every match - and
# undated events follow in id order, in a second query. A NULL end (never written by ingest;
# read as end = start) sorts where the dialect's index puts it - first on SQLite, last on
# Postgres - so the ORDER BY always matches the index; the cursor predicate follows suit.

NULLS_FIRST_DIALECTS = {"sqlite", "mysql", "mariadb"}


def _dated_order(nulls_first: bool) -> tuple[Any, ...]:
    end = event.c.end
    return (event.c.start, end.nulls_first() if nulls_first else end.nulls_last(), event.c.id)


Key = tuple[date | None, date | None, int]


def encode_cursor(key: Key) -> str:
    """An opaque token holding the sort key (start, end, id) of the last row of a page."""
    start, end, ident = key
    values = [start.isoformat() if start else None, end.isoformat() if end else None, ident]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Key:
    """The sort key inside a cursor, or QueryError for anything not made by encode_cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        start, end, ident = json.loads(raw)
        # ids are 32-bit INTEGER on Postgres: a larger one would be a database error there
        if not isinstance(ident, int) or isinstance(ident, bool) or not 0 <= ident < 2**31:
            raise TypeError("id")
        if start is None and end is not None:
            raise TypeError("dates")
        return (
            date.fromisoformat(start) if start is not None else None,
            date.fromisoformat(end) if end is not None else None,
            ident,
        )
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise QueryError(
            "invalid cursor (use the next_cursor of a previous page)", param="cursor"
        ) from exc


def _dated_after(
    start: date | BindParameter[Any],
    end: date | BindParameter[Any] | None,
    ident: int | BindParameter[int],
    *,
    nulls_first: bool,
    columns: tuple[Any, Any, Any] = (event.c.start, event.c.end, event.c.id),
) -> ColumnElement[bool]:
    """Dated rows strictly after (start, end, id) in _dated_order(nulls_first): values, or
    bound parameters (_plain_statements); `columns` are the (start, end, id) compared
    (another table's copy of the key)."""
    s, e, i = columns
    null_end, has_end = e.is_(None), e.is_not(None)
    if end is None:  # the cursor row has no end
        later = has_end if nulls_first else false()
        same_start: ColumnElement[bool] = or_(later, and_(null_end, i > ident))
    else:
        later = false() if nulls_first else null_end
        same_start = or_(e > end, and_(e == end, i > ident), later)
    # `s >= start` repeats what the OR implies, as a plain range the index can seek to.
    return and_(s >= start, or_(s > start, and_(s == start, same_start)))


def _key(row: EventRow) -> Key:
    assert row.id is not None
    return (row.start, row.end, row.id)


# --- public queries -----------------------------------------------------------------------------


def search_events(
    *,
    session: Reader,
    filters: EventFilter | None = None,
    limit: int | None = 100,
    cursor: str | None = None,
    with_links: bool = False,
) -> Page:
    """One page of events matching `filters` - dated by (start, end, id), then undated by id -
    after `cursor` (None: from the top).

    `limit=None` returns everything; `next_cursor` is set only when more rows exist.
    """
    if limit is not None and not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", param="limit")
    filters = filters or EventFilter()
    after = decode_cursor(cursor) if cursor else None
    want = None if limit is None else limit + 1
    rows = _plain_rows(session, filters, after, want)
    if rows is None:
        rows = _filtered_rows(session, filters, after, want)
    more = limit is not None and len(rows) > limit
    rows = rows[:limit] if limit is not None else rows
    views = load_views(session=session, events=rows, with_links=with_links)
    return Page(views, encode_cursor(_key(rows[-1])) if more and rows else None)


def _filtered_rows(
    session: Reader, filters: EventFilter, after: Key | None, want: int | None
) -> list[Any]:
    """The rows of a page (`want` of them, None: all) after `after`, any filter."""
    conds, branches, driven, walk = _conditions(
        session=session, filters=filters, paged=want is not None
    )
    rows: list[Any] = []
    nulls_first = _core(session).dialect.name in NULLS_FIRST_DIALECTS
    if after is None or after[0] is not None:  # still in the dated part
        dated = [event.c.start.is_not(None), *conds]
        if after is not None and after[0] is not None:
            dated.append(_dated_after(after[0], after[1], after[2], nulls_first=nulls_first))
        if walk is not None and want is not None:
            rows = _actor_walk_rows(session, walk, filters, after, want)
        else:
            postgres = _core(session).dialect.name == "postgresql"
            keyed = postgres and bool(filters.text) and not driven
            rows = _dated_rows(
                session,
                dated,
                branches,
                want=want,
                nulls_first=nulls_first,
                split=not driven,
                keyed=keyed,
            )
    # then the undated ones (none overlaps a two-sided range)
    if walk is not None:  # the actor's undated events
        in_actor = actordates.actor_event.c.actor_id.in_(walk.ids)
        conds = [
            *conds,
            event.c.id.in_(sa_select(actordates.actor_event.c.event_id).where(in_actor)),
        ]
    if branches is None and (want is None or len(rows) < want):
        stmt = sa_select(*EVENT_COLUMNS).where(event.c.start.is_(None), *conds)
        if after is not None and after[0] is None:
            stmt = stmt.where(event.c.id > after[2])
        stmt = stmt.order_by(event.c.id)
        if want is not None:
            stmt = stmt.limit(want - len(rows))
        rows += _core(session).execute(stmt).all()
    return rows


# --- the common pages, from statements built once per shape ------------------------------------
#
# A page with no filter but a two-sided date range and types (the page's first load, a week,
# a next page) is most of what the API answers. Building its statement (the union of the
# precision branches, the cursor test) cost SQLAlchemy about as much CPU as SQLite's own
# work on a week of 100 events; the statement is the same for every week, so it is built
# once per shape with its values as bound parameters (the same SQL, and plans, as
# _filtered_rows gives) and only the values change.


@dataclass(frozen=True, slots=True)
class _Statements:
    dated: Any  # None: nothing dated can match (a range over a store with no dated event)
    undated: Any  # None: a two-sided range, which no undated event overlaps


def _plain_rows(
    session: Reader, filters: EventFilter, after: Key | None, want: int | None
) -> list[Any] | None:
    """The rows _filtered_rows would give, for a page without actor or words and with both
    dates or none; None for any other page."""
    if want is None or not plain_page(filters):
        return None
    conn = _core(session)
    spans = longest_spans(session=conn) if filters.start is not None else None
    stmts, params = plain_plan(conn.dialect.name, filters, after, want, spans)
    rows: list[Any] = []
    if stmts.dated is not None:
        rows = list(conn.execute(stmts.dated, params).all())
    if stmts.undated is not None and len(rows) < want:
        params["undated_want"] = want - len(rows)
        rows += conn.execute(stmts.undated, params).all()
    return rows


def plain_page(filters: EventFilter) -> bool:
    """Whether a page of `filters` runs the statements built once per shape: no actor, no
    words, both dates or none."""
    return not (filters.actor or filters.text or (filters.start is None) != (filters.end is None))


def plain_plan(
    dialect: str,
    filters: EventFilter,
    after: Key | None,
    want: int,
    spans: dict[str, int] | None,
) -> tuple[_Statements, dict[str, Any]]:
    """The cached statements of a plain page (see plain_page) and the values to bind
    (`spans`: longest_spans(), read when the page has a date range)."""
    lo, hi = filters.start, filters.end
    params: dict[str, Any] = {"want": want}
    if filters.types:
        params["types"] = list(filters.types)
    if lo is not None and hi is not None and spans is not None:
        for i, (p, days) in enumerate(sorted(spans.items())):
            last, first_end, first = _bound_values(lo, hi, _grain(p), days)
            params.update({f"last_{i}": last, f"first_end_{i}": first_end, f"first_{i}": first})
    if after is None:
        where = "top"
    else:
        params["after_id"] = after[2]
        if after[0] is None:
            where = "undated"
        else:
            params["after_start"] = after[0]
            if after[1] is not None:
                params["after_end"] = after[1]
            where = "dated" if after[1] is not None else "dated_open_end"
    precisions = tuple(sorted(spans)) if spans is not None else None
    stmts = _plain_statements(dialect, precisions, bool(filters.types), filters.everything, where)
    return stmts, params


@lru_cache(maxsize=256)
def _plain_statements(
    dialect: str,
    precisions: tuple[str, ...] | None,
    types: bool,
    everything: bool,
    where: str,
) -> _Statements:
    """The statements of a _plain_rows page: `precisions` those of the stored dated events
    (None: no date range), `types` whether a type list is bound, `where` the cursor's part
    (top, dated, dated_open_end: its row has no end, undated). The conditions come in
    _filtered_rows' order."""
    nulls_first = dialect in NULLS_FIRST_DIALECTS
    day = event.c.start.type
    conds: list[ColumnElement[bool]] = []
    if precisions is not None:
        branches = [
            and_(
                event.c.precision == p,
                _bounds_clause(
                    bindparam(f"last_{i}", type_=day),
                    bindparam(f"first_end_{i}", type_=day),
                    bindparam(f"first_{i}", type_=day),
                ),
            )
            for i, p in enumerate(precisions)
        ]
    if types:
        conds.append(event.c.type.in_(bindparam("types", expanding=True)))
    if not everything:
        conds.append(event.c.salient.is_(True))
    want = bindparam("want", type_=Integer)
    dated_stmt = None
    if where != "undated":
        dated = [event.c.start.is_not(None), *conds]
        if where != "top":
            end = bindparam("after_end", type_=day) if where == "dated" else None
            after = _dated_after(
                bindparam("after_start", type_=day),
                end,
                bindparam("after_id", type_=Integer),
                nulls_first=nulls_first,
            )
            dated.append(after)
        if precisions is None:
            order = _dated_order(nulls_first)
            dated_stmt = sa_select(*EVENT_COLUMNS).where(*dated).order_by(*order).limit(want)
        elif branches:
            dated_stmt = _branch_union(dated, branches, want, nulls_first)
    undated_stmt = None
    if precisions is None:
        undated = [event.c.start.is_(None), *conds]
        if where == "undated":
            undated.append(event.c.id > bindparam("after_id", type_=Integer))
        undated_stmt = (
            sa_select(*EVENT_COLUMNS)
            .where(*undated)
            .order_by(event.c.id)
            .limit(bindparam("undated_want", type_=Integer))
        )
    return _Statements(dated_stmt, undated_stmt)


def _dated_rows(
    session: Reader,
    conds: list[ColumnElement[bool]],
    branches: list[ColumnElement[bool]] | None,
    *,
    want: int | None,
    nulls_first: bool,
    split: bool = True,
    keyed: bool = False,
) -> list[Any]:
    """Dated rows matching `conds`, in (start, end, id) order, at most `want`.

    With date-range branches, each branch walks its own stretch of the (precision, start,
    end) index in order and stops after `want` rows; the page is the first `want` of their
    union. A week thus reads about 4 x 101 index entries, not the ~10k events (every
    year-precision event of that year among them) that overlap it. Not `split` (the query
    is driven from a short id list): one query with the branches as one OR, so the list is
    read once.

    `keyed` (Postgres, a walk testing each row by its id, such as a common word on the
    event's document): the walk selects only the sort key, which `ix_event_salient_start
    (salient, start, end, id)` holds, so it reads no table row for the rows it rejects
    (an index-only scan); the page's rows are then read by primary key.
    """
    if branches is None or want is None or not split:
        if branches is not None:
            conds = [*conds, or_(*branches) if branches else false()]
        order = _dated_order(nulls_first)
        if keyed and want is not None:
            keys = (
                sa_select(event.c.id, event.c.start, event.c.end)
                .where(*conds)
                .order_by(*order)
                .limit(want)
                .subquery()
            )
            end = keys.c.end.nulls_first() if nulls_first else keys.c.end.nulls_last()
            stmt = (
                sa_select(*EVENT_COLUMNS)
                .join_from(event, keys, event.c.id == keys.c.id)
                .order_by(keys.c.start, end, keys.c.id)
            )
            return list(_core(session).execute(stmt).all())
        stmt = sa_select(*EVENT_COLUMNS).where(*conds).order_by(*order)
        return list(_core(session).execute(stmt.limit(want) if want else stmt).all())
    if not branches:
        return []
    stmt = _branch_union(conds, branches, want, nulls_first)
    return list(_core(session).execute(stmt).all())


def _branch_union(
    conds: list[ColumnElement[bool]],
    branches: list[ColumnElement[bool]],
    want: Any,
    nulls_first: bool,
) -> Any:
    """The first `want` rows (an int or a bound parameter) of the precision branches, each
    walked apart in (start, end, id) order (see _dated_rows)."""
    parts = [
        sa_select(*EVENT_COLUMNS)
        .where(*conds, branch)
        .order_by(*_dated_order(nulls_first))
        .limit(want)
        .subquery()
        for branch in branches
    ]
    merged = union_all(*[sa_select(*part.c) for part in parts]).subquery()
    end = merged.c.end.nulls_first() if nulls_first else merged.c.end.nulls_last()
    return sa_select(*merged.c).order_by(merged.c.start, end, merged.c.id).limit(want)


def iter_events(
    *,
    session: Reader,
    filters: EventFilter | None = None,
    batch: int = MAX_LIMIT,
    with_links: bool = False,
) -> Iterator[EventView]:
    """Every matching event in order, fetched page by page so exports stay in flat memory."""
    cursor: str | None = None
    while True:
        page = search_events(
            session=session, filters=filters, limit=batch, cursor=cursor, with_links=with_links
        )
        yield from page.events
        if page.next_cursor is None:
            return
        cursor = page.next_cursor


def get_event(*, session: Reader, event_id: int) -> EventView | None:
    """One event with its sources, actors and links, or None."""
    row = _core(session).execute(sa_select(*EVENT_COLUMNS).where(event.c.id == event_id)).first()
    if row is None:
        return None
    return load_views(session=session, events=[row], with_links=True)[0]


def get_events(
    *, session: Reader, event_ids: Iterable[int], with_links: bool = True
) -> dict[int, EventView]:
    """Several events by id (unknown ids are left out), keyed by id."""
    rows: list[Any] = []
    for chunk in _chunks(list(dict.fromkeys(event_ids))):
        rows.extend(
            _core(session).execute(sa_select(*EVENT_COLUMNS).where(event.c.id.in_(chunk))).all()
        )
    return {v.id: v for v in load_views(session=session, events=rows, with_links=with_links)}


def link_pairs(*, session: Reader, event_ids: Iterable[int]) -> list[tuple[int, int]]:
    """(source, target) of every link touching one of these events: one hop of a story."""
    ids = list(event_ids)
    rows = (
        _core(session)
        .execute(
            sa_select(event_link.c.source_id, event_link.c.target_id).where(
                or_(event_link.c.source_id.in_(ids), event_link.c.target_id.in_(ids))
            )
        )
        .all()
    )
    return [(s, t) for s, t in rows]


def facets(*, session: Reader) -> dict[str, list[dict[str, Any]]]:
    """Event types and actors with their event counts: what the page's filters offer."""
    conn = _core(session)
    types = conn.execute(
        sa_select(event.c.type, func.count()).group_by(event.c.type).order_by(event.c.type)
    ).all()
    actors = conn.execute(
        sa_select(actor.c.name, actor.c.kind, func.count())
        .join(event_actor, event_actor.c.actor_id == actor.c.id)
        .group_by(actor.c.id, actor.c.name, actor.c.kind)
        .order_by(func.count().desc(), actor.c.name)
    ).all()
    return {
        "types": [{"type": t, "count": n} for t, n in types],
        "actors": [{"name": a, "kind": k, "count": n} for a, k, n in actors],
    }


def day_counts(*, session: Reader, filters: EventFilter | None = None) -> list[tuple[date, int]]:
    """(day, events) for the day-precision events matching `filters`, in date order: the
    density the page's time axis draws (one grouped query; wider precisions are left out,
    they have no day to stand on)."""
    conds, branches, _driven, _walk = _conditions(session=session, filters=filters or EventFilter())
    if branches is not None:  # one grouped query: the precision branches as one OR
        conds.append(or_(*branches) if branches else false())
    rows = (
        _core(session)
        .execute(
            sa_select(event.c.start, func.count())
            .where(event.c.start.is_not(None), event.c.precision == "day", *conds)
            .group_by(event.c.start)
            .order_by(event.c.start)
        )
        .all()
    )
    return [(day, int(n)) for day, n in rows]


# --- batch loading ---------------------------------------------------------------------------


def _core(session: Reader) -> Connection:
    """The connection reads run on (the session's own, in its transaction): reads of plain
    columns skip the ORM's result machinery (about a third of the CPU of a page)."""
    return connection_of(session)


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i : i + IN_CHUNK]


class EventRow(Protocol):
    """What load_views reads from an event: a row of EVENT_COLUMNS (or an Event model)."""

    @property
    def id(self) -> int | None: ...
    @property
    def start(self) -> date | None: ...
    @property
    def end(self) -> date | None: ...
    @property
    def precision(self) -> str: ...
    @property
    def date_inferred(self) -> bool: ...
    @property
    def type(self) -> str: ...
    @property
    def modality(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def updated_at(self) -> datetime | None: ...


# Plain columns, not ORM entities: a long export must not fill the session's identity map.
EVENT_COLUMNS = (
    event.c.id,
    event.c.start,
    event.c.end,
    event.c.precision,
    event.c.date_inferred,
    event.c.type,
    event.c.modality,
    event.c.title,
    event.c.updated_at,
)


def load_views(
    *, session: Reader, events: Sequence[EventRow], with_links: bool = False
) -> list[EventView]:
    """EventViews for `events` (same order) with sources, actors and optionally links,
    in a constant number of queries per IN_CHUNK events."""
    ids = [e.id for e in events if e.id is not None]
    sources: dict[int, list[SourceView]] = {i: [] for i in ids}
    actors: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    links: dict[int, list[LinkView]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        _load_sources(session, chunk, sources)
        _load_actors(session, chunk, actors)
        if with_links:
            _load_links(session, chunk, links)
    views = []
    for e in events:
        ident = e.id
        assert ident is not None
        end = e.end
        views.append(
            EventView(
                ident,
                e.start,
                end if end is not None else e.start,
                e.precision,
                e.date_inferred,
                e.type,
                e.modality,
                e.title,
                role_ordered(actors[ident]),
                sources[ident],
                links[ident],
                _utc(e.updated_at),
            )
        )
    return views


def _utc(value: datetime | None) -> datetime | None:
    """Stored timestamps are UTC; SQLite hands them back naive."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


# The detail queries are built once per dialect, with the ids as ONE parameter: a JSON array
# read by json_each on SQLite, an integer array (= ANY) on Postgres. Building a statement
# per chunk, and SQLAlchemy's expansion of an IN list into one parameter per id, cost more
# CPU than SQLite's own work on a page of 100.


def _ids_param(dialect: str) -> Any:
    """What `_in_ids` compares against: the ids parameter as this dialect reads it."""
    if dialect == "postgresql":
        return func.any(bindparam("ids", type_=ARRAY(Integer)))
    return sa_select(literal_column("value")).select_from(func.json_each(bindparam("ids")))


def _in_ids(column: Any, dialect: str) -> ColumnElement[bool]:
    if dialect == "postgresql":
        return cast(ColumnElement[bool], column == _ids_param(dialect))
    return cast(ColumnElement[bool], column.in_(_ids_param(dialect)))


def _in_id_list(column: Any, ids: Sequence[int], dialect: str) -> ColumnElement[bool]:
    """`column` is one of these ids, the list bound as one parameter (see _ids_param)."""
    if dialect == "postgresql":
        array = bindparam(None, list(ids), type_=ARRAY(Integer))
        return cast(ColumnElement[bool], column == func.any(array))
    values: Any = sa_select(literal_column("value")).select_from(
        func.json_each(bindparam(None, json.dumps(list(ids))))
    )
    return cast(ColumnElement[bool], column.in_(values))


def _ids_value(ids: Sequence[int], dialect: str) -> Any:
    return list(ids) if dialect == "postgresql" else json.dumps(list(ids))


@dataclass(frozen=True, slots=True)
class _Details:
    """The detail statements for one dialect."""

    sources: Any
    actors: Any
    links: Any
    titles: Any


@cache
def _details(dialect: str) -> _Details:
    """Built once per dialect."""
    sources = (
        sa_select(
            event_source.c.event_id,
            event_source.c.article_id,
            event_source.c.sentence_index,
            event_source.c.quote,
            event_source.c.time_text,
            event_source.c.time_value,
            event_source.c.trigger_text,
            event_source.c.trigger_start,
            event_source.c.trigger_end,
            event_source.c.agents,
            event_source.c.patients,
            event_source.c.places,
            event_source.c.headline,
            event_source.c.lead,
            event_source.c.main,
            article.c.location,
            article.c.title,
            article.c.published,
            article.c.url,
        )
        .join(article, article.c.id == event_source.c.article_id)
        .where(_in_ids(event_source.c.event_id, dialect))
        .order_by(
            article.c.published, article.c.id, event_source.c.sentence_index, event_source.c.id
        )
    )
    actors = (
        sa_select(event_actor.c.event_id, event_actor.c.role, actor.c.name)
        .join(actor, actor.c.id == event_actor.c.actor_id)
        .where(_in_ids(event_actor.c.event_id, dialect))
    )
    # Two index lookups, not an OR (SQLite scans the table for an OR of two subqueries).
    columns = (
        event_link.c.id,
        event_link.c.kind,
        event_link.c.source_id,
        event_link.c.target_id,
        event_link.c.origin,
    )
    either = union(
        sa_select(*columns).where(_in_ids(event_link.c.source_id, dialect)),
        sa_select(*columns).where(_in_ids(event_link.c.target_id, dialect)),
    ).subquery()
    links = sa_select(
        either.c.kind, either.c.source_id, either.c.target_id, either.c.origin
    ).order_by(either.c.id)
    titles = sa_select(event.c.id, event.c.title).where(_in_ids(event.c.id, dialect))
    return _Details(sources, actors, links, titles)


def _run(session: Reader, kind: str, ids: Sequence[int]) -> list[Any]:
    """Rows of detail statement `kind` for these ids."""
    conn = _core(session)
    dialect = conn.dialect.name
    stmt = getattr(_details(dialect), kind)
    return list(conn.execute(stmt, {"ids": _ids_value(ids, dialect)}).all())


def _load_sources(session: Reader, chunk: Sequence[int], out: dict[int, list[SourceView]]) -> None:
    for row in _run(session, "sources", chunk):
        (event_id, article_id, index, quote, time_text, time_value, trigger_text,
         trigger_start, trigger_end, agents, patients, places, headline, lead, main,
         location, title, day, url) = row  # fmt: skip
        out[event_id].append(
            SourceView(
                location,
                article_id,
                title,
                url,
                day,
                index,
                quote,
                time_text,
                time_value,
                trigger_text,
                trigger_start,
                trigger_end,
                tuple(agents) if agents else (),
                tuple(patients) if patients else (),
                tuple(places) if places else (),
                headline,
                lead,
                main,
            )
        )


def role_ordered(names: list[tuple[int, str]]) -> list[str]:
    """An event's actor names, (role order, name) pairs as `actor_pairs` adds them: agents
    first, then targets, participants, others; by name within a role."""
    if len(names) > 1:
        names.sort()
    return [name for _, name in names]


def actor_pairs(rows: Iterable[Sequence[Any]], out: dict[int, list[tuple[int, str]]]) -> None:
    """Rows of the actors statement, (event_id, role, name), as (role order, name) per event."""
    order = ROLE_ORDER.get
    for event_id, role, name in rows:
        out[event_id].append((order(role, 9), name))


def far_ends(rows: Sequence[Sequence[Any]]) -> list[int]:
    """The events at either end of these rows of the links statement: whose titles to read."""
    return sorted({r[1] for r in rows} | {r[2] for r in rows})


def link_ends(
    rows: Iterable[Sequence[Any]], titles: dict[int, str], wanted: set[int]
) -> Iterator[tuple[int, LinkFields]]:
    """Each end of each link (rows of the links statement: kind, source_id, target_id,
    origin) that is one of the `wanted` events, with the far end's title ("" if gone)."""
    for kind, source_id, target_id, origin in rows:
        if source_id in wanted:
            title = titles.get(target_id, "")
            yield source_id, (kind, source_id, target_id, target_id, title, origin)
        if target_id in wanted:
            title = titles.get(source_id, "")
            yield target_id, (kind, source_id, target_id, source_id, title, origin)


def _load_actors(
    session: Reader, chunk: Sequence[int], out: dict[int, list[tuple[int, str]]]
) -> None:
    actor_pairs(_run(session, "actors", chunk), out)


def _load_links(session: Reader, chunk: Sequence[int], out: dict[int, list[LinkView]]) -> None:
    rows = _run(session, "links", chunk)
    titles: dict[int, str] = {}
    for part in _chunks(far_ends(rows)):
        titles.update((i, t) for i, t in _run(session, "titles", part))
    for ident, fields in link_ends(rows, titles, set(chunk)):
        out[ident].append(LinkView(*fields))
