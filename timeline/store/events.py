"""Events, their sources and links: what ingest writes and merges against.

Each function takes the session keyword-only; the caller owns the transaction (one per
article), so a failure rolls back that article alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date, timedelta

from sqlalchemy import and_, text
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


def events_overlapping(
    *,
    session: Session,
    start: date | None,
    end: date | None,
    types: Collection[str] | None = None,
) -> Sequence[Event]:
    """Events whose span overlaps [start, end] (undated events when start is None), of the
    given types when `types` is set: the merger's candidates, narrowed in SQL.

    The range on `start` is closed on both sides by the longest stored span, so the
    lookup reads the events near [start, end], not every event before `end`.
    """
    query = select(Event)
    if start is None or end is None:
        query = query.where(col(Event.start).is_(None))
    else:
        widest = max(longest_spans(session=session).values(), default=0)
        earliest = start - timedelta(days=widest) if start.toordinal() > widest else date.min
        query = query.where(
            and_(col(Event.start) <= end, col(Event.start) >= earliest, col(Event.end) >= start)
        )
    if types is not None:
        query = query.where(col(Event.type).in_(list(types)))
    return session.exec(query).all()


def sources_of(*, session: Session, event_ids: Iterable[int]) -> dict[int, list[EventSource]]:
    """Sources of several events in one query, keyed by event id."""
    ids = list(event_ids)
    out: dict[int, list[EventSource]] = {i: [] for i in ids}
    if ids:
        for src in session.exec(select(EventSource).where(col(EventSource.event_id).in_(ids))):
            out[src.event_id].append(src)
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
