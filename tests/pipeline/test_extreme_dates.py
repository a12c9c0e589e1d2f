"""Issue 10 fault 4 (articles): publication dates at the calendar's ends (0001-01-01,
9999-12-31) are stored like any other; the day of slack around them is held at the ends
instead of raising OverflowError, and the API serves them on both stores."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from config.settings import Settings
from ingest.article import ArticleInput
from ingest.pipeline import ingest_batch
from timeline.api import create_app

EDGES = [date.min, date.max]


def test_shift_holds_at_the_ends() -> None:
    from timeline.dates import shift  # came with the fix

    assert shift(date.min, -1) == date.min
    assert shift(date.max, 1) == date.max
    assert shift(date(2025, 4, 21), -1) == date(2025, 4, 20)


@pytest.mark.parametrize("inferred_twice", [False, True])
def test_articles_published_at_the_calendar_ends_are_stored(
    engine: Engine, store_url: str, inferred_twice: bool
) -> None:
    items = [
        ArticleInput(
            location=f"edge-{day.isoformat()}-{n}",
            text=f"The minister resigned, officials said. Report {day} {n}.",
            published=day,
            published_source="metadata",
        )
        for day in EDGES
        for n in range(2 if inferred_twice else 1)  # a second report merges with slack
    ]
    run = ingest_batch(items, engine=engine, use_spacy=False)
    assert (run.failed, run.new) == (0, len(items)), run.items
    app = create_app(Settings(database_url=store_url, use_spacy=False))
    with TestClient(app) as client:
        response = client.get("/events", params={"from": "0001-01-01", "to": "9999-12-31"})
        assert response.status_code == 200, response.text
        starts = {e["start"] for e in response.json()["events"]}
        assert {"0001-01-01", "9999-12-31"} <= starts
        assert client.get("/log", params={"from": "9999-12-31"}).status_code == 200
