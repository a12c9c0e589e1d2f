"""Query latency over a synthetic store: prints p50/p95 per query kind and memory; no asserts.

    .venv/bin/python bench/query.py [--events 50000] [--runs 60] [--url sqlite:///x.db]

The store (SQLite by default, in a temporary directory) gets N events spread over ten years
with mixed precisions, ~1.5 sources and ~2.5 actors each, 300 actors with aliases and a link for
every fifth event; then each query kind runs `--runs` times with random parameters, going
through timeline.store.query exactly as the CLI and API do (first page of 100, details loaded).
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session

from timeline.export import write_jsonl
from timeline.store.engine import open_store
from timeline.store.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventLink,
    EventSource,
)
from timeline.store.query import EventFilter, iter_events, search_events
from timeline.story import build_story

WORDS = (
    "truce ceasefire talks summit sanctions strike drone election protest court merger rates "
    "earthquake aid convoy border envoy treaty vote budget tariff pipeline harbour grain"
).split()
TYPES = ("CONSULT", "AGREE", "ACCUSE", "THREATEN", "CEASEFIRE", "ASSAULT", "STATEMENT", "PROTEST")
PRECISIONS = ("day",) * 8 + ("week", "month", "year")
START = date(2016, 1, 1)
SPAN_DAYS = 3650
NOW = datetime.now(UTC)


def build(engine: Engine, n_events: int, rng: random.Random) -> None:
    """Bulk-insert the synthetic store (core inserts: seconds, not minutes)."""
    n_articles = max(n_events // 5, 1)
    n_actors = 300
    with engine.begin() as conn:
        conn.execute(
            insert(Article),
            [
                {
                    "id": i + 1,
                    "location": f"synthetic/{i:07d}.txt",
                    "content_hash": f"{i:064d}",
                    "title": f"Article {i}",
                    "published": START + timedelta(days=rng.randrange(SPAN_DAYS)),
                    "published_source": "metadata",
                    "text": "synthetic",
                    "ingested_at": NOW,
                }
                for i in range(n_articles)
            ],
        )
        conn.execute(
            insert(Actor),
            [{"id": i + 1, "name": f"Actor {i}", "kind": "person"} for i in range(n_actors)],
        )
        conn.execute(
            insert(ActorAlias),
            [{"alias": f"actor {i}", "actor_id": i + 1} for i in range(n_actors)]
            + [{"alias": f"alias-{i}", "actor_id": i + 1} for i in range(n_actors)],
        )
        events, sources, actors, links = [], [], [], []
        for i in range(1, n_events + 1):
            precision = rng.choice(PRECISIONS)
            start = START + timedelta(days=rng.randrange(SPAN_DAYS))
            end = start + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
            words = " ".join(rng.sample(WORDS, 3))
            events.append(
                {
                    "id": i,
                    "start": start,
                    "end": end,
                    "precision": precision,
                    "date_inferred": rng.random() < 0.3,
                    "type": rng.choice(TYPES),
                    "modality": "occurred",
                    "title": f"Event {i}: {words}",
                    "created_at": NOW,
                }
            )
            for s in range(rng.choice((1, 1, 2))):
                sources.append(
                    {
                        "event_id": i,
                        "article_id": rng.randrange(n_articles) + 1,
                        "sentence_index": s,
                        "quote": f"On that day officials discussed the {words} at length ({i}).",
                        "time_text": "on Monday",
                    }
                )
            for actor_id in rng.sample(range(1, n_actors + 1), rng.choice((1, 2, 3, 4))):
                actors.append({"event_id": i, "actor_id": actor_id, "role": "participant"})
            if i % 5 == 0 and i > 10:
                links.append(
                    {"source_id": i, "target_id": i - rng.randrange(1, 10), "kind": "follows"}
                )
        conn.execute(insert(Event), events)
        conn.execute(insert(EventSource), sources)
        conn.execute(insert(EventActor), actors)
        conn.execute(insert(EventLink), links)
    with engine.begin() as conn:  # planner statistics, as after any bulk load
        conn.exec_driver_sql("ANALYZE")


def measure(label: str, runs: int, fn: Callable[[], int]) -> None:
    times, sizes = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        sizes.append(fn())
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{label:<28} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   "
        f"rows/query {statistics.mean(sizes):6.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--url", help="store URL (default: a SQLite file in a temp directory)")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with tempfile.TemporaryDirectory() as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = open_store(url)
        t0 = time.perf_counter()
        build(engine, args.events, rng)
        print(
            f"store: {engine.dialect.name}, {args.events} events, built in "
            f"{time.perf_counter() - t0:.1f} s"
        )

        with Session(engine) as session:

            def first_page(**kw: object) -> int:
                page = search_events(session=session, filters=EventFilter.build(**kw), limit=100)  # type: ignore[arg-type]
                return len(page.events)

            def random_day() -> date:
                return START + timedelta(days=rng.randrange(SPAN_DAYS))

            def week() -> int:
                d = random_day()
                return first_page(start=d, end=d + timedelta(days=6))

            def month() -> int:
                d = random_day()
                return first_page(start=d, end=d + timedelta(days=30))

            measure("date range (7 days)", args.runs, week)
            measure("date range (31 days)", args.runs, month)
            measure(
                "actor (alias)", args.runs, lambda: first_page(actor=f"alias-{rng.randrange(300)}")
            )
            measure(
                "type + 31 days",
                args.runs,
                lambda: first_page(
                    type=rng.choice(TYPES), start=(d := random_day()), end=d + timedelta(days=30)
                ),
            )
            measure("text (one word)", args.runs, lambda: first_page(text=rng.choice(WORDS)))
            measure(
                "text (two words)",
                args.runs,
                lambda: first_page(text=" ".join(rng.sample(WORDS, 2))),
            )
            measure(
                "text + actor + range",
                args.runs,
                lambda: first_page(
                    text=rng.choice(WORDS),
                    actor=f"actor {rng.randrange(300)}",
                    start=(d := random_day()),
                    end=d + timedelta(days=365),
                ),
            )

            cursor_page = search_events(session=session, limit=100)
            for _ in range(200):  # walk to page ~200 to time a deep keyset page
                if cursor_page.next_cursor is None:
                    break
                deep_cursor = cursor_page.next_cursor
                cursor_page = search_events(session=session, limit=100, cursor=deep_cursor)
            measure(
                "keyset page ~200",
                args.runs,
                lambda: len(search_events(session=session, limit=100, cursor=deep_cursor).events),
            )
            measure(
                "story (one word, 2 hops)",
                max(args.runs // 4, 5),
                lambda: len(build_story(session=session, query=rng.choice(WORDS)).steps),
            )

            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            t0 = time.perf_counter()
            written = 0
            for view in iter_events(session=session):  # what `events --format jsonl` does
                sink = io.StringIO()
                write_jsonl([view], sink)
                written += sink.tell()
            elapsed = time.perf_counter() - t0
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"{'export all as JSONL':<28} {elapsed:7.2f} s   {written / 1e6:.1f} MB, "
                f"{args.events / elapsed:,.0f} events/s; max RSS {rss_before:.0f} -> "
                f"{rss_after:.0f} MB"
            )
            tracemalloc.start()
            for _ in iter_events(session=session, filters=EventFilter.build(text="truce")):
                pass
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(f"{'peak heap, streaming a query':<28} {peak / 1e6:7.1f} MB (tracemalloc)")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"max RSS of this process: {rss:.0f} MB")
        engine.dispose()


if __name__ == "__main__":
    main()
