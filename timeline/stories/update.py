"""Keep the stored stories equal to the components of the affinity graph, one article at a time.

Invariant: the stored stories are the connected components of the graph over all stored dated
events (`timeline.stories.model`). When an article adds or changes events T, only edges at T
change, so the new components are found among U = T, the events joined to T, and every member
of the stories any of those were in: an event outside U has all its edges inside its own
untouched story. Recomputing the components of U alone therefore gives exactly what a rebuild
of everything would, whatever the order articles came in.

Story ids are kept where a story survives: a component takes the id of the old story that
gives it the most members (ties: the lowest id); old stories left without members are deleted.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session

from timeline.dates import shift
from timeline.store import stories as rows
from timeline.store import storywords as index
from timeline.stories.model import (
    Facts,
    Pool,
    components,
    infer_links,
    joins_without_words,
    may_share_actor,
    neighbours,
    rules,
    shared_actors,
    story_title,
)


def update_stories(*, session: Session, event_ids: Iterable[int]) -> list[int]:
    """Re-group the stories around the events `event_ids` (new or changed); returns the ids of
    the stories written. Runs inside the caller's transaction."""
    ids = set(event_ids)
    spans, linked = rows.dated_spans(session=session, event_ids=ids)
    # events that are no story material any more (merged away, or left with clause-level
    # sources only) but still sit in a story: their stories are re-grouped without them
    gone = rows.story_of(session=session, event_ids=ids - set(spans))
    rows.leave_stories(session=session, event_ids=gone)
    left = set(gone.values())
    if not spans and not left:
        return []
    articles: dict[int, frozenset[int]] = {}  # each loaded event's articles, for _write
    near: dict[int, Facts] = {}
    touched: dict[int, Facts] = {}
    if spans:
        touched = rows.load_facts(session=session, event_ids=set(spans), article_ids=articles)
        reach = _reach(list(spans.values()))
        if joins_without_words():  # every event of the days may be joined
            may = set(rows.ids_near(session=session, windows=reach))
        else:
            may = _may_join(session, list(touched.values()), reach)
        near = {
            **touched,
            **rows.load_facts(
                session=session, event_ids=(may | linked) - set(touched), article_ids=articles
            ),
        }
    pool = Pool(near.values())
    joined = set(touched)
    for fact in touched.values():
        joined.update(n.id for n in neighbours(fact, pool.within_reach(fact)))
    old = rows.story_of(session=session, event_ids=joined)
    universe = set(joined)
    old_all: dict[int, int] = {}  # the old story of every event of the universe
    for story_id, members in rows.members(
        session=session, story_ids=set(old.values()) | left
    ).items():
        universe.update(members)
        old_all.update(dict.fromkeys(members, story_id))
    facts = {
        **near,
        **rows.load_facts(session=session, event_ids=universe - set(near), article_ids=articles),
    }
    group = [facts[i] for i in sorted(universe) if i in facts]
    return _write(session, components(group), old_all, articles)


def _may_join(session: Session, touched: list[Facts], reach: list[tuple[date, date]]) -> set[int]:
    """The events of the days in `reach` that may be joined to one of `touched` by affinity:
    those whose document (title and quotes) holds `min_shared_words` of its topic words,
    or one and a participant of it. Asked of the stored word index (`storywords`), not of
    the documents: reading and stemming the document of each of the ~13k events of a
    fortnight at 1M events, to find a dozen, was nearly all of a story update. A topic word
    is a stem of a word of the title or a quote, so each one an event shares is among the
    stems it is indexed under: the count is at least the words shared, and no event that
    can be joined is left out.
    """
    r = rules()
    gap = r.max_gap_days
    windows = [(shift(f.start, -gap), shift(f.end, gap), f.words, f) for f in touched if f.words]
    words = frozenset().union(*(f.words for f in touched))
    may: set[int] = set()
    actors_of: dict[int, list[Facts]] = {}  # one shared word: a shared participant decides
    hits = index.events_sharing(session=session, windows=reach, words=words)
    for ident, (start, end, found) in hits.items():
        for lo, hi, wanted, fact in windows:
            if start > hi or end < lo:
                continue
            shared = len(found & wanted)
            if shared >= r.min_shared_words:
                may.add(ident)
                break
            if shared and fact.actors:
                actors_of.setdefault(ident, []).append(fact)
    names = rows.actor_names_of(session=session, event_ids=set(actors_of) - may)
    for ident, facts in actors_of.items():
        if ident not in names or ident in may:
            continue
        if any(
            shared_actors(f.actors, names[ident])
            for f in facts
            if may_share_actor(f.actors, names[ident])
        ):
            may.add(ident)
    return may


def _reach(spans: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """The days an event joined to one of these spans by affinity overlaps: each span widened
    by `max_gap_days` (held at the calendar's ends), overlapping windows merged. One window
    from the earliest span to the latest read every event in between: an article that names
    "February 2022" and "on Monday" read three years of events to find the neighbours of
    two days'. (With a `min_affinity` of 0 or less even a zero affinity joins, whatever the
    gap: then the whole range is read, as before.)"""
    gap = rules().max_gap_days
    widened = sorted((shift(start, -gap), shift(end, gap)) for start, end in spans)
    if rules().min_affinity <= 0:
        return [(widened[0][0], max(hi for _, hi in widened))]
    out: list[tuple[date, date]] = []
    for lo, hi in widened:
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out


def rebuild_stories(*, session: Session) -> int:
    """Recompute every story from scratch (databases from before stories, or after a rules
    change); returns the number of stories. Stories that survive keep their ids, so links to
    `?story=ID` stay good."""
    ids = rows.all_dated_ids(session=session)
    articles: dict[int, frozenset[int]] = {}
    facts = rows.load_facts(session=session, event_ids=ids, article_ids=articles)
    old = rows.story_of(session=session, event_ids=ids)
    rows.delete_stories(session=session, story_ids=rows.orphan_story_ids(session=session))
    return len(_write(session, components(list(facts.values())), old, articles))


def _write(
    session: Session,
    groups: list[list[Facts]],
    old: dict[int, int],
    articles: dict[int, frozenset[int]],
) -> list[int]:
    """Store the components: reuse surviving story ids, write members, titles, spans and the
    inferred links, and delete the old stories nobody took over. `articles` holds each
    member's articles (read with its facts), so a story's article count costs no query."""
    used: set[int] = set()
    written: list[int] = []
    # the biggest components choose first, so a story that absorbed a small one keeps its id
    for group in sorted(groups, key=lambda g: (-len(g), g[0].key)):
        counts: dict[int, int] = {}
        for fact in group:
            if fact.id in old:
                counts[old[fact.id]] = counts.get(old[fact.id], 0) + 1
        choices = sorted((-n, sid) for sid, n in counts.items() if sid not in used)
        story_id = choices[0][1] if choices else None
        ids = [f.id for f in group]
        new_id = rows.save_story(
            session=session,
            story_id=story_id,
            story=group,
            title=story_title(group),
            articles=len(frozenset().union(*(articles[i] for i in ids))),
        )
        used.add(new_id)
        rows.set_members(session=session, story_id=new_id, event_ids=ids)
        links = [(link.source, link.target, link.kind) for link in infer_links(group)]
        rows.replace_inferred_links(session=session, event_ids=ids, links=links)
        written.append(new_id)
    rows.delete_stories(session=session, story_ids=set(old.values()) - used)
    return written
