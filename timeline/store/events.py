"""Events, their sources and links: what ingest writes and merges against.

Each function takes the session keyword-only; the caller owns the transaction (one per
article), so a failure rolls back that article alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, text
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from timeline.store.models import Event, EventLink, EventSource
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
        for row in session.execute(query):
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
    session.add(event)
    session.flush()


def add_source(*, session: Session, source: EventSource) -> None:
    session.add(source)


def add_link(*, session: Session, source_id: int, target_id: int, kind: str) -> None:
    """Link two events once (`source` <kind> `target`); self-links are ignored."""
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
        session.add(EventLink(source_id=source_id, target_id=target_id, kind=kind))
