"""timeline.store.query on real stores: SQLite always, Postgres when reachable."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event as sa_event
from sqlalchemy.engine import Engine

from tests.timeline.conftest import make_article, make_event
from timeline.store import textsearch
from timeline.store.engine import session_scope
from timeline.store.query import (
    EventFilter,
    QueryError,
    decode_cursor,
    facets,
    get_event,
    granule,
    iter_events,
    search_events,
    text_terms,
)

D = date


def ids(engine: Engine, limit: int | None = None, **kw: object) -> list[int]:
    with session_scope(engine) as session:
        page = search_events(session=session, filters=EventFilter.build(**kw), limit=limit)  # type: ignore[arg-type]
        return [v.id for v in page.events]


def test_order_is_start_end_id_with_undated_last(engine: Engine, easter: dict[str, int]) -> None:
    got = ids(engine)
    e = easter
    assert got == [
        e["invasion"],
        e["gaza_truce"],
        e["trump_warning"],
        e["violations"],  # same dates as the truce, smaller id
        e["truce"],
        e["proposal"],
        e["clarification"],
        e["reaction"],
        e["deal_week"],  # 2025-04-21 .. end of week 17
        e["london"],
        e["undated"],
    ]


def test_date_range_is_inclusive_and_overlapping(engine: Engine, easter: dict[str, int]) -> None:
    e = easter
    assert ids(engine, start=D(2025, 4, 20), end=D(2025, 4, 20)) == [e["violations"], e["truce"]]
    assert ids(engine, start=D(2025, 4, 18), end=D(2025, 4, 19)) == [
        e["trump_warning"],
        e["violations"],
        e["truce"],
    ]
    # Open ends, and undated events never overlap a range.
    assert ids(engine, start=D(2025, 4, 23)) == [e["deal_week"], e["london"]]  # week 17
    assert ids(engine, end=D(2025, 3, 31)) == [e["invasion"], e["gaza_truce"]]
    assert e["undated"] not in ids(engine, start=D(2000, 1, 1))


def test_wider_precisions_cover_their_whole_granule(engine: Engine, easter: dict[str, int]) -> None:
    e = easter
    # The week-precision event is stored as its Monday only; Thursday of that week is in it.
    assert e["deal_week"] in ids(engine, start=D(2025, 4, 24), end=D(2025, 4, 24))
    assert e["deal_week"] not in ids(engine, start=D(2025, 4, 28), end=D(2025, 4, 30))
    # The month-precision event is stored as 2022-02-01: any February day finds it.
    assert ids(engine, start=D(2022, 2, 15), end=D(2022, 2, 15)) == [e["invasion"]]
    assert ids(engine, start=D(2022, 3, 1), end=D(2022, 3, 31)) == []
    assert ids(engine, start=D(2022, 1, 1), end=D(2022, 1, 31)) == []


@pytest.fixture(params=["short lists", "walks"])
def plan(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both plans for actors and words: driven from their (short) id lists, or tested row by
    row while the date order is walked (every actor and word counts as common when COMMON
    is 1). The rows must be the same."""
    if request.param == "walks":
        monkeypatch.setattr(textsearch, "COMMON", 1)
    return str(request.param)


def test_actor_by_name_alias_any_case(engine: Engine, easter: dict[str, int], plan: str) -> None:
    e = easter
    russia = [e["invasion"], e["violations"], e["truce"]]
    assert ids(engine, actor="Russia") == russia
    assert ids(engine, actor="the kremlin") == russia
    assert ids(engine, actor="MOSCOW") == russia
    assert ids(engine, actor="putin") == [e["truce"], e["proposal"]]
    assert ids(engine, actor="Vladimir Putin") == [e["truce"], e["proposal"]]
    assert ids(engine, actor="zelensk") == [e["reaction"], e["london"]]  # no exact name: substring
    assert ids(engine, actor="nobody at all") == []


def test_type_and_text_filters(engine: Engine, easter: dict[str, int], plan: str) -> None:
    e = easter
    assert ids(engine, type="consult") == [
        e["gaza_truce"],
        e["proposal"],
        e["reaction"],
        e["london"],
    ]
    assert ids(engine, type="ACCUSE, CEASEFIRE") == [e["violations"], e["truce"]]
    assert ids(engine, type="\x00ACCUSE") == [e["violations"]]  # NUL: Postgres rejects it
    assert len(ids(engine, type="\x00")) == len(ids(engine))  # nothing left: no type filter
    # Text: every word in the title or in some quote; phrases in double quotes.
    assert ids(engine, text="easter truce") == [e["violations"], e["truce"]]
    assert ids(engine, text="Pokrovsk") == [e["violations"]]  # only in a quote
    assert ids(engine, text='"civilian targets"') == [e["clarification"], e["reaction"]]
    assert ids(engine, text="Russia's") == [e["invasion"]]  # matches the typographic ’
    assert ids(engine, text="100%") == []  # wildcards are literal
    assert ids(engine, text="_") == []


def test_filters_combine(engine: Engine, easter: dict[str, int], plan: str) -> None:
    e = easter
    got = ids(engine, start=D(2025, 4, 21), end=D(2025, 4, 21), actor="Putin", type="CONSULT")
    assert got == [e["proposal"]]
    assert ids(engine, actor="Ukraine", text="truce", start=D(2025, 4, 1)) == [e["violations"]]


def test_keyset_pages_cover_everything_once(engine: Engine, easter: dict[str, int]) -> None:
    everything = ids(engine)
    with session_scope(engine) as session:
        seen, cursor, pages = [], None, 0
        while True:
            page = search_events(session=session, limit=3, cursor=cursor)
            seen += [v.id for v in page.events]
            pages += 1
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        assert seen == everything
        assert pages == 4  # 11 events, 3 a page
        assert [v.id for v in iter_events(session=session, batch=2)] == everything


def test_cursor_is_stable_under_concurrent_inserts(engine: Engine, easter: dict[str, int]) -> None:
    with session_scope(engine) as session:
        first = search_events(session=session, limit=4)
    with session_scope(engine) as session:  # ingest adds an event before the cursor
        article = make_article(session, "late.txt", D(2025, 4, 22))
        make_event(session, "An early event, ingested late", D(2020, 1, 1), sources=[])
        assert article.id
    with session_scope(engine) as session:
        rest = iter_events(session=session, batch=3)
        all_ids = [v.id for v in rest]
        second = search_events(session=session, limit=100, cursor=first.next_cursor)
    got = [v.id for v in first.events] + [v.id for v in second.events]
    assert len(got) == len(set(got)) == len(all_ids) - 1  # nothing repeated or skipped


@pytest.mark.parametrize(
    "cursor", ["nonsense", "W10=", "WzEsMiwzXQ", "bnVsbA", "WyIyMDI1LTEzLTAxIiwiMjAyNSIsMV0"]
)
def test_bad_cursor_is_a_query_error(cursor: str, sqlite_engine: Engine) -> None:
    with session_scope(sqlite_engine) as session, pytest.raises(QueryError, match="cursor"):
        search_events(session=session, cursor=cursor)


def test_bad_filters_are_query_errors() -> None:
    with pytest.raises(QueryError, match="starts after"):
        EventFilter.build(start=D(2025, 5, 1), end=D(2025, 4, 1))
    assert decode_cursor("WyIyMDI1LTA0LTIxIiwiMjAyNS0wNC0yMSIsN10") == (
        D(2025, 4, 21),
        D(2025, 4, 21),
        7,
    )


def test_details_are_loaded_in_batches(engine: Engine, easter: dict[str, int]) -> None:
    """The number of statements for a page does not grow with its size (no N+1)."""

    def statements(limit: int) -> int:
        count = 0

        def on_execute(*_args: object) -> None:
            nonlocal count
            count += 1

        sa_event.listen(engine, "before_cursor_execute", on_execute)
        try:
            with session_scope(engine) as session:
                page = search_events(session=session, limit=limit, with_links=True)
                assert len(page.events) == limit
        finally:
            sa_event.remove(engine, "before_cursor_execute", on_execute)
        return count

    # events, sources, actors, links, linked titles; undated events need one more query
    assert statements(5) == statements(9) == 5
    assert statements(11) == 6


def test_event_details(engine: Engine, easter: dict[str, int]) -> None:
    with session_scope(engine) as session:
        view = get_event(session=session, event_id=easter["proposal"])
        assert view is not None
        assert view.actors == ["Vladimir Putin", "Ukraine"]  # agent first
        assert [s.article for s in view.sources] == [
            "seeds/000_cb83dc8ea2603296.txt",
            "seeds/001_5d60efc459c9e1f5.txt",
        ]
        assert view.sources[0].time_text == "on Monday"
        kinds = {(lk.kind, lk.direction, lk.other_id) for lk in view.links}
        assert kinds == {
            ("follows", "out", easter["truce"]),
            ("elaborates", "in", easter["clarification"]),
        }
        assert get_event(session=session, event_id=999_999) is None
        counts = facets(session=session)
        assert {"type": "CONSULT", "count": 4} in counts["types"]
        assert counts["actors"][0] == {"name": "Ukraine", "kind": "state", "count": 5}


def test_granules() -> None:
    assert granule(D(2025, 4, 24), "week") == (D(2025, 4, 21), D(2025, 4, 27))
    assert granule(D(2024, 2, 10), "month") == (D(2024, 2, 1), D(2024, 2, 29))
    assert granule(D(2025, 12, 10), "month") == (D(2025, 12, 1), D(2025, 12, 31))
    assert granule(D(2025, 6, 6), "year") == (D(2025, 1, 1), D(2025, 12, 31))
    assert granule(date.max, "week")[1] == date.max
    assert granule(D(2025, 6, 6), "unknown") == (D(2025, 6, 6), D(2025, 6, 6))
    assert text_terms('"Easter truce" violations, (Kyiv)') == ["easter truce", "violations", "kyiv"]


def test_range_query_matches_a_brute_force_model(sqlite_engine: Engine) -> None:
    """Random spans of every precision against random ranges: SQL agrees with Python."""
    base = D(2025, 1, 1)
    spans = []
    with session_scope(sqlite_engine) as session:
        for n in range(60):
            precision = ("day", "week", "month", "year", "unknown")[n % 5]
            start = base + timedelta(days=(n * 37) % 400 - 30)
            end = start + timedelta(days=(n * 11) % 9)
            e = make_event(session, f"event {n}", start, end, precision=precision)
            spans.append((e.id, start, end, precision))

    def expected(lo: date | None, hi: date | None) -> set[int | None]:
        out = set()
        for ident, start, end, precision in spans:
            first, last = granule(start, precision)[0], granule(end, precision)[1]
            if (hi is None or first <= hi) and (lo is None or last >= lo):
                out.add(ident)
        return out

    days = st.one_of(st.none(), st.dates(min_value=D(2024, 11, 1), max_value=D(2026, 4, 1)))

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(days, days)
    def check(lo: date | None, hi: date | None) -> None:
        if lo and hi and lo > hi:
            lo, hi = hi, lo
        assert set(ids(sqlite_engine, start=lo, end=hi)) == expected(lo, hi)

    check()


def test_pages_survive_rows_without_an_end(engine: Engine) -> None:
    """A dated event with end NULL (read as end = start) pages like any other, on each store."""
    from timeline.store.models import Event

    with session_scope(engine) as session:
        for n in range(7):
            day = D(2025, 4, 20 + n % 2)
            session.add(Event(title=f"e{n}", start=day, end=None if n % 3 == 0 else day))
        session.add(Event(title="undated", start=None, end=None))
    everything = ids(engine)
    assert len(everything) == 8
    for size in (1, 2, 3):
        with session_scope(engine) as session:
            got = [v.id for v in iter_events(session=session, batch=size)]
        assert got == everything
    with session_scope(engine) as session:
        views = list(iter_events(session=session))
    assert all(v.end == v.start for v in views)


def test_pages_from_cached_statements_equal_the_general_query(
    engine: Engine, easter: dict[str, int]
) -> None:
    """Pages without actor or words come from statements built once per shape
    (query._plain_rows); they give the rows the general path (_filtered_rows) gives, for
    ranges, types, salience, every cursor position, undated rows and rows without an end."""
    from timeline.store import query
    from timeline.store.models import Event

    with session_scope(engine) as session:
        for n in range(5):
            day = D(2025, 4, 19 + n % 3)
            session.add(Event(title=f"open {n}", start=day, end=None, precision="day"))
        session.add(Event(title="undated two", start=None, end=None, salient=False))
    shapes: list[dict[str, object]] = [
        {},
        {"start": D(2025, 4, 18), "end": D(2025, 4, 24)},
        {"start": D(2022, 2, 1), "end": D(2025, 12, 31), "type": "CONSULT,STATEMENT"},
        {"type": "STATEMENT"},
        {"everything": True},
        {"start": D(2030, 1, 1), "end": D(2030, 1, 7)},
    ]
    checked = 0
    with session_scope(engine) as session:
        for kw in shapes:
            filters = EventFilter.build(**kw)  # type: ignore[arg-type]
            for want in (1, 2, 3, 101):
                after = None
                while True:
                    plain = query._plain_rows(session, filters, after, want)
                    assert plain is not None
                    general = query._filtered_rows(session, filters, after, want)
                    assert [tuple(r) for r in plain] == [tuple(r) for r in general], (kw, after)
                    checked += 1
                    if len(plain) < want or want == 1:
                        break
                    last = plain[want - 2]
                    after = (last.start, last.end, last.id)
        assert query._plain_rows(session, EventFilter.build(actor="Putin"), None, 10) is None
        assert query._plain_rows(session, EventFilter.build(start=D(2025, 1, 1)), None, 10) is None
    assert checked > 40


def test_cached_statements_never_serve_a_stale_page(engine: Engine, easter: dict[str, int]) -> None:
    """The statements are cached, the rows never: after a write the same request sees it,
    a new event of a precision already stored and one of a precision new to the store
    (which changes the statement's shape) alike."""
    week = {"start": D(2025, 4, 14), "end": D(2025, 4, 20)}
    before = ids(engine, limit=100, **week)
    with session_scope(engine) as session:
        day = make_event(session, "A day event, ingested late", D(2025, 4, 16))
    assert set(ids(engine, limit=100, **week)) == {*before, day.id}
    with session_scope(engine) as session:
        year = make_event(session, "A year event", D(2025, 1, 1), precision="year")
        session.get(type(year), day.id).title = "Renamed"  # type: ignore[union-attr]
    with session_scope(engine) as session:
        page = search_events(session=session, filters=EventFilter.build(**week), limit=100)  # type: ignore[arg-type]
        got = {v.id: v.title for v in page.events}
    assert year.id in got and got[day.id] == "Renamed"
    assert set(before) < set(got)
