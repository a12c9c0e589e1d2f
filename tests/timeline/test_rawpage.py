"""GET /events' fast path (timeline.store.rawpage + serialize.raw_page_json) gives the bytes
the general path (search_events, event_to_dict, to_json_bytes) gives, on SQLite and Postgres."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.timeline.conftest import make_article, make_event
from timeline.serialize import event_to_dict, raw_page_json, to_json_bytes
from timeline.store.engine import connection_scope, session_scope
from timeline.store.models import EventSource
from timeline.store.query import EventFilter, search_events
from timeline.store.rawpage import read_page

D = date


def general_body(engine: Engine, filters: EventFilter, limit: int, cursor: str | None) -> bytes:
    with connection_scope(engine) as conn:
        page = search_events(
            session=conn, filters=filters, limit=limit, cursor=cursor, with_links=True
        )
    events = [event_to_dict(v, links=True) for v in page.events]
    return to_json_bytes({"events": events, "next_cursor": page.next_cursor, "tombstones": []})


def fast_body(engine: Engine, filters: EventFilter, limit: int, cursor: str | None) -> bytes:
    with connection_scope(engine) as conn:
        raw = read_page(conn, filters, limit, cursor)
    assert raw is not None, filters
    return raw_page_json(raw)


def odd_rows(engine: Engine) -> None:
    """What the Easter data lacks: roles and places in JSON, non-ASCII, a trigger, a source
    in a headline and in a lead, an article without date or URL, a timestamp with and one
    without a fraction, wide precisions, an open end, undated and non-salient events."""
    with session_scope(engine) as session:
        undated_article = make_article(session, "https://example.org/ünï", None)
        week = make_event(session, "Wöchentlich «talks»", D(2025, 4, 14), D(2025, 4, 20))
        week.precision, week.date_inferred = "week", True
        month = make_event(session, "A month", D(2025, 4, 1), D(2025, 4, 30), precision="month")
        make_event(session, "Two years", D(2024, 1, 1), D(2025, 12, 31), precision="year")
        make_event(session, "Open end", D(2025, 4, 19), None).end = None
        make_event(session, "Undated and minor", None).salient = False
        month.updated_at = datetime(2025, 4, 30, 12, 0, 0, tzinfo=UTC)
        week.updated_at = datetime(2025, 4, 30, 12, 0, 0, 123456, tzinfo=UTC)
        session.flush()
        assert week.id is not None and undated_article.id is not None
        for n, (headline, lead) in enumerate(((True, False), (False, True))):
            session.add(
                EventSource(
                    event_id=week.id,
                    article_id=undated_article.id,
                    sentence_index=n,
                    quote='He said "nyet"\ttwice \u2014 \U0001f600',
                    trigger_text="said",
                    trigger_start=3,
                    trigger_end=7,
                    agents=["Владимир Путин", "Zelenskyy"],
                    patients=[],
                    places=["Kyiv"],
                    headline=headline,
                    lead=lead,
                    main=n == 0,
                )
            )


def test_fast_path_bytes_equal_the_general_path(engine: Engine, easter: dict[str, int]) -> None:
    odd_rows(engine)
    shapes = [
        EventFilter.build(),
        EventFilter.build(everything=True),
        EventFilter.build(start=D(2025, 4, 18), end=D(2025, 4, 24)),
        EventFilter.build(start=D(2025, 4, 20), end=D(2025, 4, 20), everything=True),
        EventFilter.build(start=D(2022, 1, 1), end=D(2026, 1, 1)),
        EventFilter.build(start=D(2030, 1, 1), end=D(2030, 1, 7)),
    ]
    compared = 0
    for filters in shapes:
        for limit in (1, 3, 100):
            cursor = None
            while True:
                fast = fast_body(engine, filters, limit, cursor)
                assert fast == general_body(engine, filters, limit, cursor), (filters, cursor)
                compared += 1
                cursor = to_next(fast)
                if cursor is None:
                    break
    assert compared > 40
    body = fast_body(engine, EventFilter.build(everything=True), 100, None).decode()
    for needle in ("Владимир Путин", '"position":"headline"', '"position":"lead"', "2024..2025",
                   "~2025-W16", '"published":null', '"url":null', "12:00:00.123456+00:00",
                   '"main":false', '"trigger":{"text":"said","start":3,"end":7}', "\U0001f600",
                   '"label":"undated"', '"start":null', '"other_title":'):  # fmt: skip
        assert needle in body, needle


def to_next(body: bytes) -> str | None:
    import json

    cursor: str | None = json.loads(body)["next_cursor"]
    return cursor


def test_other_pages_take_the_general_path(engine: Engine, easter: dict[str, int]) -> None:
    """Words, an actor, types and one-sided ranges are not read by rawpage."""
    with connection_scope(engine) as conn:
        for filters in (
            EventFilter.build(text="truce"),
            EventFilter.build(actor="Putin"),
            EventFilter.build(type="CEASEFIRE"),
            EventFilter.build(start=D(2025, 4, 20)),
        ):
            assert read_page(conn, filters, 10, None) is None, filters


def test_a_driver_error_is_raised_as_sqlalchemy_raises_it(
    engine: Engine, easter: dict[str, int]
) -> None:
    """rawpage runs statements on the DBAPI cursor; its errors must still be SQLAlchemy's
    (the API answers OperationalError and InterfaceError with 503), the same class as the
    general path's."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE eventactor RENAME TO eventactor_gone"))
    raised = []
    for read in (general_body, fast_body):
        with pytest.raises(DBAPIError) as caught:
            read(engine, EventFilter.build(), 10, None)
        raised.append(type(caught.value))
    assert raised[0] is raised[1], raised
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE eventactor_gone RENAME TO eventactor"))
    assert fast_body(engine, EventFilter.build(), 10, None) == general_body(
        engine, EventFilter.build(), 10, None
    )


def test_sqlite_reads_plain_pages_on_the_event_loop(engine: Engine) -> None:
    """SQLite: the pages rawpage reads run on the event loop (timeline.api._on_loop), the
    rest in the page threads; Postgres: every page in a thread."""
    from types import SimpleNamespace

    from timeline.api import _on_loop

    app: Any = SimpleNamespace(state=SimpleNamespace(engine=engine))
    sqlite = engine.dialect.name == "sqlite"
    assert _on_loop(app, EventFilter.build(start=D(2025, 4, 14), end=D(2025, 4, 20))) is sqlite
    assert _on_loop(app, EventFilter.build()) is sqlite
    assert not _on_loop(app, EventFilter.build(text="truce"))
    assert not _on_loop(app, EventFilter.build(type="CEASEFIRE"))
