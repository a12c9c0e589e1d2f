"""Stories: the chain of events around a topic, rebuilt from EventLink rows.

A story is not a text search sorted by date. Seed events are found by text (titles and
quotes), then the chain grows along links in both directions for a bounded number of hops,
and the steps are ordered topologically - the target of a link ("truce") before its source
("violations violate the truce") - with ties broken by (start, end, id). Each step says how
it connects to an earlier step, so the reader sees *why* it is in the story.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session

from timeline.store.query import (
    EventFilter,
    EventView,
    LinkView,
    get_events,
    link_pairs,
    search_events,
    text_terms,
)

DEFAULT_HOPS = 2
MAX_SEEDS = 25
MAX_EVENTS = 60


@dataclass(frozen=True, slots=True)
class StoryStep:
    """One event of the story and the link tying it to an earlier step (None for a start)."""

    event: EventView
    via: LinkView | None
    seed: bool


@dataclass(frozen=True, slots=True)
class Story:
    """The steps of a story in order, and the query that started it."""

    query: str
    steps: list[StoryStep]

    @property
    def events(self) -> list[EventView]:
        return [s.event for s in self.steps]


def build_story(
    *,
    session: Session,
    query: str,
    hops: int = DEFAULT_HOPS,
    max_seeds: int = MAX_SEEDS,
    max_events: int = MAX_EVENTS,
) -> Story:
    """The story around `query`: seeds by text, expanded along links, ordered by links+dates."""
    if not text_terms(query):  # no words, no topic (not "every event")
        return Story(query=query, steps=[])
    seed_page = search_events(
        session=session, filters=EventFilter.build(text=query), limit=max_seeds
    )
    seeds = {v.id for v in seed_page.events}
    members = expand(session=session, seeds=seeds, hops=hops, max_events=max_events)
    views = get_events(session=session, event_ids=members, with_links=True)
    return Story(query=query, steps=chain(views.values(), seeds=seeds))


def expand(*, session: Session, seeds: Iterable[int], hops: int, max_events: int) -> set[int]:
    """Seeds plus events reachable by up to `hops` links either way, at most `max_events`.

    Breadth-first, one query per hop; nearer events win when the cap is reached.
    """
    members = set(seeds)
    frontier = set(members)
    for _ in range(max(hops, 0)):
        if not frontier or len(members) >= max_events:
            break
        rows = link_pairs(session=session, event_ids=frontier)
        found = sorted({i for pair in rows for i in pair} - members)
        found = found[: max_events - len(members)]
        members.update(found)
        frontier = set(found)
    return members


def chain(views: Iterable[EventView], *, seeds: set[int] | None = None) -> list[StoryStep]:
    """Order events so every link target precedes its source; ties by (start, end, id).

    Kahn's algorithm with a heap on the date key. Links inside a cycle (which ingest should
    never make) are ignored, so such events fall back to date order instead of being dropped.
    """
    by_id = {v.id: v for v in views}
    before: dict[int, set[int]] = {i: set() for i in by_id}  # event -> events it must follow
    for view in by_id.values():
        for link in view.links:
            ends = (link.source_id, link.target_id)
            if all(e in by_id for e in ends) and link.source_id != link.target_id:
                before[link.source_id].add(link.target_id)
    for source, targets in before.items():
        for target in list(targets):
            if _reaches(before, target, source):
                targets.discard(target)
                before[target].discard(source)
    ready = [(by_id[i].sort_key, i) for i, b in before.items() if not b]
    heapq.heapify(ready)
    placed: list[int] = []
    while ready:
        _, ident = heapq.heappop(ready)
        placed.append(ident)
        for other, deps in before.items():
            if ident in deps:
                deps.discard(ident)
                if not deps:
                    heapq.heappush(ready, (by_id[other].sort_key, other))
    steps = []
    position = {ident: n for n, ident in enumerate(placed)}
    for ident in placed:
        view = by_id[ident]
        steps.append(StoryStep(view, _via(view, position), ident in (seeds or set())))
    return steps


def _reaches(before: dict[int, set[int]], start: int, goal: int) -> bool:
    """Whether `goal` is reachable from `start` along "must follow" edges."""
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in before[node] - seen:
            seen.add(nxt)
            stack.append(nxt)
    return False


def _via(view: EventView, position: dict[int, int]) -> LinkView | None:
    """The link to an earlier step: its own links first ("violates the truce"), then links
    from earlier steps to it; among those the nearest step."""
    here = position[view.id]
    earlier = [
        (link.direction != "out", here - position[link.other_id], link.kind, link)
        for link in view.links
        if link.other_id in position and position[link.other_id] < here
    ]
    return min(earlier, key=lambda t: t[:3])[3] if earlier else None
