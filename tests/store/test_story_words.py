"""The stories' word index (`eventword`) holds exactly each main dated event's stems, after
whatever writes: new events and sources, a merge (sources moved, the merged event deleted),
a source moved by a later decision, a quote or title edited, re-dating (start, end,
precision), an event made clause-level or undated, and a bulk load. Rows are rewritten when
the index is next read (`catch_up`); the test reads it as a story update does. Run on
SQLite and Postgres (`engine`)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col

from tests.timeline.conftest import Src, make_article, make_event
from timeline.store import events, storywords
from timeline.store.engine import session_scope
from timeline.store.models import Event, EventSource

D = date


def expected(conn: Connection) -> dict[int, tuple[str, date, date, frozenset[str]]]:
    """What the index should hold, computed from the rows: id -> (precision, start, stop,
    event_words of its title and quotes), for the main dated events with a word."""
    quotes: dict[int, list[str]] = {}
    for of, quote in conn.execute(select(col(EventSource.event_id), col(EventSource.quote))):
        quotes.setdefault(of, []).append(quote)
    out: dict[int, tuple[str, date, date, frozenset[str]]] = {}
    for ident, precision, start, end, title, main in conn.execute(
        select(
            col(Event.id),
            col(Event.precision),
            col(Event.start),
            col(Event.end),
            col(Event.title),
            col(Event.main),
        )
    ):
        assert ident is not None
        words = storywords.event_words(title, quotes.get(ident, []))
        if start is not None and main and words:
            out[ident] = (precision, start, end or start, words)
    return out


def stored(conn: Connection) -> dict[int, tuple[str, date, date, frozenset[str]]]:
    storywords.catch_up(conn)
    t = storywords.event_word
    rows: dict[int, tuple[str, date, date, set[str]]] = {}
    for ident, precision, start, stop, word in conn.execute(
        select(t.c.event_id, t.c.precision, t.c.start, t.c.stop, t.c.word)
    ):
        assert rows.setdefault(ident, (precision, start, stop, set()))[:3] == (
            precision,
            start,
            stop,
        )
        rows[ident][3].add(word)
    return {i: (p, s, e, frozenset(w)) for i, (p, s, e, w) in rows.items()}


def check(engine: Engine) -> dict[int, tuple[str, date, date, frozenset[str]]]:
    with engine.begin() as conn:
        got = stored(conn)
        assert got == expected(conn)
        stale = conn.execute(select(storywords.event_word_stale.c.event_id)).all()
        assert stale == []
    return got


def test_event_words_are_the_document_stems() -> None:
    assert storywords.event_words("Truce talks", ["The truces held.", "An envoy’s visit"]) == {
        "truc",
        "talk",
        "the",
        "held",
        "envoy",
        "visit",
    }
    assert storywords.event_words("A to-do", []) == {"to-do"}


def test_the_index_follows_merges_moves_edits_and_re_dating(engine: Engine) -> None:
    with session_scope(engine) as s:
        a = make_article(s, "a.txt", D(2025, 4, 1))
        b = make_article(s, "b.txt", D(2025, 4, 2))
        truce = make_event(s, "Truce agreed", D(2025, 4, 1), sources=[Src(a, "Guns fell silent.")])
        dup = make_event(s, "Ceasefire", D(2025, 4, 1), sources=[Src(b, "A drone struck.")])
        c = make_article(s, "c.txt", D(2025, 4, 2))
        talks = make_event(s, "Talks", D(2025, 4, 2), sources=[Src(c, "An envoy spoke.")])
        undated = make_event(s, "Undated summit", None)
        made = {"truce": truce, "dup": dup, "talks": talks, "undated": undated}
        ids = {name: int(e.id or 0) for name, e in made.items()}
    got = check(engine)
    assert got[ids["truce"]][3] == {"truc", "agre", "gun", "fell", "silent"}
    assert ids["undated"] not in got
    with session_scope(engine) as s:  # a merge: sources moved over, the merged event deleted
        events.merge_events(session=s, merged_id=ids["dup"], into_id=ids["truce"])
    got = check(engine)
    assert ids["dup"] not in got and {"dron", "struck"} <= got[ids["truce"]][3]
    with engine.begin() as conn:  # a later decision moves a source to another event
        conn.execute(
            update(EventSource)
            .where(
                col(EventSource.event_id) == ids["truce"],
                col(EventSource.quote) == "A drone struck.",
            )
            .values(event_id=ids["talks"])
        )
    got = check(engine)
    assert "dron" in got[ids["talks"]][3] and "dron" not in got[ids["truce"]][3]
    with engine.begin() as conn:  # quote and title edited
        conn.execute(
            update(EventSource)
            .where(col(EventSource.quote) == "An envoy spoke.")
            .values(quote="Ships.")
        )
        conn.execute(update(Event).where(col(Event.id) == ids["talks"]).values(title="Harbour"))
    got = check(engine)
    assert "envoy" not in got[ids["talks"]][3] and {"ship", "harbour"} <= got[ids["talks"]][3]
    with engine.begin() as conn:  # re-dated, widened, made clause-level, dated at last
        conn.execute(
            update(Event)
            .where(col(Event.id) == ids["truce"])
            .values(start=D(2025, 3, 1), end=D(2025, 3, 31), precision="month")
        )
        conn.execute(update(Event).where(col(Event.id) == ids["talks"]).values(main=False))
        conn.execute(
            update(Event).where(col(Event.id) == ids["undated"]).values(start=D(2025, 5, 1))
        )
    got = check(engine)
    assert got[ids["truce"]][:3] == ("month", D(2025, 3, 1), D(2025, 3, 31))
    assert ids["talks"] not in got and ids["undated"] in got


def test_a_bulk_load_fills_the_index(engine: Engine) -> None:
    from datetime import UTC, datetime

    from sqlalchemy import insert

    from timeline.store.bulk import bulk_load

    with session_scope(engine) as s:
        art_id = make_article(s, "a.txt", D(2025, 4, 1)).id
    now = datetime(2025, 4, 1, tzinfo=UTC)
    with engine.begin() as conn, bulk_load(conn):
        conn.execute(
            insert(Event),
            [{"id": 101, "start": D(2025, 4, 1), "end": D(2025, 4, 9), "precision": "day",
              "date_inferred": False, "type": "AGREE", "modality": "occurred",
              "title": "Grain deal signed", "created_at": now}],
        )  # fmt: skip
        conn.execute(
            insert(EventSource),
            [{"event_id": 101, "article_id": art_id, "sentence_index": 0, "quote": "A drone."}],
        )
    with engine.begin() as conn:
        assert conn.execute(select(storywords.event_word_stale.c.event_id)).all() == []
    assert check(engine)[101][3] == {"grain", "deal", "sign", "dron"}
