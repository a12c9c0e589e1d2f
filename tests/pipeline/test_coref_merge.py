"""Coreference in the real pipeline: real SQLite store, real analysis, the shipped model."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from config.settings import get_settings
from ingest.article import ArticleInput
from ingest.pipeline import ingest_batch
from timeline.store.engine import make_engine, upgrade
from timeline.store.models import Article, EventKey, EventSource


@pytest.fixture(autouse=True)
def learned_merge(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """These tests are about the learned merge (`coref_merge = "learned"`)."""
    monkeypatch.setenv("EVENTLINE_COREF_MERGE", "learned")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _engine(tmp_path: Path, name: str) -> Engine:
    eng = make_engine(f"sqlite:///{tmp_path / name}")
    upgrade(eng)
    return eng


def _groups(eng: Engine) -> set[frozenset[tuple[str, str]]]:
    """The timeline as sets of (article, quote): independent of event ids."""
    with Session(eng) as s:
        where = {a.id: a.location for a in s.exec(select(Article))}
        by_event: dict[int, set[tuple[str, str]]] = {}
        for src in s.exec(select(EventSource)):
            by_event.setdefault(src.event_id, set()).add((where[src.article_id], src.quote))
    return {frozenset(v) for v in by_event.values()}


def _article(name: str, text: str, day: date) -> ArticleInput:
    return ArticleInput(f"{name}.txt", text, title=text.split(".")[0], published=day)


MON = date(2024, 3, 11)
OSCARS_2009 = _article(
    "a",
    "Hugh Jackman will host the 81st Academy Awards, producers said on Friday. "
    "The Australian actor hosted the Tony Awards three times.",
    date(2008, 12, 12),
)
OSCARS_2009_B = _article(
    "b",
    "Hugh Jackman will host the 81st Academy Awards ceremony, its producers announced on "
    "Friday. Jackman said he was thrilled.",
    date(2008, 12, 12),
)
OSCARS_2014 = _article(
    "c",
    "Ellen DeGeneres will host the 86th Academy Awards, producers said on Friday. "
    "DeGeneres hosted the ceremony once before.",
    date(2013, 8, 2),
)


def test_ingestion_order_does_not_change_the_timeline(tmp_path: Path) -> None:
    articles = [OSCARS_2009, OSCARS_2014, OSCARS_2009_B]
    results = []
    for n, order in enumerate([articles, articles[::-1], [articles[1], articles[0], articles[2]]]):
        eng = _engine(tmp_path, f"order{n}.db")
        ingest_batch(order, engine=eng, use_spacy=True)
        results.append(_groups(eng))
        eng.dispose()
    assert results[0] == results[1] == results[2]


def test_two_oscar_ceremonies_stay_apart_and_one_ceremony_merges(tmp_path: Path) -> None:
    eng = _engine(tmp_path, "oscars.db")
    ingest_batch([OSCARS_2009, OSCARS_2014, OSCARS_2009_B], engine=eng, use_spacy=True)
    groups = _groups(eng)
    hosting = [g for g in groups if any("will host" in q for _, q in g)]
    docs = [{a for a, _ in g} for g in hosting]
    assert {"a.txt", "b.txt"} in docs  # one ceremony, two reports: one event
    assert all(not ({"c.txt"} < d) for d in docs)  # the 2014 host never joins them


def test_two_statements_of_one_actor_on_one_day_stay_apart(tmp_path: Path) -> None:
    """One speaker, one day, one verb, two subjects: two events."""
    eng = _engine(tmp_path, "statements.db")
    tanks = (
        "Chancellor Olaf Scholz said on Monday that Germany would send more tanks to Ukraine. "
        "The Leopard 2 tanks will leave from army depots in April, the defence ministry added. "
        "Kyiv has asked its allies for heavy armour for months. "
        "Poland and Norway have promised to deliver tanks of their own. "
        "The delivery follows weeks of talks between Berlin and Washington over the weapons. "
        "Russian officials warned that the shipment would prolong the war."
    )
    pensions = (
        "Chancellor Olaf Scholz said on Monday that the pension reform would be delayed until "
        "next year. The reform would raise the retirement age to 67 and cut early retirement "
        "benefits. Unions had protested against the plan in several cities. "
        "The finance minister has warned that the pension fund will run short of money by 2030. "
        "Opposition parties accused the coalition of breaking an election promise. "
        "A vote in the Bundestag had been expected before the summer recess."
    )
    ingest_batch(
        [_article("s1", tanks, MON), _article("s2", pensions, MON)], engine=eng, use_spacy=True
    )
    groups = _groups(eng)
    said = [g for g in groups if any("Scholz said on Monday" in q for _, q in g)]
    assert len(said) == 2


def test_two_happenings_of_one_kind_on_different_days_stay_apart(tmp_path: Path) -> None:
    eng = _engine(tmp_path, "summits.db")
    ingest_batch(
        [
            _article(
                "k1",
                "Leaders of the G7 met in Hiroshima on Friday for a summit.",
                date(2023, 5, 19),
            ),
            _article(
                "k2", "Leaders of the G7 met in Apulia on Thursday for a summit.", date(2024, 6, 13)
            ),
        ],
        engine=eng,
        use_spacy=True,
    )
    groups = _groups(eng)
    assert not any({a for a, _ in g} == {"k1.txt", "k2.txt"} for g in groups)


@pytest.mark.parametrize("use_spacy", [True, False], ids=["spacy", "no-spacy"])
def test_block_keys_follow_the_events_and_reingest_is_a_no_op(
    tmp_path: Path, use_spacy: bool
) -> None:
    eng = _engine(tmp_path, "keys.db")
    ingest_batch([OSCARS_2009, OSCARS_2009_B], engine=eng, use_spacy=use_spacy)
    again = ingest_batch([OSCARS_2009, OSCARS_2009_B], engine=eng, use_spacy=use_spacy)
    assert again.skipped == 2
    with Session(eng) as s:
        events = {src.event_id for src in s.exec(select(EventSource))}
        keyed = {k.event_id for k in s.exec(select(EventKey))}
        assert keyed == events  # every event is findable, no key points at a removed event
        assert all(src.coref for src in s.exec(select(EventSource)))
