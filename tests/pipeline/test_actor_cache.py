"""The run's actor cache keeps only what committed: an article whose transaction rolls back
after creating an actor must not leave that actor's id to the next article of the run."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import col, select

import ingest.pipeline as pipeline
from ingest.article import ArticleInput
from ingest.pipeline import ingest_batch
from timeline.store.engine import open_store, session_scope
from timeline.store.models import Actor, EventActor


def test_actors_of_a_rolled_back_article_are_not_reused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = open_store(f"sqlite:///{tmp_path}/store.db")
    real = pipeline.update_stories
    calls: list[int] = []

    def fails_first(**kwargs: Any) -> list[int]:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the first article's transaction rolls back here")
        return real(**kwargs)

    monkeypatch.setattr(pipeline, "update_stories", fails_first)
    articles = [
        ArticleInput(
            "a.txt",
            "Vladimir Putin announced a truce on Monday.",
            "A",
            date(2025, 4, 21),
            "metadata",
        ),
        ArticleInput(
            "b.txt",
            "Vladimir Putin declared a ceasefire on Tuesday.",
            "B",
            date(2025, 4, 22),
            "metadata",
        ),
    ]
    run = ingest_batch(articles, engine=engine, use_spacy=False)
    assert [item["status"] for item in run.items] == ["failed", "new"]
    with session_scope(engine) as session:
        names = set(session.exec(select(Actor.name)).all())
        linked = session.exec(
            select(Actor.name).join(EventActor, col(EventActor.actor_id) == col(Actor.id))
        ).all()
    assert "Vladimir Putin" in names
    assert "Vladimir Putin" in linked
