"""The summary timeline: date scoring (pure), then `eventline summary` over real articles."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date

import pytest
from typer.testing import CliRunner

from config.settings import get_settings
from ingest.pipeline import ingest_batch
from ingest.sources.files import read_articles
from tests.conftest import ROOT, SEEDS
from timeline.cli.main import app
from timeline.store.engine import open_store
from timeline.store.query import EventView, SourceView
from timeline.summary import day_of, knee, score_dates, vote

STORIES = ROOT / "tests" / "data" / "stories"
CORPORA = ["seeds", *sorted(p.name for p in STORIES.iterdir() if p.is_dir())]
DAY = date(2024, 3, 4)


def source(
    article: int,
    *,
    index: int = 0,
    time_text: str | None = "on Monday",
    published: date = DAY,
    url: str | None = None,
) -> SourceView:
    return SourceView(
        f"a{article}.txt", article, None, url, published, index, f"q{article}", time_text, None
    )


def event(
    ident: int,
    day: date,
    *sources: SourceView,
    inferred: bool = False,
    precision: str = "day",
    end: date | None = None,
) -> EventView:
    return EventView(
        ident,
        day,
        end or day,
        precision,
        inferred,
        "CONSULT",
        "occurred",
        f"event {ident}",
        sources=list(sources),
    )


def test_votes_weigh_explicit_lead_and_later_reports() -> None:
    explicit = vote(source(1), day=DAY, inferred=False, story_articles=1)
    assert vote(source(1), day=DAY, inferred=True, story_articles=1) == explicit / 4
    assert vote(source(1, index=9), day=DAY, inferred=False, story_articles=1) < explicit
    later = source(1, published=date(2024, 3, 9))
    assert vote(later, day=DAY, inferred=False, story_articles=1) > explicit
    assert vote(source(1), day=DAY, inferred=False, story_articles=5) > explicit


def test_a_day_counts_articles_and_outlets_not_repetitions() -> None:
    other = date(2024, 3, 5)
    one_article_thrice = [event(i, DAY, source(1, url="https://a.example/1")) for i in (1, 2, 3)]
    two_outlets = [
        event(4, other, source(2, url="https://a.example/2")),
        event(5, other, source(3, url="https://b.example/3")),
    ]
    scores, _ = score_dates([*one_article_thrice, *two_outlets], {})
    assert scores[other] > 2 * scores[DAY]


def test_only_day_dates_count() -> None:
    assert day_of(event(1, DAY)) == DAY
    assert day_of(event(1, DAY, end=date(2024, 3, 5))) == DAY  # a weekend: its first day
    assert day_of(event(1, DAY, end=date(2024, 3, 10))) is None
    assert day_of(event(1, DAY, precision="month")) is None


def test_knee_of_a_score_curve() -> None:
    assert knee([1.0, 0.9, 0.85, 0.2, 0.15, 0.1, 0.05]) == 3
    assert knee([1.0, 0.5]) == 2


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One SQLite store per corpus, filled by the real pipeline."""
    urls = {}
    for name in CORPORA:
        folder = SEEDS if name == "seeds" else STORIES / name
        url = f"sqlite:///{tmp_path_factory.mktemp(name) / 'eventline.db'}"
        engine = open_store(url)
        items = [
            a for p in sorted(folder.glob("*.txt")) for a in read_articles(p, max_bytes=5_000_000)
        ]
        ingest_batch(items, engine=engine)
        engine.dispose()
        urls[name] = url
    return urls


@pytest.fixture
def run(stores: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    runner = CliRunner()

    def invoke(corpus: str, *args: str):  # type: ignore[no-untyped-def]
        monkeypatch.setenv("EVENTLINE_DATABASE_URL", stores[corpus])
        get_settings.cache_clear()
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


ROW = re.compile(r"^(\d{4}-\d{2}-\d{2})  (\d\.\d\d)$")


@pytest.mark.parametrize("corpus", CORPORA)
def test_summary_text_has_dated_deduplicated_rows(run, corpus: str) -> None:  # type: ignore[no-untyped-def]
    result = run(corpus, "summary", "--dates", "5")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    days = [m.group(1) for m in map(ROW.match, lines) if m]
    assert 1 <= len(days) <= 5 and days == sorted(set(days))  # dated, each day once, in order
    assert lines[-1] == f"{len(days)} dates"
    events = [line.strip() for line in lines if line.startswith("    ")]
    ids = [e.rsplit("#", 1)[1] for e in events]
    assert len(ids) == len(set(ids))  # no event twice
    assert "1.00" in result.stdout  # the best day is the unit


@pytest.mark.parametrize("corpus", CORPORA)
def test_summary_json_shape_and_dates(run, corpus: str) -> None:  # type: ignore[no-untyped-def]
    result = run(corpus, "summary", "--dates", "5", "--format", "json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) == {"dates"}
    rows = data["dates"]
    assert rows and [r["date"] for r in rows] == sorted(r["date"] for r in rows)
    assert max(r["score"] for r in rows) == 1.0
    for row in rows:
        assert set(row) == {"date", "score", "events"}
        assert 0 < row["score"] <= 1.0 and row["events"]
        date.fromisoformat(row["date"])
        for ev in row["events"]:
            assert {"id", "start", "end", "precision", "type", "title", "actors", "sources"} <= set(
                ev
            )
            assert ev["start"] == row["date"] and ev["precision"] == "day"
            assert ev["sources"] and all("quote" in s and "article" in s for s in ev["sources"])


def test_summary_without_k_picks_the_knee_and_of_a_story(run) -> None:  # type: ignore[no-untyped-def]
    auto = json.loads(run("seeds", "summary", "-f", "json").stdout)["dates"]
    assert 3 <= len(auto) <= 20
    story = json.loads(run("seeds", "summary", "--story", "Easter truce", "-f", "json").stdout)
    assert story["dates"] and any(
        "truce" in e["title"].lower() for r in story["dates"] for e in r["events"]
    )
    days = [r["date"] for r in story["dates"]]
    assert "2025-04-21" in days  # the day Putin's offer was reported by both outlets
    ranged = json.loads(
        run("seeds", "summary", "--from", "2025-04-21", "--to", "2025-04-23", "-f", "json").stdout
    )
    assert {r["date"] for r in ranged["dates"]} <= {"2025-04-21", "2025-04-22", "2025-04-23"}
    bad = run("seeds", "summary", "--story", "nothing of the kind zzz")
    assert bad.exit_code == 1 and "no story matches" in bad.stderr


def test_stories_and_story_by_id(run) -> None:  # type: ignore[no-untyped-def]
    listed = json.loads(run("seeds", "stories", "--format", "json").stdout)["stories"]
    assert listed and all(s["events"] >= 2 for s in listed)
    main = max(listed, key=lambda s: s["events"])
    text = run("seeds", "stories").stdout
    assert f"#{main['id']}" in text and text.splitlines()[-1] == f"{len(listed)} stories"
    assert run("seeds", "stories", "-f", "md").stdout.startswith("# Stories\n")
    about = json.loads(run("seeds", "stories", "--query", "Peskov", "-f", "json").stdout)
    assert about["stories"][0]["id"] == main["id"] and about["stories"][0]["matches"] >= 1
    rebuilt = run("seeds", "stories", "--rebuild", "--min-events", "1", "-f", "json")
    assert rebuilt.exit_code == 0 and "rebuilt" in rebuilt.stderr
    after = json.loads(rebuilt.stdout)["stories"]
    assert len(after) >= len(listed)
    assert main in after  # a rebuild keeps the ids of the stories it finds again
    chain = json.loads(run("seeds", "story", f"#{main['id']}", "-f", "json").stdout)
    assert len(chain["events"]) == main["events"]
    assert [e["step"] for e in chain["events"]] == list(range(1, main["events"] + 1))
    missing = run("seeds", "story", "#999999")
    assert missing.exit_code == 1 and "no story #999999" in missing.stderr
    bad = run("seeds", "stories", "--from", "2025-05-01", "--to", "2025-04-01")
    assert bad.exit_code == 2
