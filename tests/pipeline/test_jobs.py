"""`ingest_batch(jobs=N)`: analysis in worker processes gives the very store one process gives,
and each item keeps its own outcome, in input order."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

from ingest.article import ArticleInput, SourceProblem
from ingest.pipeline import ItemResult, ingest_batch
from ingest.sources.files import read_articles
from tests.conftest import SEEDS
from timeline.store.engine import make_engine, session_scope, upgrade
from timeline.store.query import iter_events


def seed_items() -> list[ArticleInput | SourceProblem]:
    items: list[ArticleInput | SourceProblem] = []
    for path in sorted(SEEDS.glob("*.txt"))[:4]:
        items.extend(read_articles(path, max_bytes=5_000_000))
    first = items[0]
    assert isinstance(first, ArticleInput)
    return [*items, SourceProblem("gone.txt", "read: no such file"), first]


def store_of(engine: Engine) -> list[tuple[object, ...]]:
    with session_scope(engine) as session:
        return [
            (e.start, e.end, e.type, e.title, tuple(s.quote for s in e.sources), tuple(e.actors))
            for e in iter_events(session=session)
        ]


def test_two_jobs_store_what_one_stores(tmp_path: Path) -> None:
    outcomes, stores = [], []
    for jobs in (1, 2):
        engine = make_engine(f"sqlite:///{tmp_path / f'jobs{jobs}.db'}")
        upgrade(engine)
        items: list[ItemResult] = []
        run = ingest_batch(
            seed_items(), engine=engine, use_spacy=False, jobs=jobs, on_item=items.append
        )
        seen = [(r.location, r.status) for r in items]
        outcomes.append((seen, run.new, run.skipped, run.failed, run.events_new))
        stores.append(store_of(engine))
        engine.dispose()
    assert outcomes[0] == outcomes[1]
    assert stores[0] == stores[1] and stores[0]
    seen = outcomes[0][0]
    assert isinstance(seen, list)
    assert seen[-2] == ("gone.txt", "failed") and seen[-1][1] == "skipped"


def test_a_window_is_analysed_before_any_of_it_is_stored(tmp_path: Path) -> None:
    """The coverage groups of a decision see the window's other articles (coref.Window), so
    every item of a window is analysed before its first is stored; the progress hears both."""
    engine = make_engine(f"sqlite:///{tmp_path / 'w.db'}")
    upgrade(engine)
    log: list[tuple[str, str]] = []
    items = seed_items()
    ingest_batch(
        items,
        engine=engine,
        use_spacy=False,
        on_analysed=lambda location: log.append(("analysed", location)),
        on_item=lambda result: log.append(("stored", result.location)),
    )
    engine.dispose()
    n = len(items)
    assert [step for step, _ in log] == ["analysed"] * n + ["stored"] * n
    assert [loc for _, loc in log[:n]] == [loc for _, loc in log[n:]] == [i.location for i in items]
