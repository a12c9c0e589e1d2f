"""The queries use the indexes made for them: EXPLAIN on a store of a few thousand events.

Each check runs the real query function, captures the SQL it sends, and asks the database
for its plan (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on Postgres) after ANALYZE, so the
planner decides with statistics as it would in production. Run on SQLite and Postgres.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from timeline.store import storywords, textsearch
from timeline.store.engine import optimize, session_scope
from timeline.store.events import events_overlapping
from timeline.store.models import Actor, ActorAlias, Article, Event, EventActor, EventSource
from timeline.store.query import EventFilter, search_events

N_EVENTS = 12000
WORDS = "truce summit drone harbour tariff grain envoy border".split()


@pytest.fixture
def filled(engine: Engine) -> Engine:
    """N_EVENTS events over ten years, mostly day precision, one in 1,000 with "zyxquokka"."""
    rng = random.Random(3)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            insert(Article),
            [
                {"id": i, "location": f"a{i}", "content_hash": f"h{i}", "text": "x",
                 "published_source": "none", "ingested_at": now}
                for i in range(1, 101)
            ],
        )  # fmt: skip
        events, sources = [], []
        for i in range(1, N_EVENTS + 1):
            start = date(2016, 1, 1) + timedelta(days=rng.randrange(3650))
            words = " ".join(rng.sample(WORDS, 2)) + (" zyxquokka" if i % 1000 == 0 else "")
            events.append(
                {"id": i, "start": start, "end": start + timedelta(days=rng.choice((0, 0, 2))),
                 "precision": rng.choice(("day",) * 8 + ("week", "month", "year")),
                 "date_inferred": False, "type": rng.choice(("AGREE", "STATEMENT", "ASSAULT")),
                 "modality": "occurred", "title": f"Event {i}: {words}", "created_at": now}
            )  # fmt: skip
            sources.append(
                {"event_id": i, "article_id": rng.randrange(1, 101), "sentence_index": 0,
                 "quote": f"Officials discussed the {words} ({i}).", "precision": "day",
                 "date_inferred": False, "type": "AGREE", "modality": "occurred", "title": ""}
            )  # fmt: skip
        conn.execute(insert(Event), events)
        conn.execute(insert(EventSource), sources)
        conn.execute(insert(Actor), [{"id": a, "name": f"Actor {a}"} for a in range(1, 31)])
        conn.execute(
            insert(ActorAlias), [{"alias": f"actor {a}", "actor_id": a} for a in range(1, 31)]
        )
        conn.execute(
            insert(EventActor),
            [{"event_id": i, "actor_id": 1 + i % 30, "role": "agent"} for i in range(1, N_EVENTS)],
        )
    optimize(engine, full=True)
    return engine


def plan_of(
    engine: Engine, run: Callable[[Session], Any], *, marker: str, setup: tuple[str, ...] = ()
) -> str:
    """The plan of the first statement `run` sends whose SQL contains `marker` (after the
    `setup` statements, on the same connection)."""
    sent: list[tuple[str, Any]] = []

    def grab(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        sent.append((statement, params))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        with session_scope(engine) as session:
            run(session)
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    statement, params = next((s, p) for s, p in sent if marker in s)
    explain = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
    with engine.connect() as conn:
        for line in setup:
            conn.exec_driver_sql(line)
        rows = conn.exec_driver_sql(explain + statement, params).all()
    return "\n".join(str(r[-1]) for r in rows)


def page(filters: EventFilter) -> Callable[[Session], Any]:
    return lambda session: search_events(session=session, filters=filters, limit=100)


def full_scans(plan: str, table: str) -> list[str]:
    """Plan lines that read every row of `table` (SQLite's SCAN, Postgres' Seq Scan)."""
    reads_all = re.compile(rf"\b(SCAN|Seq Scan on) {table}( |$)")
    return [line for line in plan.splitlines() if reads_all.search(line)]


def check_week_is_a_two_sided_range_on_the_precision_index(filled: Engine) -> None:
    plan = plan_of(filled, page(EventFilter(date(2020, 3, 1), date(2020, 3, 7))), marker="ORDER BY")
    assert "ix_event_precision_start" in plan, plan
    if filled.dialect.name == "sqlite":
        assert "start>? AND start<?" in plan, plan  # bounded on both sides
    else:
        assert "start >= " in plan and "start <= " in plan, plan
    assert not full_scans(plan, "event"), plan


def check_rare_word_is_found_through_the_text_index(filled: Engine) -> None:
    """On Postgres a sequential scan of a table this small is cheaper than the GIN index (the
    planner picks the index from about 20k rows; bench/query.py shows it at scale), so there
    the check is that the index can answer the query once scans are priced out."""
    setup = ("SET enable_seqscan = off",) if filled.dialect.name == "postgresql" else ()
    plan = plan_of(filled, page(EventFilter(text="zyxquokka")), marker="ORDER BY", setup=setup)
    if filled.dialect.name == "sqlite":
        assert "event_text_fts VIRTUAL TABLE" in plan, plan
    else:  # the event's document (title and quotes) through its trigram index
        assert "Bitmap Index Scan on ix_eventtext_body_trgm" in plan, plan
    assert not full_scans(plan, "event") and not full_scans(plan, "eventsource"), plan
    assert not full_scans(plan, "eventtext"), plan


def check_two_words_are_one_text_index_query(filled: Engine) -> None:
    """Several words: one FTS5 query (the index intersects them) on SQLite; one scan of the
    documents' trigram index on Postgres, both words in its condition. Neither reads every
    event, every quote or every document."""
    setup = ("SET enable_seqscan = off",) if filled.dialect.name == "postgresql" else ()
    plan = plan_of(
        filled, page(EventFilter(text="truce zyxquokka")), marker="ORDER BY", setup=setup
    )
    if filled.dialect.name == "sqlite":
        assert plan.count("event_text_fts VIRTUAL TABLE") == 1, plan
    else:
        assert plan.count("Bitmap Index Scan on ix_eventtext_body_trgm") == 1, plan
        scan = plan.split("Bitmap Index Scan on ix_eventtext_body_trgm")[1]
        assert "%truce%" in scan and "%zyxquokka%" in scan, plan
    assert not full_scans(plan, "event") and not full_scans(plan, "eventsource"), plan
    assert not full_scans(plan, "eventtext"), plan


def check_common_word_walks_salient_events_in_date_order(
    filled: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A common word is tested on each event's document (a primary-key read) while the
    salient events are walked in date order from the index, with no sort."""
    setup = ("SET enable_seqscan = off",) if filled.dialect.name == "postgresql" else ()
    with monkeypatch.context() as patched:
        patched.setattr(textsearch, "COMMON", 1)
        plan = plan_of(
            filled, page(EventFilter(text="truce summit")), marker="ORDER BY", setup=setup
        )
    if filled.dialect.name == "sqlite":
        assert "ix_event_salient_start (salient=?" in plan, plan
        assert "SEARCH eventtext USING INTEGER PRIMARY KEY" in plan, plan
        assert "TEMP B-TREE" not in plan, plan
        return
    # the walk reads the sort key from the index alone (the id is its last column), then
    # the page's rows by key
    assert "Index Only Scan using ix_event_salient_start on event" in plan, plan
    assert "Index Scan using eventtext_pkey on eventtext" in plan, plan
    assert "%truce%" in plan and "%summit%" in plan, plan  # one probe tests both words
    assert "Index Scan using event_pkey on event" in plan, plan
    assert not re.search(r"(^|-> +)(Incremental )?Sort ", plan, re.MULTILINE), plan
    assert not full_scans(plan, "eventtext") and not full_scans(plan, "eventsource"), plan


def check_actor_text_and_range_start_from_the_actors_events(filled: Engine) -> None:
    """An actor in few events drives the query: its events from the (actor_id, event_id)
    index (SQLite) or from actorevent's (actor_id, start, ...) index within the range
    (Postgres), then one primary-key read each, not a walk of the range. An actor alone on
    Postgres: a page is the first index entries of the actor in date order."""
    filters = EventFilter.build(
        actor="actor 7", text="truce", start=date(2018, 1, 1), end=date(2019, 1, 1)
    )
    setup = ("SET enable_seqscan = off",) if filled.dialect.name == "postgresql" else ()
    plan = plan_of(filled, page(filters), marker="ORDER BY", setup=setup)
    if filled.dialect.name == "sqlite":
        assert "ix_eventactor_actor_event" in plan, plan
        assert "SEARCH event USING INTEGER PRIMARY KEY (rowid=?)" in plan, plan
        assert "ix_event_precision_start" not in plan, plan
    else:  # the actor's stretch of actorevent's date index that the range bounds
        assert "Index Only Scan using ix_actorevent_actor_order" in plan, plan
        assert re.search(r"Index Cond: \(\(actor_id = 7\).*start >= .*start <= ", plan), plan
        alone_page = page(EventFilter.build(actor="actor 7"))
        alone = plan_of(filled, alone_page, marker="ORDER BY", setup=setup)
        # alone: the first 101 index entries in date order, then those events by key
        assert "Index Only Scan using ix_actorevent_actor_order" in alone, alone
        assert "Index Scan using event_pkey on event" in alone, alone
        assert "Sort" not in alone, alone
        assert not full_scans(alone, "event") and not full_scans(alone, "actorevent"), alone
    assert not full_scans(plan, "event"), plan


def check_details_of_a_page_are_index_lookups(filled: Engine) -> None:
    """Sources, actors and links of a page: looked up by event id through their indexes
    (one ids parameter), never a scan of the table."""
    setup = ("SET enable_seqscan = off",) if filled.dialect.name == "postgresql" else ()

    def with_links(session: Session) -> None:
        search_events(session=session, filters=EventFilter(), limit=100, with_links=True)

    for marker, table in (
        ("JOIN article", "eventsource"),
        ("JOIN actor", "eventactor"),
        ("FROM eventlink", "eventlink"),
    ):
        plan = plan_of(filled, with_links, marker=marker, setup=setup)
        assert not full_scans(plan, table), (marker, plan)


def check_merge_candidates_are_a_bounded_range(filled: Engine) -> None:
    def lookup(session: Session) -> None:
        events_overlapping(session=session, start=date(2020, 3, 1), end=date(2020, 3, 2))

    plan = plan_of(filled, lookup, marker="FROM event \nWHERE")
    assert not full_scans(plan, "event"), plan
    if filled.dialect.name == "sqlite":
        assert "start>? AND start<?" in plan, plan


def check_story_words_are_a_bounded_range_per_word(filled: Engine) -> None:
    """A story update's word lookup: per word and precision a range of `eventword`'s key,
    closed on both sides (start BETWEEN lo - longest span AND hi), never a scan of the
    index or of the events."""
    setup = ("SET enable_seqscan = off",) if filled.dialect.name == "postgresql" else ()

    def lookup(session: Session) -> None:
        window = [(date(2020, 3, 1), date(2020, 3, 15))]
        storywords.events_sharing(session=session, windows=window, words=["truc", "summit"])

    plan = plan_of(filled, lookup, marker="FROM eventword \nWHERE", setup=setup)
    if filled.dialect.name == "sqlite":
        bounded = "USING PRIMARY KEY (word=? AND precision=? AND start>? AND start<?)"
        assert f"SEARCH eventword {bounded}" in plan, plan
    else:
        assert "using eventword_pkey on eventword" in plan, plan
        assert re.search(r"Index Cond: .*word\)::text = ANY .*start >= .*start <= ", plan), plan
    assert not full_scans(plan, "eventword") and not full_scans(plan, "event"), plan


def test_queries_use_their_indexes(filled: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """One store built per backend, eight kinds of plan checked on it."""
    check_week_is_a_two_sided_range_on_the_precision_index(filled)
    check_rare_word_is_found_through_the_text_index(filled)
    check_two_words_are_one_text_index_query(filled)
    check_common_word_walks_salient_events_in_date_order(filled, monkeypatch)
    check_actor_text_and_range_start_from_the_actors_events(filled)
    check_details_of_a_page_are_index_lookups(filled)
    check_merge_candidates_are_a_bounded_range(filled)
    check_story_words_are_a_bounded_range_per_word(filled)
