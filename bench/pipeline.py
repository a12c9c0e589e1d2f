#!/usr/bin/env python3
"""Ingest throughput on a repeated corpus: articles/s, words/s, events/s and peak memory.

    .venv/bin/python bench/pipeline.py [--articles 2000] [--no-spacy] [--analysis-only]

The corpus is the seed articles (plus tests/data/news when present) repeated with a new
publication date and location per copy, so every copy is a new article whose events land on
other days (each copy is analysed, stored and merged like a real one). Runs on one core in this
process against a fresh SQLite file. Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.analysis import analyse  # noqa: E402
from ingest.article import ArticleInput  # noqa: E402
from ingest.pipeline import ingest_batch  # noqa: E402
from ingest.sources.files import read_articles  # noqa: E402
from timeline.store.engine import open_store  # noqa: E402


def corpus(n: int) -> list[ArticleInput]:
    """n articles made from the real ones, each with its own date, location and text."""
    paths = sorted((ROOT / "seeds").glob("*.txt")) + sorted(
        (ROOT / "tests/data/news").glob("*.txt")
    )
    base = [
        a
        for p in paths
        for a in read_articles(p, max_bytes=5_000_000)
        if isinstance(a, ArticleInput)
    ]
    out = []
    for i in range(n):
        src = base[i % len(base)]
        published = date(2020, 1, 6) + timedelta(days=i // len(base))
        text = src.text.replace("2025", str(published.year)) + f"\n\nFile {i}."
        out.append(ArticleInput(f"bench/{i:05d}.txt", text, src.title, published, "metadata"))
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--no-spacy", action="store_true", help="alias table only (no NER model)")
    ap.add_argument(
        "--analysis-only", action="store_true", help="time the analysis alone, no store"
    )
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    use_spacy = not args.no_spacy
    analyse(articles[0], use_spacy=use_spacy)  # load the model outside the timing

    print(f"corpus: {len(articles)} articles, {words} words, spaCy {'on' if use_spacy else 'off'}")
    if args.analysis_only:
        t0 = time.perf_counter()
        candidates = sum(len(analyse(a, use_spacy=use_spacy).candidates) for a in articles)
        seconds = time.perf_counter() - t0
        print(
            f"analysis only : {len(articles) / seconds:8.1f} articles/s {words / seconds:10.0f} words/s "
            f"{candidates / seconds:8.1f} candidates/s"
        )
    else:
        with tempfile.TemporaryDirectory() as tmp:
            engine = open_store(f"sqlite:///{tmp}/bench.db")
            t0 = time.perf_counter()
            run = ingest_batch(articles, engine=engine, source="bench", use_spacy=use_spacy)
            seconds = time.perf_counter() - t0
            events = run.events_new + run.events_merged
            print(
                f"ingest+store  : {run.new / seconds:8.1f} articles/s {words / seconds:10.0f} words/s "
                f"{events / seconds:8.1f} events/s ({run.events_new} events, {run.events_merged} merges, "
                f"{run.failed} failed, {seconds:.0f} s)"
            )
    print(f"peak memory (max RSS): {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
