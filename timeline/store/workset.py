"""One article's merge against the store: read in a few queries, decided in memory, written
in bulk.

The merger asks, mention by mention, which stored events are near, what their sources say,
and then creates events, adds sources, re-derives fields and actor rows. Asked of the
database that was a query round per mention and per write (an article has about 30
mentions), most of ingest's CPU. A `WorkSet` loads up front every stored event one of the
article's mentions can meet (`load_nearby`, `load_clause_pools`, `load_events`), answers
from memory with the article's own changes applied in order, and writes them in `flush()`:
new events inserted with their final fields, one UPDATE per changed event, sources, keys,
actor rows and links in executemany batches, one touch. The answers are those the
per-mention queries gave at that point of the merge, so the merge decisions do not change.

New events get provisional ids above every stored id, in creation order (so "the oldest" and
id tie-breaks decide as before) and their real ids, in the same order, at `flush`;
`real(id)` maps one. Ingest never writes SQL: every statement is here or in the modules
this one calls.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, delete, exists, insert, or_, update
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from timeline.store import actors as actor_rows
from timeline.store import events as event_rows
from timeline.store.actors import inspect_table
from timeline.store.engine import connection_of
from timeline.store.events import _SOURCE_COLUMNS, StoredSource, _widest_span
from timeline.store.idlists import ids_value, in_ids
from timeline.store.models import Event, EventKey, EventLink, EventSource, utcnow

PROVISIONAL = 1 << 60  # new events' ids until flush: above any stored id, in creation order
IN_CHUNK = 500

Describe = Callable[[str], tuple[str, Sequence[str]]]  # actor name -> (kind, aliases)


@dataclass(slots=True)
class EventState:
    """An event's own fields as the merge sees them (a stored row or a new event)."""

    id: int
    title: str
    type: str
    modality: str
    start: date | None = None
    end: date | None = None
    precision: str = "unknown"
    date_inferred: bool = False
    salient: bool = True
    main: bool = True


_EVENT = inspect_table(Event)
_EVENT_FIELDS = [f.name for f in fields(EventState)]
_EVENT_COLUMNS = [col(getattr(Event, name)) for name in _EVENT_FIELDS]
_SOURCE_FIELDS = list(StoredSource.__dataclass_fields__)


def _values(event: EventState) -> dict[str, Any]:
    return {name: getattr(event, name) for name in _EVENT_FIELDS if name != "id"}


def _chunks(ids: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i : i + IN_CHUNK]


def _is_pool(sources: Sequence[StoredSource]) -> bool:
    """Clause-level sources only (no main happening, no date in its own words)."""
    return all(not s.main and s.time_text is None for s in sources)


@dataclass
class ActorCache:
    """Actor name -> id of the actors (with their aliases) ensured by this run: later
    articles naming them cost no query. What an article's transaction ensured is `pending`
    until the caller says it committed (`commit`) or rolled back (`discard`)."""

    ids: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)

    def get(self, name: str) -> int | None:
        found = self.ids.get(name)
        return found if found is not None else self.pending.get(name)

    def commit(self) -> None:
        self.ids.update(self.pending)
        self.pending.clear()

    def discard(self) -> None:
        self.pending.clear()


@dataclass
class _Intent:
    kind: str  # "set": the rows become exactly these; "add": add the missing ones
    event_id: int
    names: list[tuple[str, str]]  # (name, role), in the order they are first needed


class WorkSet:
    """The stored events one article's merge may read or change, and its pending writes."""

    def __init__(self, session: Session, *, actors: ActorCache | None = None) -> None:
        self.session = session
        self.actor_cache = actors if actors is not None else ActorCache()
        self.events: dict[int, EventState] = {}
        self._original: dict[int, dict[str, Any]] = {}  # stored values of loaded events
        self._sources: dict[int, list[StoredSource]] = {}  # events whose sources are all known
        self._pool_lemmas: dict[int, set[str | None]] = {}  # stored clause pools: lemmas seen
        self._main: set[int] = set()  # stored events that are not clause pools (all sources)
        self._new: set[int] = set()  # events created by this merge (all sources)
        self._here: dict[int, set[tuple[int, int]]] = {}  # (article, sentence) added here
        self._created: list[int] = []  # provisional ids not yet inserted
        self._dirty: set[int] = set()
        self._touched: set[int] = set()
        self._new_sources: list[dict[str, Any]] = []
        self._moves: list[tuple[list[int], int]] = []
        self._keys: dict[int, tuple[frozenset[str], date | None, date | None]] = {}
        self._intents: list[_Intent] = []
        self._relink: set[int] = set()  # events whose sources changed: text links re-derived
        self._real: dict[int, int] = {}
        self._next = PROVISIONAL

    # -- ids -----------------------------------------------------------------------------

    def _run(self, statement: Any, params: Any = None) -> Any:
        """A statement on the session's connection (Core rows, no ORM loading), after what
        the session holds is flushed."""
        return connection_of(self.session).execute(statement, params)

    def real(self, event_id: int) -> int:
        """The stored id of an event (a provisional id once flushed, else unchanged)."""
        return self._real.get(event_id, event_id)

    # -- loading -------------------------------------------------------------------------

    def load_nearby(self, windows: Collection[tuple[date, date]], lemmas: Collection[str]) -> None:
        """Every stored event that is not a clause pool and overlaps one of `windows`, or is
        undated with a source of one of `lemmas`; with all their sources. After this,
        `nearby` answers what `events.events_overlapping` would (clause pools left out) for
        windows inside these, and `with_lemma` gives the events on a day (undated ones for
        None) with a source of that trigger lemma."""
        not_pool = exists().where(
            col(EventSource.event_id) == col(Event.id),
            or_(col(EventSource.main).is_(True), col(EventSource.time_text).is_not(None)),
        )
        found: list[EventState] = []
        if windows:  # bounded on both sides of the start index, per merged window
            widest = _widest_span(self.session)
            clauses = []
            for lo, hi in _merged(windows):
                earliest = lo - timedelta(days=widest) if lo.toordinal() > widest else date.min
                clauses.append(
                    and_(col(Event.start) <= hi, col(Event.start) >= earliest, col(Event.end) >= lo)
                )
            query = sa_select(*_EVENT_COLUMNS).where(or_(*clauses), not_pool)
            found += [EventState(*row) for row in self._run(query)]
        if lemmas:  # driven from the lemma index, not by walking every undated event
            with_lemma = (
                sa_select(col(EventSource.event_id))
                .where(col(EventSource.trigger_lemma).in_(sorted(lemmas)))
                .distinct()
                .subquery()
            )
            query = (
                sa_select(*_EVENT_COLUMNS)
                .join(with_lemma, with_lemma.c.event_id == col(Event.id))
                .where(col(Event.start).is_(None), not_pool)
            )
            found += [EventState(*row) for row in self._run(query)]
        fresh = [e for e in {e.id: e for e in found}.values() if e.id not in self.events]
        for event in fresh:
            self._remember(event)
            self._sources[event.id] = []
            self._main.add(event.id)
        ids = [e.id for e in fresh]
        dialect = connection_of(self.session).dialect.name
        query = _sources_of_events(dialect)
        for chunk in _chunks(ids):
            for row in self._run(query, {"ids": ids_value(chunk, dialect)}):
                source = StoredSource(*row)
                self._sources[source.event_id].append(source)

    def load_clause_pools(self, keys: Collection[tuple[str, str, date, date | None]]) -> None:
        """The stored clause pools (events of clause-level sources only) that a dated
        clause-level mention keyed (trigger lemma, type, start, end) may join."""
        if not keys:
            return
        lemmas = sorted({k[0] for k in keys})
        types = sorted({k[1] for k in keys})
        starts = sorted({k[2] for k in keys})
        other = aliased(EventSource)
        other_pool = exists().where(
            col(other.event_id) == col(Event.id),
            or_(col(other.main).is_(True), col(other.time_text).is_not(None)),
        )
        query = (
            sa_select(*_EVENT_COLUMNS, col(EventSource.trigger_lemma))
            .join(EventSource, col(EventSource.event_id) == col(Event.id))
            .where(
                col(Event.start).in_(starts),
                col(Event.type).in_(types),
                col(EventSource.trigger_lemma).in_(lemmas),
                ~other_pool,
            )
            .distinct()
        )
        for row in self._run(query):
            event, lemma = EventState(*row[:-1]), row[-1]
            if event.id not in self.events:
                self._remember(event)
            self._pool_lemmas.setdefault(event.id, set()).add(lemma)

    def load_events(self, ids: Iterable[int]) -> None:
        """These stored events' own fields (not their sources)."""
        wanted = sorted(set(ids) - set(self.events))
        for chunk in _chunks(wanted):
            query = sa_select(*_EVENT_COLUMNS).where(col(Event.id).in_(chunk))
            for row in self._run(query):
                self._remember(EventState(*row))

    def _remember(self, event: EventState) -> None:
        self.events[event.id] = event
        self._original[event.id] = _values(event)

    # -- questions -----------------------------------------------------------------------

    def event(self, event_id: int) -> EventState:
        return self.events[self.real(event_id)]

    def sources(self, event_id: int) -> list[StoredSource]:
        """All sources of an event loaded by `load_nearby` or created here."""
        return self._sources[self.real(event_id)]

    def nearby(self, lo: date, hi: date, types: Collection[str] | None) -> list[EventState]:
        """Events (not clause pools) overlapping [lo, hi], of `types` when given."""
        return [
            e
            for i in self._candidates()
            if (e := self.events[i]).start is not None
            and e.end is not None
            and e.start <= hi
            and e.end >= lo
            and (types is None or e.type in types)
            and not _is_pool(self._sources[i])
        ]

    def with_lemma(self, lemma: str, types: Collection[str] | None) -> list[EventState]:
        """Undated events (not clause pools) one of whose sources has this trigger lemma."""
        return [
            e
            for i in self._candidates()
            if (e := self.events[i]).start is None
            and (types is None or e.type in types)
            and any(s.trigger_lemma == lemma for s in self._sources[i])
            and not _is_pool(self._sources[i])
        ]

    def _candidates(self) -> list[int]:
        return [*self._main, *self._new]

    def clause_event(
        self,
        *,
        lemma: str,
        type: str,
        start: date | None,
        end: date | None,
        article_id: int,
        sentence_index: int,
    ) -> tuple[EventState | None, bool]:
        """The oldest clause pool (an event of clause-level mentions only, no main or
        self-dated source) keyed (lemma, type, start, end), and whether it already has a
        source in this sentence. An undated mention pools only with a source of its own
        article: with no date, lemma and type alone say nothing of which happening, and every
        "attack" of every story would pool."""
        best: EventState | None = None
        for i in [*self._pool_lemmas, *self._new]:
            e = self.events[i]
            if e.start != start or e.end != end or e.type != type:
                continue
            if best is not None and i > best.id:
                continue
            if i in self._new:
                sources = self._sources[i]
                if not sources or not _is_pool(sources):
                    continue
                if start is None:
                    hit = any(
                        s.trigger_lemma == lemma and s.article_id == article_id for s in sources
                    )
                else:
                    hit = any(s.trigger_lemma == lemma for s in sources)
            else:
                hit = start is not None and lemma in self._pool_lemmas[i]
            if hit:
                best = e
        if best is None:
            return None, False
        return best, (article_id, sentence_index) in self._here.get(best.id, set())

    # -- changes -------------------------------------------------------------------------

    def create_event(self, *, title: str, type: str, modality: str) -> EventState:
        event = EventState(id=self._next, title=title, type=type, modality=modality)
        self._next += 1
        self.events[event.id] = event
        self._sources[event.id] = []
        self._created.append(event.id)
        self._new.add(event.id)
        return event

    def add_source(self, row: dict[str, Any]) -> StoredSource:
        """Add a source (the column values of an EventSource, `event_id` possibly provisional)."""
        event_id = self.real(row["event_id"])
        row = {**row, "event_id": event_id}
        values: dict[str, Any] = {k: row.get(k) for k in _SOURCE_FIELDS}
        source = StoredSource(**{**values, "id": 0})  # its id is not known (nor needed)
        if event_id in self._sources:
            self._sources[event_id].append(source)
        elif event_id in self._pool_lemmas:
            self._pool_lemmas[event_id].add(source.trigger_lemma)
        self._here.setdefault(event_id, set()).add((source.article_id, source.sentence_index))
        self._new_sources.append(row)
        self._touched.add(event_id)
        self._relink.add(event_id)
        return source

    def set_links(self, article_id: int, links: dict[int, list[list[Any]]]) -> None:
        """The text links the article's new sources originate, by their trigger_start:
        [target trigger_start, kind] pairs (stored in `EventSource.links`; see `_relink_text`)."""
        for row in self._new_sources:
            if row["article_id"] == article_id:
                row["links"] = links.get(row["trigger_start"]) or None

    def save(self, event: EventState) -> None:
        """The event's fields changed (written, with updated_at, at flush)."""
        self._dirty.add(event.id)

    def move_sources(self, source_ids: Collection[int], event_id: int) -> None:
        if source_ids:
            self._moves.append((sorted(source_ids), event_id))
            self._touched.add(event_id)
            self._relink.add(event_id)  # and the events they leave (read at flush)

    def set_keys(self, event_id: int, keys: Iterable[str]) -> None:
        """The event's block keys become exactly `keys`, with its current span."""
        event = self.event(event_id)
        self._keys[event.id] = (frozenset(keys), event.start, event.end)

    def set_actors(self, event_id: int, rows: Sequence[tuple[str, str]]) -> None:
        """The event's actor rows become exactly these (name, role)."""
        self._intents.append(_Intent("set", self.real(event_id), list(rows)))

    def add_actors(self, event_id: int, rows: Sequence[tuple[str, str]]) -> None:
        """Add the (name, role) rows the event lacks; "agent" wins over "participant"."""
        self._intents.append(_Intent("add", self.real(event_id), list(rows)))

    def merge_events(self, *, merged_id: int, into_id: int, describe: Describe) -> None:
        """`events.merge_events` on the store as the merge left it (pending writes first)."""
        self.flush(describe)
        event_rows.merge_events(
            session=self.session, merged_id=self.real(merged_id), into_id=self.real(into_id)
        )
        gone = self.real(merged_id)
        self._relink.add(self.real(into_id))  # any source the merge moved
        self.events.pop(gone, None)
        self._main.discard(gone)
        self._new.discard(gone)

    # -- writing -------------------------------------------------------------------------

    def flush(self, describe: Describe) -> None:
        """Write every pending change; `describe` gives a new actor's kind and aliases."""
        now = utcnow()
        stamped: set[int] = set()
        if self._created:
            rows = [
                {**_values(self.events[i]), "created_at": now, "updated_at": now}
                for i in self._created
            ]
            ids = [
                r[0]
                for r in self._run(
                    insert(Event).returning(col(Event.id), sort_by_parameter_order=True), rows
                )
            ]
            for provisional, real in zip(self._created, ids, strict=True):
                self._rename(provisional, real)
                stamped.add(real)
            self._created = []
        changes: list[dict[str, Any]] = []
        for event_id in sorted(self._dirty | self._touched):
            event_id = self.real(event_id)
            if event_id in stamped or event_id not in self.events:
                continue
            now_values = _values(self.events[event_id])
            before = self._original[event_id]
            changed = {k: v for k, v in now_values.items() if before[k] != v}
            changes.append({"id": event_id, **changed, "updated_at": now})
            self._original[event_id] = now_values
            stamped.add(event_id)
        for group in _same_keys(changes):
            names = [k for k in group[0] if k != "id"]
            self._run(
                update(_EVENT)
                .where(_EVENT.c.id == bindparam("b_id"))
                .values({k: bindparam(f"b_{k}") for k in names}),
                [{f"b_{k}": v for k, v in row.items()} for row in group],
            )
        self._widen_spans(stamped)
        for source_ids, event_id in self._moves:
            for chunk in _chunks(source_ids):
                query = sa_select(col(EventSource.event_id)).where(
                    col(EventSource.id).in_(list(chunk))
                )
                self._relink.update(r[0] for r in self._run(query))
                self._run(
                    update(EventSource)
                    .where(col(EventSource.id).in_(list(chunk)))
                    .values(event_id=self.real(event_id))
                )
        self._moves = []
        if self._new_sources:
            rows = [{**r, "event_id": self.real(r["event_id"])} for r in self._new_sources]
            self._run(insert(EventSource), rows)
            self._new_sources = []
        if self._keys:
            self._keys = {self.real(i): spec for i, spec in self._keys.items()}
            ids = sorted(self._keys)
            for chunk in _chunks(ids):
                self._run(delete(EventKey).where(col(EventKey.event_id).in_(list(chunk))))
            key_rows = [
                {"event_id": i, "key": k, "start": s, "end": e}
                for i in ids
                for keys, s, e in [self._keys[i]]
                for k in sorted(keys)
            ]
            if key_rows:
                self._run(insert(EventKey), key_rows)
            self._keys = {}
        touched = self._flush_actors(describe) | self._relink_text()
        late = sorted({self.real(i) for i in touched | self._touched | self._dirty} - stamped)
        for chunk in _chunks(late):
            self._run(update(Event).where(col(Event.id).in_(list(chunk))).values(updated_at=now))
        self._dirty, self._touched = set(), set()

    def _rename(self, provisional: int, real: int) -> None:
        self._real[provisional] = real
        event = self.events.pop(provisional)
        event.id = real
        self.events[real] = event
        self._original[real] = _values(event)
        self._new.discard(provisional)
        self._new.add(real)
        if provisional in self._here:
            self._here[real] = self._here.pop(provisional)
        sources = self._sources.pop(provisional, [])
        self._sources[real] = [replace(s, event_id=real) for s in sources]

    def _widen_spans(self, ids: Iterable[int]) -> None:
        """What save_event does for later lookups in this transaction (the table itself is
        kept by the database's triggers)."""
        key = event_rows._SPANS_KEY
        if key not in self.session.info:
            return
        for i in ids:
            e = self.events.get(i)
            if e is not None and e.start is not None:
                days = ((e.end or e.start) - e.start).days
                self.session.info[key] = max(int(self.session.info[key]), days)

    def _flush_actors(self, describe: Describe) -> set[int]:
        """Ensure the actors named (first-need order, as the per-name look-ups did), then
        apply each intent in order to the events' rows; returns the events changed."""
        intents, self._intents = self._intents, []
        if not intents:
            return set()
        order: list[str] = []
        seen: set[str] = set()
        for intent in intents:
            for name, _ in intent.names:
                if name not in seen:
                    seen.add(name)
                    order.append(name)
        ids = {n: i for n in order if (i := self.actor_cache.get(n)) is not None}
        missing = [n for n in order if n not in ids]
        if missing:
            made = actor_rows.ensure_actors(
                session=self.session, actors=[(n, *describe(n)) for n in missing]
            )
            self.actor_cache.pending.update(made)
            ids.update(made)
        for intent in intents:
            intent.event_id = self.real(intent.event_id)
        events = sorted({i.event_id for i in intents})
        current = actor_rows.roles_of(session=self.session, event_ids=events)
        before = {e: dict(rows) for e, rows in current.items()}
        changed: set[int] = set()
        for intent in intents:
            rows = current[intent.event_id]
            wanted = [(ids[n], role) for n, role in intent.names]
            if intent.kind == "set":
                exact = dict(wanted)
                if exact != rows:
                    changed.add(intent.event_id)
                current[intent.event_id] = exact
            else:
                for actor_id, role in wanted:
                    if actor_id not in rows:
                        rows[actor_id] = role
                        changed.add(intent.event_id)
                    elif role == "agent" and rows[actor_id] != "agent":
                        rows[actor_id] = "agent"
                        changed.add(intent.event_id)
        actor_rows.write_roles(session=self.session, before=before, after=current)
        return changed

    def _relink_text(self) -> set[int]:
        """Re-derive the text links touching the events whose sources changed, from the
        sources' provenance: a source A of article a listing (t, kind) links A's event to the
        event of a's source at trigger t. A link belongs to its two mentions, so it follows
        them when a later decision moves one (the links do not depend on ingest order).
        Returns the events whose links changed."""
        ids = sorted({self.real(i) for i in self._relink})
        self._relink = set()
        if not ids:
            return set()
        touching = set(ids)
        articles: set[int] = set()
        for chunk in _chunks(ids):
            query = (
                sa_select(col(EventSource.article_id))
                .where(col(EventSource.event_id).in_(list(chunk)))
                .distinct()
            )
            articles.update(r[0] for r in self._run(query))
        origins: list[tuple[int, int, list[list[Any]]]] = []  # (event, article, links)
        for chunk in _chunks(sorted(articles)):
            with_links = sa_select(
                col(EventSource.event_id), col(EventSource.article_id), col(EventSource.links)
            ).where(
                col(EventSource.article_id).in_(list(chunk)), col(EventSource.links).is_not(None)
            )
            origins += [(e, a, links) for e, a, links in self._run(with_links) if links]
        wanted = sorted({(a, int(t)) for _, a, links in origins for t, _ in links})
        at: dict[tuple[int, int], set[int]] = {}  # (article, trigger_start) -> events
        starts = sorted({t for _, t in wanted})
        for chunk in _chunks(sorted({a for a, _ in wanted})):
            targets = sa_select(
                col(EventSource.article_id),
                col(EventSource.trigger_start),
                col(EventSource.event_id),
            ).where(
                col(EventSource.article_id).in_(list(chunk)),
                col(EventSource.trigger_start).in_(starts),
            )
            for a, t, e in self._run(targets):
                at.setdefault((a, t), set()).add(e)
        derived = {
            (e, target, str(kind))
            for e, a, links in origins
            for t, kind in links
            for target in at.get((a, int(t)), ())
            if target != e and (e in touching or target in touching)
        }
        have: dict[tuple[int, int, str], tuple[int, str]] = {}  # triple -> (id, origin)
        for chunk in _chunks(ids):
            stored = sa_select(
                col(EventLink.id),
                col(EventLink.source_id),
                col(EventLink.target_id),
                col(EventLink.kind),
                col(EventLink.origin),
            ).where(
                or_(
                    col(EventLink.source_id).in_(list(chunk)),
                    col(EventLink.target_id).in_(list(chunk)),
                )
            )
            have.update({(s, t, k): (i, o) for i, s, t, k, o in self._run(stored)})
        gone = [i for triple, (i, o) in have.items() if o == "text" and triple not in derived]
        upgraded = [have[t][0] for t in derived if t in have and have[t][1] != "text"]
        new = sorted(t for t in derived if t not in have)
        for chunk in _chunks(sorted(gone)):
            self._run(delete(EventLink).where(col(EventLink.id).in_(list(chunk))))
        for chunk in _chunks(sorted(upgraded)):  # a connective says what the story guessed
            self._run(
                update(EventLink).where(col(EventLink.id).in_(list(chunk))).values(origin="text")
            )
        if new:
            self._run(
                insert(EventLink),
                [{"source_id": s, "target_id": t, "kind": k, "origin": "text"} for s, t, k in new],
            )
        changed = [t for t, (i, _) in have.items() if i in set(gone) | set(upgraded)] + new
        return {i for s, t, _ in changed for i in (s, t)}


@cache
def _sources_of_events(dialect: str) -> Any:
    """Every source of the events whose ids are bound as one parameter (idlists), in event
    then source order: built once per dialect (the nearby events of an article are hundreds,
    and expanding their ids into one parameter each cost more than the read)."""
    return (
        sa_select(*_SOURCE_COLUMNS)
        .where(in_ids(col(EventSource.event_id), dialect))
        .order_by(col(EventSource.event_id), col(EventSource.id))
    )


def _merged(windows: Collection[tuple[date, date]]) -> list[tuple[date, date]]:
    """The windows' union as disjoint sorted intervals."""
    out: list[tuple[date, date]] = []
    for lo, hi in sorted(windows):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def _same_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows grouped by the columns they set (one executemany per group)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())
