"""Actors, their aliases, and who took part in which event."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Table, and_, bindparam, delete, insert, update
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select as sa_select
from sqlmodel import Session, SQLModel, col, select

from timeline.store.engine import connection_of
from timeline.store.events import touch_events
from timeline.store.models import Actor, ActorAlias, EventActor

IN_CHUNK = 500


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


def ensure_actors(
    *, session: Session, actors: Sequence[tuple[str, str, Sequence[str]]]
) -> dict[str, int]:
    """`ensure_actor` for several (name, kind, aliases) in a few queries, in this order (new
    actors get their ids in it; an alias goes to the first actor that claims it). Returns
    name -> actor id."""
    names = [name for name, _, _ in actors]
    ids: dict[str, int] = {}
    for chunk in _chunks(sorted(set(names))):
        query = sa_select(col(Actor.name), col(Actor.id)).where(col(Actor.name).in_(chunk))
        ids.update({name: ident for name, ident in _run(session, query)})
    new = [(name, kind) for name, kind, _ in actors if name not in ids]
    if new:
        made = _run(
            session,
            insert(Actor).returning(col(Actor.id), sort_by_parameter_order=True),
            [{"name": name, "kind": kind} for name, kind in new],
        )
        ids.update({name: r[0] for (name, _), r in zip(new, made, strict=True)})
    wanted = {name: {name.lower(), *(a.lower() for a in aliases)} for name, _, aliases in actors}
    every = sorted({a for group in wanted.values() for a in group})
    taken: set[str] = set()
    for chunk in _chunks(every):
        claimed = sa_select(col(ActorAlias.alias)).where(col(ActorAlias.alias).in_(chunk))
        taken.update(r[0] for r in _run(session, claimed))
    rows = []
    for name in names:
        for alias in sorted(wanted[name] - taken):
            taken.add(alias)
            rows.append({"alias": alias, "actor_id": ids[name]})
    if rows:
        _run(session, insert(ActorAlias), rows)
    return ids


def roles_of(*, session: Session, event_ids: Sequence[int]) -> dict[int, dict[int, str]]:
    """event id -> {actor id: role} for these events (empty for an event without actors)."""
    out: dict[int, dict[int, str]] = {i: {} for i in event_ids}
    for chunk in _chunks(sorted(set(event_ids))):
        query = sa_select(
            col(EventActor.event_id), col(EventActor.actor_id), col(EventActor.role)
        ).where(col(EventActor.event_id).in_(chunk))
        for event_id, actor_id, role in _run(session, query):
            out[event_id][actor_id] = role
    return out


def write_roles(
    *, session: Session, before: dict[int, dict[int, str]], after: dict[int, dict[int, str]]
) -> None:
    """Turn the events' actor rows from `before` into `after` (deletes, role changes, new
    rows: one executemany each)."""
    gone, changed, added = [], [], []
    for event_id, rows in after.items():
        old = before.get(event_id, {})
        gone += [{"e": event_id, "a": a} for a in old if a not in rows]
        changed += [
            {"e": event_id, "a": a, "r": r} for a, r in rows.items() if a in old and old[a] != r
        ]
        added += [
            {"event_id": event_id, "actor_id": a, "role": r}
            for a, r in rows.items()
            if a not in old
        ]
    table = inspect_table(EventActor)  # Core: executemany with a WHERE per row
    same = and_(table.c.event_id == bindparam("e"), table.c.actor_id == bindparam("a"))
    if gone:
        _run(session, delete(table).where(same), gone)
    if changed:
        _run(session, update(table).where(same).values(role=bindparam("r")), changed)
    if added:
        _run(session, insert(table), added)


def inspect_table(model: type[SQLModel]) -> Table:
    """The Core table of a model (for statements the ORM will not run as executemany)."""
    table = sa_inspect(model).local_table
    assert isinstance(table, Table)
    return table


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), IN_CHUNK):
        yield items[i : i + IN_CHUNK]


def _run(session: Session, statement: Any, params: Any = None) -> Any:
    """A statement on the session's connection: Core rows, none of the ORM's row loading
    (the session's pending objects are flushed first)."""
    return connection_of(session).execute(statement, params)
