"""Events, their sources and links: what ingest writes and merges against.

Each function takes the session keyword-only; the caller owns the transaction (one per
article), so a failure rolls back that article alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, delete, or_, text, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from timeline.store.engine import connection_of
from timeline.store.models import (
    Event,
    EventActor,
    EventKey,
    EventLink,
    EventSource,
    EventTombstone,
    utcnow,
)
from timeline.store.spans import longest_spans

MERGE_LOCK = 727002  # Postgres advisory lock id: one merging transaction at a time


def lock_for_merge(*, session: Session) -> None:
    """Serialise merges across processes on Postgres (SQLite already has one writer).

    Two workers ingesting two reports of one happening at the same moment would otherwise
    each see no match and create two events.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MERGE_LOCK})


@dataclass(frozen=True, slots=True)
class NearbyEvent:
    """What the merger reads of a stored candidate event (a plain row, not an ORM object)."""

    id: int
    type: str
    start: date | None
    end: date | None
    date_inferred: bool


@dataclass(frozen=True, slots=True)
class StoredSource:
    """One stored source with the fields the merger and refresh_event read (a plain row)."""

    event_id: int
    article_id: int
    sentence_index: int
    quote: str
    start: date | None
    end: date | None
    precision: str
    date_inferred: bool
    type: str
    modality: str
    title: str
    agents: list[str]
    actors: list[str]
    time_text: str | None
    trigger_lemma: str | None
    main: bool
    headline: bool
    lead: bool
    id: int
    coref: dict[str, Any] | None  # the mention view (ingest.coref.MentionView as JSON)


_SOURCE_COLUMNS = [col(getattr(EventSource, f)) for f in StoredSource.__dataclass_fields__]
_SPANS_KEY = "eventline.longest_span"  # session.info cache, widened by save_event


def events_overlapping(
    *,
    session: Session,
    start: date | None,
    end: date | None,
    types: Collection[str] | None = None,
) -> list[NearbyEvent]:
    """Events whose span overlaps [start, end] (undated events when start is None), of the
    given types when `types` is set: the merger's candidates, narrowed in SQL.

    The range on `start` is closed on both sides by the longest stored span, so the
    lookup reads the events near [start, end], not every event before `end`.
    """
    query = sa_select(
        col(Event.id), col(Event.type), col(Event.start), col(Event.end), col(Event.date_inferred)
    )
    if start is None or end is None:
        query = query.where(col(Event.start).is_(None))
    else:
        widest = _widest_span(session)
        earliest = start - timedelta(days=widest) if start.toordinal() > widest else date.min
        query = query.where(
            and_(col(Event.start) <= end, col(Event.start) >= earliest, col(Event.end) >= start)
        )
    if types is not None:
        query = query.where(col(Event.type).in_(list(types)))
    return [NearbyEvent(*row) for row in session.execute(query)]


def _widest_span(session: Session) -> int:
    """The longest span of any event, read once per transaction (save_event keeps it)."""
    if _SPANS_KEY not in session.info:
        session.info[_SPANS_KEY] = max(longest_spans(session=session).values(), default=0)
    return int(session.info[_SPANS_KEY])


def sources_of(*, session: Session, event_ids: Iterable[int]) -> dict[int, list[StoredSource]]:
    """Sources of several events in one query, keyed by event id."""
    ids = list(event_ids)
    out: dict[int, list[StoredSource]] = {i: [] for i in ids}
    if ids:
        query = sa_select(*_SOURCE_COLUMNS).where(col(EventSource.event_id).in_(ids))
        for row in connection_of(session).execute(query):  # Core rows: no ORM row processing
            source = StoredSource(*row)
            out[source.event_id].append(source)
    return out


def get_event(*, session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def create_event(*, session: Session, title: str, type: str, modality: str) -> Event:
    """A new event row (with its id); its other fields follow from its sources."""
    event = Event(title=title, type=type, modality=modality)
    session.add(event)
    session.flush()
    return event


def save_event(*, session: Session, event: Event) -> None:
    """Write the event's changed fields now (later queries in the transaction see them)."""
    if _SPANS_KEY in session.info and event.start is not None:  # what the trigger does too
        days = ((event.end or event.start) - event.start).days
        session.info[_SPANS_KEY] = max(int(session.info[_SPANS_KEY]), days)
    event.updated_at = utcnow()
    session.add(event)
    session.flush()


def touch_events(*, session: Session, event_ids: Iterable[int]) -> None:
    """Mark events as changed now: a new source, actor or link changes what clients see."""
    ids = sorted(set(event_ids))
    if ids:
        session.execute(
            update(Event).where(col(Event.id).in_(ids)).values(updated_at=utcnow()),
            execution_options={"synchronize_session": False},
        )


def add_source(*, session: Session, source: EventSource) -> None:
    session.add(source)
    touch_events(session=session, event_ids=[source.event_id])


def add_link(
    *, session: Session, source_id: int, target_id: int, kind: str, origin: str = "text"
) -> None:
    """Link two events once (`source` <kind> `target`); self-links are ignored. `origin` is
    "text" for a connective, "story" for a link the story model inferred."""
    if source_id == target_id:
        return
    exists = session.exec(
        select(EventLink).where(
            col(EventLink.source_id) == source_id,
            col(EventLink.target_id) == target_id,
            col(EventLink.kind) == kind,
        )
    ).first()
    if exists is None:
        session.add(EventLink(source_id=source_id, target_id=target_id, kind=kind, origin=origin))
        touch_events(session=session, event_ids=[source_id, target_id])


def merge_events(*, session: Session, merged_id: int, into_id: int) -> None:
    """ "Event `merged_id` is event `into_id`": move its sources, actors and links to `into_id`,
    delete it, and leave a tombstone so a client syncing with `updated_since` drops its copy.

    Every piece of merge code that folds one stored event into another calls this (it is the
    only place an event is deleted). The caller then re-derives `into_id`'s date, type and
    title from its sources and saves it (that rule is ingest's, not the store's).
    """
    if merged_id == into_id:
        return
    kept = {
        (s.article_id, s.sentence_index)
        for s in session.exec(select(EventSource).where(col(EventSource.event_id) == into_id))
    }
    for src in session.exec(select(EventSource).where(col(EventSource.event_id) == merged_id)):
        if (src.article_id, src.sentence_index) in kept:
            session.delete(src)  # the same sentence already reports the surviving event
        else:
            src.event_id = into_id
            session.add(src)
    has = set(session.exec(select(EventActor.actor_id).where(col(EventActor.event_id) == into_id)))
    for row in session.exec(select(EventActor).where(col(EventActor.event_id) == merged_id)):
        if row.actor_id not in has:
            session.add(EventActor(event_id=into_id, actor_id=row.actor_id, role=row.role))
        session.delete(row)
    session.flush()
    links = session.exec(
        select(EventLink).where(
            or_(col(EventLink.source_id) == merged_id, col(EventLink.target_id) == merged_id)
        )
    ).all()
    moved = {(link.source_id, link.target_id, link.kind, link.origin) for link in links}
    for link in links:
        session.delete(link)
    session.flush()
    far_ends = set()
    for source_id, target_id, kind, origin in sorted(moved, key=lambda m: (m[3] != "text", m)):
        source_id = into_id if source_id == merged_id else source_id
        target_id = into_id if target_id == merged_id else target_id
        add_link(
            session=session, source_id=source_id, target_id=target_id, kind=kind, origin=origin
        )
        far_ends |= {source_id, target_id}
    session.flush()
    session.execute(delete(EventKey).where(col(EventKey.event_id) == merged_id))
    session.execute(delete(Event).where(col(Event.id) == merged_id))
    session.add(EventTombstone(event_id=merged_id, merged_into=into_id))
    touch_events(session=session, event_ids=far_ends | {into_id})


# The coreference block. An event's keys carry its date span, so a dated look-up is bounded on
# both sides of the (key, start) index: start in [lo - longest stored span, hi].


_BY_KEY = sa_select(col(EventKey.event_id)).where(col(EventKey.key) == bindparam("key"))
_NEWEST = (col(EventKey.event_id).desc(),)
# Built once and run on the connection (Core): a mention asks several keys per article, and
# the ORM's statement path cost six times the query itself on SQLite.
_BY_KEY_ANY = _BY_KEY.order_by(*_NEWEST).limit(bindparam("limit"))
_BY_KEY_IN = (
    _BY_KEY.where(
        or_(
            col(EventKey.start).is_(None),
            and_(
                col(EventKey.start) >= bindparam("earliest"),
                col(EventKey.start) <= bindparam("hi"),
                col(EventKey.end) >= bindparam("lo"),
            ),
        )
    )
    .order_by(*_NEWEST)
    .limit(bindparam("limit"))
)


def events_by_key(
    *, session: Session, key: str, window: tuple[date, date] | None, limit: int
) -> list[int]:
    """Ids of the (at most `limit`, newest first) events indexed under `key` whose span meets
    `window`, or that are undated; every such event when `window` is None (an undated mention
    is not narrowed by dates)."""
    if window is None:
        rows = connection_of(session).execute(_BY_KEY_ANY, {"key": key, "limit": limit})
        return [r[0] for r in rows]
    lo, hi = window
    widest = _widest_span(session)
    earliest = lo - timedelta(days=widest) if lo.toordinal() > widest else date.min
    params = {"key": key, "earliest": earliest, "hi": hi, "lo": lo, "limit": limit}
    return [r[0] for r in connection_of(session).execute(_BY_KEY_IN, params)]


def event_spans_after(
    *, session: Session, after_id: int, limit: int
) -> list[tuple[int, date | None, date | None]]:
    """(id, start, end) of the next `limit` events by id after `after_id`: a keyset walk over
    every event (a whole-store pass such as re-keying reads a page at a time)."""
    query = (
        sa_select(col(Event.id), col(Event.start), col(Event.end))
        .where(col(Event.id) > after_id)
        .order_by(col(Event.id))
        .limit(limit)
    )
    rows = connection_of(session).execute(query)
    return [(int(r[0] or 0), r[1], r[2]) for r in rows]  # ids are never NULL (primary key)


def set_event_keys(
    *, session: Session, event_id: int, keys: Iterable[str], start: date | None, end: date | None
) -> None:
    """Make the event's block keys exactly `keys`, with the event's current span."""
    session.execute(delete(EventKey).where(col(EventKey.event_id) == event_id))
    for key in sorted(set(keys)):
        session.add(EventKey(event_id=event_id, key=key, start=start, end=end))
    session.flush()


def move_sources(*, session: Session, source_ids: Collection[int], event_id: int) -> None:
    """Re-attach sources to another event (a merge, or a split undoing one)."""
    if source_ids:
        session.execute(
            update(EventSource)
            .where(col(EventSource.id).in_(list(source_ids)))
            .values(event_id=event_id)
        )
        session.flush()
        for src in session.identity_map.values():
            if isinstance(src, EventSource) and src.id in source_ids:
                session.expire(src, ["event_id"])
        touch_events(session=session, event_ids=[event_id])
    session.flush()
