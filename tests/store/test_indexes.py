"""The store's derived structures stay in step with its rows, whoever writes them.

- `eventspan` (longest span per precision, what bounds date-overlap queries) follows inserts
  and updates of events, and `recompute` shrinks it back to the exact maximum.
- The text index (one document per event, title and quotes, with FTS5 trigram on SQLite and
  pg_trgm on Postgres) answers substring searches exactly as ILIKE did: any case, inside
  words, typographic apostrophes, titles and quotes, after titles change, sources are
  added, moved, edited or deleted, and events deleted; terms under three characters still
  work.
Run on SQLite and Postgres (`engine` fixture).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from tests.timeline.conftest import Src, make_actor, make_article, make_event
from timeline.store import spans, textsearch
from timeline.store.engine import session_scope
from timeline.store.models import Event, EventActor, EventSource
from timeline.store.query import EventFilter, day_counts, search_events

D = date


def span_table(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return spans.longest_spans(session=session)


def test_span_bounds_follow_inserts_and_updates(engine: Engine) -> None:
    assert span_table(engine) == {}
    with session_scope(engine) as session:
        make_event(session, "one day", D(2025, 4, 1))
        long = make_event(session, "ten days", D(2025, 4, 1), D(2025, 4, 11), precision="month")
        make_event(session, "undated", None)
    assert span_table(engine) == {"day": 0, "month": 10}
    with engine.begin() as conn:
        conn.execute(update(Event).where(Event.id == long.id).values(end=D(2025, 6, 30)))
    assert span_table(engine)["month"] == 90
    with engine.begin() as conn:  # shortened again: the bound stays (safe) until recomputed
        conn.execute(update(Event).where(Event.id == long.id).values(end=D(2025, 4, 2)))
        assert span_table(engine)["month"] == 90
        spans.recompute(conn)
    assert span_table(engine) == {"day": 0, "month": 1}


def test_a_long_event_is_found_from_the_middle_of_its_span(engine: Engine) -> None:
    """The bounded range must not lose an event that started long before the window."""
    with session_scope(engine) as session:
        make_event(session, "the siege", D(2024, 1, 1), D(2025, 6, 30))
        make_event(session, "a day in March", D(2025, 3, 10))
        make_event(session, "a month", D(2025, 3, 1), precision="month")
    with session_scope(engine) as session:
        page = search_events(session=session, filters=EventFilter(D(2025, 3, 20), D(2025, 3, 21)))
    assert [e.title for e in page.events] == ["the siege", "a month"]


def titles(engine: Engine, text: str) -> list[str]:
    with session_scope(engine) as session:
        page = search_events(session=session, filters=EventFilter(text=text))
        return [e.title for e in page.events]


@pytest.fixture(params=["rare", "common"])
def common_at(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both plans for a term: through the index's matches, or tested row by row (every term
    counts as common when COMMON is 1)."""
    if request.param == "common":
        monkeypatch.setattr(textsearch, "COMMON", 1)
    return str(request.param)


def test_text_index_has_substring_semantics_in_titles_and_quotes(
    engine: Engine, common_at: str
) -> None:
    with session_scope(engine) as session:
        art = make_article(session, "a.txt", D(2025, 4, 1))
        make_event(
            session, "Ceasefire agreed", D(2025, 4, 1), sources=[Src(art, "Guns fell silent.")]
        )
        make_event(session, "Talks", D(2025, 4, 2), sources=[Src(art, "Kyiv\u2019s envoy spoke.")])
        make_event(session, "Élection à Paris", D(2025, 4, 3), sources=[Src(art, "Le vote.")])
    assert titles(engine, "CEASEFI") == ["Ceasefire agreed"]  # inside a word, any case
    assert titles(engine, "fell sil") == ["Ceasefire agreed"]  # in a quote, across a space
    assert titles(engine, "kyiv's") == ["Talks"]  # straight apostrophe finds the curly one
    assert titles(engine, "ceasefire silent") == ["Ceasefire agreed"]  # title AND quote
    assert titles(engine, "ceasefire envoy") == []
    assert titles(engine, "paris") == ["Élection à Paris"]
    assert titles(engine, "PA") == ["Élection à Paris"]  # two letters: no trigram, still found
    assert titles(engine, '"100%"') == []


def test_text_index_follows_new_sources_and_changed_titles(engine: Engine, common_at: str) -> None:
    with session_scope(engine) as session:
        art = make_article(session, "a.txt", D(2025, 4, 1))
        event = make_event(session, "Old title", D(2025, 4, 1))
        event_id = event.id
        assert event_id is not None
        session.add(
            EventSource(
                event_id=event_id, article_id=art.id or 0, sentence_index=3, quote="A drone."
            )
        )
    assert titles(engine, "drone") == ["Old title"]
    with engine.begin() as conn:
        conn.execute(update(Event).where(Event.id == event_id).values(title="New heading"))
    assert titles(engine, "old title") == []
    assert titles(engine, "heading") == ["New heading"]
    with engine.begin() as conn:
        conn.execute(EventSource.__table__.delete())  # type: ignore[attr-defined]
    assert titles(engine, "drone") == []


def test_text_index_follows_moved_sources_edited_quotes_and_deleted_events(
    engine: Engine, common_at: str
) -> None:
    """What a merge writes (a source moved to another event, the merged event deleted) and a
    quote edited: each event's document follows, on both stores and through both plans."""
    from sqlalchemy import delete

    with session_scope(engine) as session:
        art = make_article(session, "a.txt", D(2025, 4, 1))
        truce = make_event(
            session, "Truce agreed", D(2025, 4, 1), sources=[Src(art, "Guns fell silent.")]
        )
        other = make_article(session, "b.txt", D(2025, 4, 2))
        talks = make_event(session, "Talks", D(2025, 4, 2), sources=[Src(other, "An envoy spoke.")])
        truce_id, talks_id = truce.id, talks.id
    source = EventSource.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            update(EventSource).where(EventSource.event_id == truce_id).values(event_id=talks_id)
        )
    assert titles(engine, "silent") == ["Talks"]
    assert titles(engine, "truce silent") == []
    assert titles(engine, "envoy silent") == ["Talks"]  # both quotes in one document
    with engine.begin() as conn:
        conn.execute(
            update(EventSource)
            .where(EventSource.quote == "An envoy spoke.")
            .values(quote="A courier.")
        )
    assert titles(engine, "envoy") == []
    assert titles(engine, "courier") == ["Talks"]
    events = Event.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(delete(source).where(source.c.event_id == talks_id))
        conn.execute(delete(events).where(events.c.id == talks_id))
    assert titles(engine, "courier") == []
    assert titles(engine, "talks") == []
    assert titles(engine, "truce") == ["Truce agreed"]


def actor_titles(engine: Engine, name: str, *, limit: int = 100, **kw: Any) -> list[str]:
    """Every page of an actor's events (`limit` per page), titles in order."""
    out: list[str] = []
    cursor = None
    with session_scope(engine) as session:
        while True:
            filters = EventFilter.build(actor=name, **kw)
            page = search_events(session=session, filters=filters, limit=limit, cursor=cursor)
            out += [e.title for e in page.events]
            if page.next_cursor is None:
                return out
            cursor = page.next_cursor


def test_actor_pages_follow_actor_rows_dates_and_salience(engine: Engine, common_at: str) -> None:
    """An actor's pages (on Postgres read from actorevent's date index, alone or with a type
    or a common word) give the events in date order across cursors, once each when several
    actors match the name, and follow actor rows added and removed, events re-dated and
    salience changed."""
    from sqlalchemy import delete

    with session_scope(engine) as session:
        russia = make_actor(session, "Russia", "the Kremlin")
        rail = make_actor(session, "Russian Railways")
        other = make_actor(session, "Ukraine")
        days = {"c": D(2025, 4, 3), "a": D(2025, 4, 1), "e": D(2025, 4, 5), "b": D(2025, 4, 2)}
        ids = {
            t: make_event(
                session, t, d, actors=[russia], type="AGREE" if t in "ce" else "STATEMENT"
            ).id
            for t, d in days.items()
        }
        ids["both"] = make_event(session, "both", D(2025, 4, 4), actors=[russia, rail]).id
        ids["rail"] = make_event(session, "rail", D(2025, 3, 1), actors=[rail]).id
        ids["undated"] = make_event(session, "undated", None, actors=[russia]).id
        ids["march"] = make_event(
            session, "march", D(2025, 3, 1), precision="month", actors=[russia]
        ).id
        make_event(session, "elsewhere", D(2025, 4, 1), actors=[other])
        russia_id, rail_id = russia.id, rail.id
    everything = ["march", "a", "b", "c", "both", "e", "undated"]
    assert actor_titles(engine, "the kremlin") == everything
    assert actor_titles(engine, "the kremlin", limit=2) == everything
    assert actor_titles(engine, "russ", limit=2) == ["rail", *everything]  # two actors
    assert actor_titles(engine, "russia", start=D(2025, 4, 2), end=D(2025, 4, 3)) == ["b", "c"]
    assert actor_titles(engine, "russia", start=D(2025, 3, 20), end=D(2025, 3, 21)) == ["march"]
    assert actor_titles(engine, "russia", limit=1, type="AGREE") == ["c", "e"]
    assert actor_titles(engine, "russ", limit=1, text="both") == ["both"]
    assert actor_titles(engine, "ukraine", text="both") == []
    events, actors = Event.__table__, EventActor.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        conn.execute(
            update(events)
            .where(events.c.id == ids["a"])
            .values(start=D(2025, 4, 9), end=D(2025, 4, 9))
        )
        conn.execute(update(events).where(events.c.id == ids["b"]).values(salient=False))
        conn.execute(
            delete(actors).where(actors.c.event_id == ids["both"], actors.c.actor_id == russia_id)
        )
        conn.execute(actors.insert().values(event_id=ids["c"], actor_id=rail_id, role="agent"))
        conn.execute(update(events).where(events.c.id == ids["march"]).values(precision="day"))
    assert actor_titles(engine, "russia", limit=2) == ["march", "c", "e", "a", "undated"]
    assert actor_titles(engine, "russia", start=D(2025, 3, 20), end=D(2025, 3, 21)) == []
    assert actor_titles(engine, "russia", type="AGREE") == ["c", "e"]
    assert actor_titles(engine, "russian railways") == ["rail", "c", "both"]


def test_day_counts_take_the_range_and_its_bounds(engine: Engine) -> None:
    """The page's density query goes through the same two-sided range as searches."""
    with session_scope(engine) as session:
        make_event(session, "a", D(2025, 4, 1))
        make_event(session, "b", D(2025, 4, 1))
        make_event(session, "c", D(2025, 4, 2))
        make_event(session, "long", D(2025, 3, 1), D(2025, 4, 30))
        make_event(session, "month", D(2025, 4, 1), precision="month")
    with session_scope(engine) as session:
        counts = day_counts(session=session, filters=EventFilter(D(2025, 4, 2), D(2025, 4, 3)))
        everything = day_counts(session=session)
    assert counts == [(D(2025, 3, 1), 1), (D(2025, 4, 2), 1)]
    assert everything == [(D(2025, 3, 1), 1), (D(2025, 4, 1), 2), (D(2025, 4, 2), 1)]


def test_bulk_load_rebuilds_spans_and_text_index(engine: Engine) -> None:
    """Rows written inside bulk_load (no triggers, no text index) are found after it as if
    written one by one, and writes after it are kept in step again."""
    from sqlalchemy import insert

    from timeline.store.bulk import bulk_load

    with session_scope(engine) as session:
        art = make_article(session, "a.txt", D(2025, 4, 1))
        art_id = art.id
    now = datetime(2025, 4, 1, tzinfo=UTC)
    with engine.begin() as conn, bulk_load(conn):
        conn.execute(
            insert(Event),
            [
                {"id": 101, "start": D(2025, 4, 1), "end": D(2025, 4, 9), "precision": "day",
                 "date_inferred": False, "type": "AGREE", "modality": "occurred",
                 "title": "Grain deal signed", "created_at": now},
                {"id": 102, "start": D(2025, 4, 2), "end": D(2025, 4, 2), "precision": "month",
                 "date_inferred": False, "type": "AGREE", "modality": "occurred",
                 "title": "Talks", "created_at": now},
            ],
        )  # fmt: skip
        conn.execute(
            insert(EventSource),
            [{"event_id": 102, "article_id": art_id, "sentence_index": 0, "quote": "A drone."}],
        )
    assert span_table(engine) == {"day": 8, "month": 0}
    assert titles(engine, "grain deal") == ["Grain deal signed"]
    assert titles(engine, "drone") == ["Talks"]
    with session_scope(engine) as session:
        other = make_article(session, "b.txt", D(2025, 4, 3))
        make_event(session, "Harbour reopened", D(2025, 4, 3), sources=[Src(other, "Ships.")])
    assert titles(engine, "ships") == ["Harbour reopened"]
