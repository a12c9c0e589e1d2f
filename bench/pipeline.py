#!/usr/bin/env python3
"""Ingest throughput on a repeated corpus: articles per second and per CPU-second, the store's
share, and how that share grows with the store; prints figures, asserts nothing.

    .venv/bin/python bench/pipeline.py [--articles 2000] [--preload M] [--no-spacy] [--json]

The corpus is the seed articles (plus tests/data/news when present) repeated with a new
publication date and location per copy, so every copy is a new article whose events land on
other days (each copy is analysed, stored and merged like a real one). Runs on one core in this
process against a fresh SQLite file; analysis and store CPU are timed apart (the store part is
what `store_ms_per_article` reports). With spaCy it also times spaCy alone on the same texts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "bench"))

from query import build  # noqa: E402  (bench/query.py: the synthetic store)
from sqlalchemy.engine import Engine  # noqa: E402

from ingest.analysis import analyse  # noqa: E402
from ingest.article import ArticleInput  # noqa: E402
from ingest.pipeline import ItemResult, analyse_item, store_article  # noqa: E402
from ingest.sources.files import read_articles  # noqa: E402
from ingest.text.clean import body_text  # noqa: E402
from ingest.text.nlp import annotator  # noqa: E402
from ingest.text.sentences import split_sentences  # noqa: E402
from timeline.store.engine import open_store  # noqa: E402
from timeline.store.workset import ActorCache  # noqa: E402


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


def spacy_alone(articles: list[ArticleInput]) -> float | None:
    """Articles per CPU-second of spaCy by itself (the components ingest runs, every sentence
    of an article in one nlp.pipe): the ceiling for ingest with spaCy."""
    annotate = annotator()
    if annotate is None:
        return None
    bodies = [[s.text for s in split_sentences(body_text(a.text))] for a in articles]
    c0 = time.process_time()
    for sentences in bodies:
        annotate(sentences)
    return len(articles) / (time.process_time() - c0)


def ingest_timed(articles: list[ArticleInput], engine: Engine, use_spacy: bool) -> dict[str, float]:
    """Analyse and store each article as ingest_batch does (one process), timing both."""
    analysis_cpu = store_cpu = 0.0
    events = 0
    known = ActorCache()  # one run: actors looked up once, as ingest_batch does
    t0 = time.perf_counter()
    for article in articles:
        c0 = time.process_time()
        analysed = analyse_item(article, use_spacy)
        c1 = time.process_time()
        analysis_cpu += c1 - c0
        if isinstance(analysed, ItemResult):
            continue
        result = store_article(analysed, engine=engine, run_id=None, actors=known)
        store_cpu += time.process_time() - c1
        events += result.events_new + result.events_merged
    wall = time.perf_counter() - t0
    n = len(articles)
    return {
        "articles_per_s": n / wall,
        "articles_per_cpu_s": n / (analysis_cpu + store_cpu),
        "analysis_ms_per_article": 1000 * analysis_cpu / n,
        "store_ms_per_article": 1000 * store_cpu / n,
        "events_per_article": events / n,
    }


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--articles", type=int, default=2000)
    ap.add_argument("--no-spacy", action="store_true", help="alias table only (no NER model)")
    ap.add_argument(
        "--preload",
        type=int,
        default=0,
        metavar="M",
        help="also ingest into a store holding M synthetic events (bench/query.py's) and "
        "report the store cost per article there over the cost on an empty store",
    )
    ap.add_argument(
        "--preload-from",
        type=Path,
        metavar="DB",
        help="with --preload M: copy this SQLite store of M events (bench/query.py --url) "
        "instead of building one",
    )
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    use_spacy = not args.no_spacy
    analyse(articles[0], use_spacy=use_spacy)  # load the model outside the timing

    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/empty.db")
        result: dict[str, object] = {
            "articles": len(articles),
            "words": words,
            "spacy": use_spacy,
            **{k: round(v, 2) for k, v in ingest_timed(articles, engine, use_spacy).items()},
        }
        engine.dispose()
        if use_spacy:
            alone = spacy_alone(articles)
            result["spacy_alone_articles_per_cpu_s"] = round(alone, 1) if alone else None
        if args.preload:
            t0 = time.perf_counter()
            if args.preload_from:
                shutil.copyfile(args.preload_from, f"{tmp}/preloaded.db")
            engine = open_store(f"sqlite:///{tmp}/preloaded.db")
            if not args.preload_from:
                build(engine, args.preload, random.Random(7))
            result["preload_events"] = args.preload
            result["preload_build_s"] = round(time.perf_counter() - t0, 1)
            loaded = ingest_timed(articles, engine, use_spacy)
            engine.dispose()
            result["store_ms_per_article_preloaded"] = round(loaded["store_ms_per_article"], 2)
            growth = loaded["store_ms_per_article"] / float(result["store_ms_per_article"])  # type: ignore[arg-type]
            key = "store_growth_1m" if args.preload == 1_000_000 else "store_growth"
            result[key] = round(growth, 2)
    result["max_rss_mb"] = round(peak_rss_mb())
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:<34} {value}")


if __name__ == "__main__":
    main()
