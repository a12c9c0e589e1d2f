"""Stories: the chain of events around a topic, rebuilt from EventLink rows.

A story is not a text search sorted by date. Seed events are found by text (titles and
quotes), then the chain grows along links in both directions for a bounded number of hops,
and the steps are ordered topologically - the target of a link ("truce") before its source
("violations violate the truce") - with ties broken by (start, end, id). Each step says how
it connects to an earlier step, so the reader sees *why* it is in the story.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from timeline.store import stories as story_rows
from timeline.store.models import Story as StoryRow
from timeline.store.query import (
    MAX_LIMIT,
    EventFilter,
    EventView,
    LinkView,
    actor_ids,
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
class StoryInfo:
    """A stored story (timeline.stories): its headline, span and size."""

    id: int
    title: str
    start: date
    end: date
    events: int
    articles: int
    matches: int = 0  # events of the story that matched the query, when there was one


@dataclass(frozen=True, slots=True)
class Story:
    """The steps of a story in order, and the query (or stored story) that started it."""

    query: str
    steps: list[StoryStep]
    stories: list[StoryInfo] = field(default_factory=list)  # the stored stories it is part of

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
    steps = chain(views.values(), seeds=seeds)
    return Story(query=query, steps=steps, stories=stories_of(session=session, seeds=seeds))


def _info(row: StoryRow, matches: int = 0) -> StoryInfo:
    assert row.id is not None
    return StoryInfo(row.id, row.title, row.start, row.end, row.events, row.articles, matches)


def stories_of(*, session: Session, seeds: Iterable[int]) -> list[StoryInfo]:
    """The stored stories holding these events, the one holding most of them first."""
    counts: dict[int, int] = {}
    for story_id in story_rows.story_of(session=session, event_ids=seeds).values():
        counts[story_id] = counts.get(story_id, 0) + 1
    found = story_rows.list_rows(session=session, story_ids=counts, min_events=1, limit=MAX_SEEDS)
    infos = [_info(r, counts.get(r.id or 0, 0)) for r in found]
    return sorted(infos, key=lambda i: (-i.matches, -i.articles, -i.events, i.id))


def find_stories(*, session: Session, query: str, limit: int = 10) -> list[StoryInfo]:
    """Stored stories about `query`: those whose events match its words (titles, quotes) or
    involve the actor it names, ranked by how many of their events match."""
    query = query.replace("\x00", "")  # Postgres rejects NUL in text parameters (?q=%00)
    seeds: set[int] = set()
    if text_terms(query):
        page = search_events(
            session=session, filters=EventFilter.build(text=query), limit=MAX_LIMIT
        )
        seeds.update(v.id for v in page.events)
    seeds.update(
        story_rows.event_ids_of_actors(
            session=session, actor_ids=actor_ids(session=session, name=query), limit=MAX_LIMIT
        )
    )
    return stories_of(session=session, seeds=seeds)[:limit]


def list_stories(
    *,
    session: Session,
    start: date | None = None,
    end: date | None = None,
    query: str | None = None,
    min_events: int = 2,
    limit: int = 100,
) -> list[StoryInfo]:
    """Stored stories overlapping [start, end] (latest first), or those about `query`."""
    if query and query.strip():
        found = find_stories(session=session, query=query, limit=limit)
        return [
            s
            for s in found
            if s.events >= min_events
            and (start is None or s.end >= start)
            and (end is None or s.start <= end)
        ]
    found_rows = story_rows.list_rows(
        session=session, start=start, end=end, min_events=min_events, limit=limit
    )
    return [_info(r) for r in found_rows]


def stored_story(*, session: Session, story_id: int) -> Story | None:
    """Every event of a stored story, chained in story order (None: no such story)."""
    row = story_rows.story_row(session=session, story_id=story_id)
    if row is None:
        return None
    ids = story_rows.members(session=session, story_ids=[story_id])[story_id]
    views = get_events(session=session, event_ids=ids, with_links=True)
    return Story(query=row.title, steps=chain(views.values()), stories=[_info(row, len(ids))])


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
    """The link to an earlier step: what a connective said before what the story model
    inferred; its own links first ("violates the truce"), then links from earlier steps to it;
    among those the nearest step."""
    here = position[view.id]
    earlier = [
        (
            link.origin != "text",
            link.direction != "out",
            here - position[link.other_id],
            link.kind,
            link,
        )
        for link in view.links
        if link.other_id in position and position[link.other_id] < here
    ]
    return min(earlier, key=lambda t: t[:4])[4] if earlier else None


STORY_REF = re.compile(r"#?(\d{1,10})")


def story_id_of(ref: str) -> int | None:
    """The story id in "12" or "#12", else None (the text is a topic query)."""
    match = STORY_REF.fullmatch(ref.strip())
    return int(match.group(1)) if match else None


def story_events(*, session: Session, ref: str) -> list[int] | None:
    """The event ids of the story `ref` names: an id ("#12"), else the best stored story about
    it (None when there is none)."""
    ident = story_id_of(ref)
    if ident is None:
        found = find_stories(session=session, query=ref, limit=1)
        if not found:
            return None
        ident = found[0].id
    ids = story_rows.members(session=session, story_ids=[ident])[ident]
    return ids or None
