"""The story update's reads around an article's events, on SQLite and Postgres (`engine`).

- The events near a window sharing a word are every main dated event overlapping it whose
  title or quotes hold the word (stemmed), an event that began long before it (a
  year-precision one) included, clause-level, undated and far ones left out; each comes
  once with the words it holds (`timeline.store.storywords`).
- Updating the stories event by event, in a random order, gives what a rebuild from
  scratch gives, on a store where most events of the same days share a word or a
  participant but not enough, some share names only in short forms ("Wen" and "Wen
  Jiabao"), some are linked by a connective across weeks, and some titles hold characters
  that lower-case to ASCII letters (the Kelvin sign, a dotted capital I): the prefilter
  that keeps the update from reading the facts of every event of those days leaves out no
  event that can be joined.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from tests.timeline.conftest import Src, link, make_actor, make_article, make_event
from timeline.store import stories as rows
from timeline.store import storywords as index
from timeline.store.engine import session_scope
from timeline.store.models import Event, EventLink, StoryEvent
from timeline.stories.update import rebuild_stories, update_stories

D0 = date(2025, 4, 1)


def test_events_near_a_window_sharing_a_word_each_once_with_their_words(engine: Engine) -> None:
    with session_scope(engine) as session:
        art = make_article(session, "a.txt", D0)
        day = make_event(session, "Truce talks", D0, sources=[Src(art, "The truces held.")])
        year = make_event(
            session, "A year of talks", date(2025, 1, 1), date(2025, 12, 31), precision="year"
        )
        other = make_event(session, "Other business", D0)
        make_event(session, "Far away talks", D0 + timedelta(days=60))
        clause = make_event(session, "A clause on talks", D0)
        session.execute(Event.__table__.update().where(Event.id == clause.id).values(main=False))
        make_event(session, "Undated talks", None)
    with session_scope(engine) as session:
        windows = [(D0 - timedelta(days=3), D0 + timedelta(days=3)), (D0, D0)]
        near = index.events_sharing(session=session, windows=windows, words={"truc", "talk"})
        assert near == {
            day.id: (D0, D0, frozenset({"truc", "talk"})),
            year.id: (date(2025, 1, 1), date(2025, 12, 31), frozenset({"talk"})),
        }
        assert sorted(rows.ids_near(session=session, windows=windows[:1])) == sorted(
            [day.id, year.id, other.id]
        )


def _partition(engine: Engine) -> tuple[set[frozenset[int]], set[tuple[int, int, str]]]:
    with engine.connect() as conn:
        by_story: dict[int, set[int]] = {}
        for story_id, event_id in conn.execute(select(StoryEvent.story_id, StoryEvent.event_id)):
            by_story.setdefault(story_id, set()).add(event_id)
        links = {
            (s, t, k)
            for s, t, k in conn.execute(
                select(EventLink.source_id, EventLink.target_id, EventLink.kind).where(
                    EventLink.origin == "story"
                )
            )
        }
    return {frozenset(m) for m in by_story.values()}, links


def test_event_by_event_updates_give_the_rebuild(engine: Engine) -> None:
    rng = random.Random(11)
    words = (
        "truce talks strike wages harbour quake toll convoy border vote \u212ainshasa "
        "\u0130stanbul summit grain tariff drone envoy treaty budget pipeline".split()
    )
    with session_scope(engine) as session:
        art = make_article(session, "a.txt", D0)
        people = [
            make_actor(session, name)
            for name in ("Wen Jiabao", "Wen", "FNV Havens", "Havens", "VRTO", "Yushu County")
        ]
        made = []
        for i in range(80):
            title = " ".join(rng.sample(words, rng.randrange(1, 4)))
            quote = " ".join(rng.sample(words, rng.randrange(0, 3)))
            start = D0 + timedelta(days=rng.randrange(60))
            long = rng.random() < 0.1
            made.append(
                make_event(
                    session,
                    f"{title.capitalize()} {i}",
                    start,
                    start + timedelta(days=rng.choice((0, 0, 1, 30 if long else 2))),
                    precision="month" if long else "day",
                    actors=rng.sample(people, rng.randrange(0, 3)),
                    sources=[Src(art, quote)] if quote else [],
                )
            )
        for _ in range(6):
            a, b = rng.sample(made, 2)
            link(session, a, "follows", b)
        ids = [e.id for e in made]
    rng.shuffle(ids)
    for ident in ids:  # as ingest does: each article's events, in their own transaction
        with session_scope(engine) as session:
            update_stories(session=session, event_ids=[ident])
    incremental = _partition(engine)
    with session_scope(engine) as session:
        rebuild_stories(session=session)
    rebuilt = _partition(engine)
    assert incremental == rebuilt
    members, _ = rebuilt
    sizes = sorted(len(m) for m in members)
    assert sum(n > 1 for n in sizes) >= 5 and sizes[-1] < 40, sizes  # stories, not one blob
