"""Undated clause-level mentions (event nouns, reported content) must not pool across
articles by trigger lemma and type alone: with no date, "the attack" of one story says nothing
about "the attack" of another, years away (ECB+ dev had 136 cross-topic events this way)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlmodel import Session, select

from ingest.article import ArticleInput
from ingest.pipeline import ingest_batch
from timeline.store.engine import make_engine, upgrade
from timeline.store.models import EventSource


def test_undated_nouns_of_two_stories_stay_apart(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'pool.db'}")
    upgrade(eng)
    articles = [
        ArticleInput(
            "iraq.txt",
            "Police in Baghdad said the attack near the market wounded five civilians.",
            title="Baghdad market",
            published=date(2010, 5, 3),
        ),
        ArticleInput(
            "mali.txt",
            "Officials in Bamako said the attack near the airport wounded two guards.",
            title="Bamako airport",
            published=date(2024, 9, 17),
        ),
    ]
    ingest_batch(articles, engine=eng)
    with Session(eng) as s:
        rows = s.exec(select(EventSource).where(EventSource.trigger_lemma == "attack")).all()
        by_article = {r.article_id: r.event_id for r in rows}
    assert len(by_article) == 2, rows  # both articles yield an 'attack' mention
    assert len(set(by_article.values())) == 2
