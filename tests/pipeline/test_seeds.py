"""The whole ingest path on the two seed articles, on SQLite and Postgres."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from ingest.article import ArticleInput, SourceProblem
from ingest.pipeline import ingest_batch
from ingest.sources.files import read_articles
from tests.conftest import SEEDS
from timeline.store.models import Article, Event, EventLink, EventSource, IngestRun

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def seed_articles(paths: list[Path] = SEED_FILES) -> list[ArticleInput | SourceProblem]:
    return [a for p in paths for a in read_articles(p, max_bytes=5_000_000)]


def count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def event_rows(engine: Engine) -> list[tuple[str, str, str, str, tuple[str, ...]]]:
    """Events as comparable tuples: dates, type, title and their sources' sentences."""
    with Session(engine) as session:
        rows = []
        for e in session.exec(select(Event)).all():
            quotes = session.exec(
                select(EventSource.quote).where(col(EventSource.event_id) == e.id)
            ).all()
            rows.append((str(e.start), str(e.end), e.type, e.title, tuple(sorted(quotes))))
        return sorted(rows)


def test_seeds_give_dated_events_with_sources(engine: Engine) -> None:
    run = ingest_batch(seed_articles(), engine=engine)
    assert (run.seen, run.new, run.failed) == (2, 2, 0)
    # The timeline (the default view) stays a timeline; clause-level mentions are stored too.
    with Session(engine) as session:
        shown = session.exec(
            select(func.count()).select_from(Event).where(col(Event.salient).is_(True))
        ).one()
    assert 10 <= shown <= 30 < count(engine, Event)
    with Session(engine) as session:
        published = session.exec(select(Article.published)).all()
        assert set(published) == {date(2025, 4, 21)}
        # The Friday warning is dated Friday, not the day of the report.
        friday = session.exec(select(Event).where(col(Event.start) == date(2025, 4, 18))).all()
        assert any(e.type == "THREATEN" for e in friday)
        assert session.exec(select(func.count()).select_from(EventLink)).one() > 0


def test_reingesting_is_a_no_op(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_batch(seed_articles(), engine=engine)
    before = (count(engine, Event), count(engine, EventSource), count(engine, Article))

    def no_analysis(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a stored article must be skipped before it is analysed")

    # A skip costs a hash and a look-up: the analysis (spaCy included) never runs.
    monkeypatch.setattr("ingest.pipeline.analyse", no_analysis)
    run = ingest_batch(seed_articles(), engine=engine)
    assert (run.new, run.skipped, run.failed) == (0, 2, 0)
    assert all("already ingested" in (i["reason"] or "") for i in run.items)
    assert (count(engine, Event), count(engine, EventSource), count(engine, Article)) == before


def test_same_text_under_another_name_is_skipped(engine: Engine, tmp_path: Path) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(SEED_FILES[0].read_bytes())
    ingest_batch(seed_articles(SEED_FILES[:1]), engine=engine)
    run = ingest_batch(seed_articles([copy]), engine=engine)
    assert run.skipped == 1
    assert "same text" in run.items[0]["reason"]


def test_order_does_not_change_the_timeline(sqlite_url: str, tmp_path: Path) -> None:
    from timeline.store.engine import open_store

    forward = open_store(sqlite_url)
    backward = open_store(f"sqlite:///{tmp_path / 'backward.db'}")
    ingest_batch(seed_articles(SEED_FILES), engine=forward)
    ingest_batch(seed_articles(SEED_FILES[::-1]), engine=backward)
    assert event_rows(forward) == event_rows(backward)


def test_one_bad_file_never_stops_the_batch(engine: Engine, tmp_path: Path) -> None:
    ingest_batch(seed_articles(SEED_FILES[:1]), engine=engine)
    stored = count(engine, Event)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00binary")
    items = seed_articles([bad, SEED_FILES[1]])
    run = ingest_batch(items, engine=engine)
    assert (run.seen, run.new, run.failed) == (2, 1, 1)
    assert run.items[0]["reason"] == "binary file (contains NUL bytes), not text"
    assert count(engine, Event) >= stored
    with Session(engine) as session:
        runs = session.exec(select(IngestRun).order_by(col(IngestRun.id))).all()
        assert [r.failed for r in runs] == [0, 1]
        assert runs[-1].finished_at is not None


@pytest.mark.parametrize("text", ["x" * 10, "Nothing happened. Nobody said anything here at all."])
def test_articles_without_events_are_stored_without_events(engine: Engine, text: str) -> None:
    run = ingest_batch([ArticleInput("empty-ish", text)], engine=engine)
    assert run.new == 1
    assert count(engine, Event) == 0


def test_same_url_in_another_file_is_skipped(engine: Engine, tmp_path: Path) -> None:
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text("---\nurl: https://example.org/x\n---\nThe minister said on Monday.\n")
    second.write_text("---\nurl: https://example.org/x\n---\nThe minister said on Monday!\n")
    ingest_batch(seed_articles([first]), engine=engine)
    run = ingest_batch(seed_articles([second]), engine=engine)
    assert run.skipped == 1
    assert "same URL" in run.items[0]["reason"]
    with Session(engine) as session:
        (article,) = session.exec(select(Article)).all()
        assert (article.location, article.url) == (str(first), "https://example.org/x")
