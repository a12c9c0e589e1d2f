"""Actors, their aliases, and who took part in which event."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlmodel import Session, col, select

from timeline.store.events import touch_events
from timeline.store.models import Actor, ActorAlias, EventActor


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
    """Make the event's actor rows exactly `actors` (actor, role); a change marks the event
    as updated (incremental sync)."""
    existing = {
        ea.actor_id: ea
        for ea in session.exec(select(EventActor).where(col(EventActor.event_id) == event_id))
    }
    wanted = {a.id: role for a, role in actors if a.id is not None}
    changed = False
    for actor_id, row in existing.items():
        if actor_id not in wanted:
            session.delete(row)
            changed = True
        elif row.role != wanted[actor_id]:
            row.role = wanted[actor_id]
            session.add(row)
            changed = True
    for actor_id, role in wanted.items():
        if actor_id not in existing:
            session.add(EventActor(event_id=event_id, actor_id=actor_id, role=role))
            changed = True
    if changed:
        touch_events(session=session, event_ids=[event_id])


def add_event_actors(
    *, session: Session, event_id: int, actors: Sequence[tuple[Actor, str]]
) -> None:
    """Add the (actor, role) rows the event lacks; an actor it has keeps its role, except that
    "agent" wins over "participant"."""
    existing = {
        ea.actor_id: ea
        for ea in session.exec(select(EventActor).where(col(EventActor.event_id) == event_id))
    }
    changed = False
    for actor, role in actors:
        if actor.id is None:
            continue
        row = existing.get(actor.id)
        if row is None:
            row = EventActor(event_id=event_id, actor_id=actor.id, role=role)
            existing[actor.id] = row
            session.add(row)
            changed = True
        elif role == "agent" and row.role != "agent":
            row.role = "agent"
            session.add(row)
            changed = True
    if changed:
        touch_events(session=session, event_ids=[event_id])
