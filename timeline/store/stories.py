"""The stories' SQL: read the facts the model needs, write stories, members and inferred links.

Every read is by event id (IN lists in chunks) or by a date window bounded on both sides of
the (start, end) index; nothing here scans the whole event table except `all_dated_ids`,
which only `rebuild` uses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import delete, false, func, insert, or_, union_all, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from timeline.store.engine import connection_of
from timeline.store.idlists import ids_value, in_ids
from timeline.store.models import (
    Actor,
    Event,
    EventActor,
    EventLink,
    EventSource,
    Story,
    StoryEvent,
    utcnow,
)
from timeline.store.spans import longest_spans
from timeline.stories.model import Facts, topic_words

IN_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterator[Sequence[int]]:
    for i in range(0, len(ids), IN_CHUNK):
        yield ids[i : i + IN_CHUNK]


@dataclass(frozen=True, slots=True)
class _FactReads:
    """The four reads of `load_facts`, built once per dialect, each taking its ids as one
    parameter (`timeline.store.idlists`)."""

    events: Any
    actors: Any
    quotes: Any
    links: Any


@cache
def _fact_reads(dialect: str) -> _FactReads:
    return _FactReads(
        events=sa_select(
            col(Event.id), col(Event.start), col(Event.end), col(Event.type), col(Event.title)
        ).where(
            in_ids(col(Event.id), dialect),
            col(Event.start).is_not(None),
            col(Event.main).is_(True),  # main and self-dated happenings, not clause-level
        ),
        actors=sa_select(col(EventActor.event_id), col(EventActor.role), col(Actor.name))
        .join(Actor, col(Actor.id) == col(EventActor.actor_id))
        .where(in_ids(col(EventActor.event_id), dialect)),
        quotes=sa_select(
            col(EventSource.event_id), col(EventSource.article_id), col(EventSource.quote)
        ).where(in_ids(col(EventSource.event_id), dialect)),
        # two index lookups: SQLite scans the table for an OR of two id-list subqueries
        links=union_all(
            *(
                sa_select(col(EventLink.source_id), col(EventLink.target_id)).where(
                    col(EventLink.origin) != "story", in_ids(end, dialect)
                )
                for end in (col(EventLink.source_id), col(EventLink.target_id))
            )
        ),
    )


def load_facts(
    *,
    session: Session,
    event_ids: Iterable[int],
    article_ids: dict[int, frozenset[int]] | None = None,
) -> dict[int, Facts]:
    """Facts of the dated events among `event_ids`, keyed by id, in a few queries per chunk
    (actors, quotes and links are read for those events only, not for the clause-level
    ones a date window also returns). `article_ids`, when given, receives each such event's
    articles (read by the same query as the quotes: a story's article count needs no query)."""
    ids = sorted(set(event_ids))
    out: dict[int, Facts] = {}
    conn = connection_of(session)
    dialect = conn.dialect.name
    reads = _fact_reads(dialect)
    for chunk in _chunks(ids):
        events = conn.execute(reads.events, {"ids": ids_value(chunk, dialect)}).all()
        dated = {"ids": ids_value([row[0] for row in events], dialect)}
        if not events:
            continue
        agents: dict[int, set[str]] = {}
        actors: dict[int, set[str]] = {}
        for event_id, role, name in conn.execute(reads.actors, dated):
            actors.setdefault(event_id, set()).add(name)
            if role == "agent":
                agents.setdefault(event_id, set()).add(name)
        quotes: dict[int, list[str]] = {}
        articles: dict[int, set[int]] = {}
        for event_id, article_id, quote in conn.execute(reads.quotes, dated):
            quotes.setdefault(event_id, []).append(quote)
            articles.setdefault(event_id, set()).add(article_id)
        linked: dict[int, set[int]] = {}
        for source, target in conn.execute(reads.links, dated):
            linked.setdefault(source, set()).add(target)
            linked.setdefault(target, set()).add(source)
        for ident, start, end, type_, title in events:
            if article_ids is not None:
                article_ids[ident] = frozenset(articles.get(ident, set()))
            names = frozenset(actors.get(ident, set()))
            out[ident] = Facts(
                id=ident,
                start=start,
                end=end or start,
                type=type_,
                title=title,
                agents=frozenset(agents.get(ident, set())),
                actors=names,
                words=_topic_words((title, *sorted(quotes.get(ident, []))), names),
                articles=len(articles.get(ident, set())) or 1,
                linked=frozenset(linked.get(ident, set())),
            )
    return out


@lru_cache(maxsize=65536)
def _topic_words(texts: tuple[str, ...], names: frozenset[str]) -> frozenset[str]:
    """topic_words, remembered: an event's title and quotes are read again for every
    article of its days while they have not changed."""
    return topic_words(texts, names=names)


def ids_near(*, session: Session, windows: Sequence[tuple[date, date]]) -> list[int]:
    """Ids of the events stories are made of (dated, main: see `load_facts`) overlapping one
    of the `windows` ([start, end] each; an id may come twice when its event overlaps two).
    Clause-level events are left out here, not read back by id to be dropped."""
    return [r[0] for r in _run(session, _near(session, windows, col(Event.id))).all()]


def _near(session: Session, windows: Sequence[tuple[date, date]], *columns: Any) -> Any:
    """`columns` of the main dated events overlapping one of `windows`: per window, one range
    on `ix_event_precision_start` per precision, closed on both sides by that precision's
    longest span (`timeline.store.spans`). With one bound for all, a single year-long event
    made every window read the year before it (~100k index entries at 1M events, to return
    ~13k)."""
    spans = longest_spans(session=session)
    parts = []
    for start, end in windows:
        for precision, days in sorted(spans.items()):
            earliest = start - timedelta(days=days) if start.toordinal() > days else date.min
            parts.append(
                sa_select(*columns).where(
                    col(Event.precision) == precision,
                    col(Event.start).between(earliest, end),
                    func.coalesce(col(Event.end), col(Event.start)) >= start,
                    col(Event.main).is_(True),
                )
            )
    if not parts:
        return sa_select(*columns).where(false())
    return union_all(*parts)


def actor_names_of(*, session: Session, event_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """event id -> the names of its actors (as `load_facts` reads them), for the events that
    have some."""
    ids = sorted(set(event_ids))
    conn = connection_of(session)
    dialect = conn.dialect.name
    found: dict[int, set[str]] = {}
    for chunk in _chunks(ids):
        for event_id, _, name in conn.execute(
            _fact_reads(dialect).actors, {"ids": ids_value(chunk, dialect)}
        ):
            found.setdefault(event_id, set()).add(name)
    return {i: frozenset(names) for i, names in found.items()}


def story_of(*, session: Session, event_ids: Iterable[int]) -> dict[int, int]:
    """event id -> story id for the events that have one."""
    ids = sorted(set(event_ids))
    out: dict[int, int] = {}
    for chunk in _chunks(ids):
        for event_id, story_id in _run(
            session,
            sa_select(col(StoryEvent.event_id), col(StoryEvent.story_id)).where(
                col(StoryEvent.event_id).in_(chunk)
            ),
        ):
            out[event_id] = story_id
    return out


def members(*, session: Session, story_ids: Iterable[int]) -> dict[int, list[int]]:
    """story id -> its event ids."""
    ids = sorted(set(story_ids))
    out: dict[int, list[int]] = {i: [] for i in ids}
    for chunk in _chunks(ids):
        for event_id, story_id in _run(
            session,
            sa_select(col(StoryEvent.event_id), col(StoryEvent.story_id)).where(
                col(StoryEvent.story_id).in_(chunk)
            ),
        ):
            out[story_id].append(event_id)
    return out


def all_dated_ids(*, session: Session) -> list[int]:
    """Every dated event (rebuilds only)."""
    stmt = sa_select(col(Event.id)).where(col(Event.start).is_not(None), col(Event.main).is_(True))
    return [r[0] for r in session.execute(stmt)]


def orphan_story_ids(*, session: Session) -> list[int]:
    """Stories without members (left behind by events deleted under them)."""
    rows_ = session.execute(
        sa_select(col(Story.id)).where(
            ~sa_select(col(StoryEvent.event_id))
            .where(col(StoryEvent.story_id) == col(Story.id))
            .exists()
        )
    ).all()
    return [r[0] for r in rows_]


def save_story(
    *, session: Session, story_id: int | None, story: Sequence[Facts], title: str, articles: int
) -> int:
    """Create or update one story row with its derived fields; returns its id."""
    values = {
        "title": title,
        "start": min(f.start for f in story),
        "end": max(f.end for f in story),
        "events": len(story),
        "articles": articles,
        "updated_at": utcnow(),
    }
    if story_id is not None:
        done = _run(session, update(Story).where(col(Story.id) == story_id).values(**values))
        if getattr(done, "rowcount", 0):
            return story_id
    made = _run(session, insert(Story).returning(col(Story.id)), [values]).all()
    return int(made[0][0])


def dated_spans(
    *, session: Session, event_ids: Iterable[int]
) -> tuple[dict[int, tuple[date, date]], set[int]]:
    """(start, end) of the events among `event_ids` that stories are made of (as
    `load_facts` chooses them), and the events their connectives link to: the days and ids
    a story update reads around them, without reading their facts twice."""
    ids = sorted(set(event_ids))
    spans: dict[int, tuple[date, date]] = {}
    linked: set[int] = set()
    for chunk in _chunks(ids):
        rows_ = _run(
            session,
            sa_select(col(Event.id), col(Event.start), col(Event.end)).where(
                col(Event.id).in_(chunk),
                col(Event.start).is_not(None),
                col(Event.main).is_(True),
            ),
        ).all()
        dated = [row[0] for row in rows_]
        spans.update((ident, (start, end or start)) for ident, start, end in rows_)
        if not dated:
            continue
        here = set(dated)
        for source, target in _run(
            session,
            sa_select(col(EventLink.source_id), col(EventLink.target_id)).where(
                col(EventLink.origin) != "story",
                or_(col(EventLink.source_id).in_(dated), col(EventLink.target_id).in_(dated)),
            ),
        ):
            if source in here:
                linked.add(target)
            if target in here:
                linked.add(source)
    return spans, linked


def set_members(*, session: Session, story_id: int, event_ids: Iterable[int]) -> None:
    """Make these events members of the story (moving them from any other story)."""
    ids = sorted(set(event_ids))
    for chunk in _chunks(ids):
        _run(session, delete(StoryEvent).where(col(StoryEvent.event_id).in_(chunk)))
    if ids:
        _run(session, insert(StoryEvent), [{"event_id": i, "story_id": story_id} for i in ids])


def leave_stories(*, session: Session, event_ids: Iterable[int]) -> None:
    """Take these events out of their stories (they are no story material any more)."""
    for chunk in _chunks(sorted(set(event_ids))):
        _run(session, delete(StoryEvent).where(col(StoryEvent.event_id).in_(chunk)))


def delete_stories(*, session: Session, story_ids: Iterable[int]) -> None:
    ids = sorted(set(story_ids))
    for chunk in _chunks(ids):
        _run(session, delete(StoryEvent).where(col(StoryEvent.story_id).in_(chunk)))
        _run(session, delete(Story).where(col(Story.id).in_(chunk)))


def replace_inferred_links(
    *, session: Session, event_ids: Iterable[int], links: Iterable[tuple[int, int, str]]
) -> None:
    """Drop the inferred links touching these events, then add `links` (source, target,
    kind) unless a connective already links the pair with that kind (or it is listed twice)."""
    ids = sorted(set(event_ids))
    for chunk in _chunks(ids):
        _run(
            session,
            delete(EventLink).where(
                col(EventLink.origin) == "story",
                or_(col(EventLink.source_id).in_(chunk), col(EventLink.target_id).in_(chunk)),
            ),
        )
    wanted = list(dict.fromkeys(links))
    if not wanted:
        return
    have: set[tuple[int, int, str]] = set()
    for chunk in _chunks(sorted({source for source, _, _ in wanted})):
        have.update(
            (s, t, k)
            for s, t, k in _run(
                session,
                sa_select(
                    col(EventLink.source_id), col(EventLink.target_id), col(EventLink.kind)
                ).where(col(EventLink.source_id).in_(chunk)),
            )
        )
    new = [link for link in wanted if link not in have]
    if new:
        _run(
            session,
            insert(EventLink),
            [{"source_id": s, "target_id": t, "kind": k, "origin": "story"} for s, t, k in new],
        )


def list_rows(
    *,
    session: Session,
    start: date | None = None,
    end: date | None = None,
    story_ids: Iterable[int] | None = None,
    min_events: int = 2,
    limit: int = 100,
) -> list[Story]:
    """Stories overlapping [start, end] with at least `min_events` events, latest first."""
    stmt = select(Story).where(col(Story.events) >= min_events)
    if start is not None:
        stmt = stmt.where(col(Story.end) >= start)
    if end is not None:
        stmt = stmt.where(col(Story.start) <= end)
    if story_ids is not None:
        ids = sorted(set(story_ids))
        if not ids:
            return []
        stmt = stmt.where(col(Story.id).in_(ids[:IN_CHUNK]))
    stmt = stmt.order_by(col(Story.end).desc(), col(Story.events).desc(), col(Story.id))
    return list(session.exec(stmt.limit(limit)).all())


def story_row(*, session: Session, story_id: int) -> Story | None:
    return session.get(Story, story_id)


def event_ids_of_actors(*, session: Session, actor_ids: Sequence[int], limit: int) -> list[int]:
    """Events one of these actors takes part in (at most `limit`)."""
    if not actor_ids:
        return []
    rows_ = session.execute(
        sa_select(col(EventActor.event_id))
        .where(col(EventActor.actor_id).in_(list(actor_ids)[:IN_CHUNK]))
        .order_by(col(EventActor.event_id))
        .limit(limit)
    ).all()
    return [r[0] for r in rows_]


def articles_by_story(*, session: Session, story_ids: Iterable[int]) -> dict[int, int]:
    """story id -> how many distinct articles report its events."""
    ids = sorted(set(story_ids))
    out: dict[int, int] = {}
    for chunk in _chunks(ids):
        for ident, articles in session.execute(
            sa_select(col(Story.id), col(Story.articles)).where(col(Story.id).in_(chunk))
        ):
            out[ident] = articles
    return out


def _run(session: Session, statement: Any, params: Any = None) -> Any:
    """A statement on the session's connection: Core rows, none of the ORM's row loading
    (the session's pending objects are flushed first)."""
    return connection_of(session).execute(statement, params)
