"""The store's write side: the only functions ingest uses to change the database.

Each takes the session keyword-only; the caller owns the transaction (one per article), so a
failure rolls back that article alone.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import date

from sqlalchemy import and_, or_, text
from sqlmodel import Session, col, select

from timeline.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventLink,
    EventSource,
    IngestRun,
)

MERGE_LOCK = 727002  # Postgres advisory lock id: one merging transaction at a time


def lock_for_merge(*, session: Session) -> None:
    """Serialise merges across processes on Postgres (SQLite already has one writer).

    Two workers ingesting two reports of one happening at the same moment would otherwise
    each see no match and create two events.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MERGE_LOCK})


def find_article(
    *, session: Session, location: str, content_hash: str, url: str | None = None
) -> Article | None:
    """The stored article with this location, this original URL or this exact text."""
    same = [col(Article.location) == location, col(Article.content_hash) == content_hash]
    if url:
        same.append(col(Article.url) == url)
    return session.exec(select(Article).where(or_(*same))).first()


def events_overlapping(
    *,
    session: Session,
    start: date | None,
    end: date | None,
    types: Collection[str] | None = None,
) -> Sequence[Event]:
    """Events whose span overlaps [start, end] (undated events when start is None), of the
    given types when `types` is set: the merger's candidates, narrowed in SQL."""
    query = select(Event)
    if start is None or end is None:
        query = query.where(col(Event.start).is_(None))
    else:
        query = query.where(and_(col(Event.start) <= end, col(Event.end) >= start))
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


def actor_names(*, session: Session, event_ids: Iterable[int]) -> dict[int, list[str]]:
    """Actor names of several events in one query, keyed by event id."""
    ids = list(event_ids)
    out: dict[int, list[str]] = {i: [] for i in ids}
    if ids:
        rows = session.exec(
            select(EventActor.event_id, Actor.name)
            .join(Actor, col(Actor.id) == col(EventActor.actor_id))
            .where(col(EventActor.event_id).in_(ids))
        )
        for event_id, name in rows:
            out[event_id].append(name)
    return out


def ensure_actor(*, session: Session, name: str, kind: str, aliases: Iterable[str] = ()) -> Actor:
    """The actor with this canonical name, created (with its aliases) on first sight."""
    actor = session.exec(select(Actor).where(col(Actor.name) == name)).first()
    if actor is None:
        actor = Actor(name=name, kind=kind)
        session.add(actor)
        session.flush()
    assert actor.id is not None
    known = set(
        session.exec(select(ActorAlias.alias).where(col(ActorAlias.actor_id) == actor.id)).all()
    )
    for alias in {name.lower(), *(a.lower() for a in aliases)} - known:
        if session.exec(select(ActorAlias).where(col(ActorAlias.alias) == alias)).first() is None:
            session.add(ActorAlias(alias=alias, actor_id=actor.id))
    return actor


def set_event_actors(
    *, session: Session, event_id: int, actors: Sequence[tuple[Actor, str]]
) -> None:
    """Make the event's actor rows exactly `actors` (actor, role)."""
    existing = {
        ea.actor_id: ea
        for ea in session.exec(select(EventActor).where(col(EventActor.event_id) == event_id))
    }
    wanted = {a.id: role for a, role in actors if a.id is not None}
    for actor_id, row in existing.items():
        if actor_id not in wanted:
            session.delete(row)
        elif row.role != wanted[actor_id]:
            row.role = wanted[actor_id]
            session.add(row)
    for actor_id, role in wanted.items():
        if actor_id not in existing:
            session.add(EventActor(event_id=event_id, actor_id=actor_id, role=role))


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


def save_run(*, session: Session, run: IngestRun) -> IngestRun:
    session.add(run)
    session.flush()
    return run
