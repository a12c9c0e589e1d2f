"""Query latency over a synthetic store: p50/p95 per named query and export speed; no asserts.

    .venv/bin/python bench/query.py [--backend sqlite|postgres] [--events 50000] [--runs 60]
                                    [--url URL] [--json]

The store (SQLite in a temporary directory, or a throw-away schema on the local Postgres,
`EVENTLINE_BENCH_POSTGRES_URL` or --url) gets N events spread over ten years with mixed
precisions, ~1.3 sources and ~2.5 actors each, 300 actors with aliases, a link for every fifth
event, and one event in 5,000 carrying a rare word; then each named query runs `--runs` times
with random parameters through timeline.store.query exactly as the CLI and API do (first page
of 100, details loaded). The store is built with bulk Core inserts inside
`timeline.store.bulk.bulk_load`: the span bounds and the text index (the per-event documents,
with FTS5 on SQLite and a pg_trgm GIN index on Postgres) are built once after the load.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from timeline.export import write_jsonl
from timeline.store.bulk import bulk_load
from timeline.store.engine import open_store, optimize
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

DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHUNK = 20_000  # events per bulk insert: flat memory at a million events
RARE = [f"zq{chr(97 + i)}rare" for i in range(20)]  # one event in 5,000 carries one
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
    """Bulk-insert the synthetic store: Core inserts of 20k-event chunks inside
    `bulk_load` (span triggers and text index rebuilt once after the load)."""
    n_articles = max(n_events // 5, 1)
    n_actors = 300
    with engine.begin() as conn, bulk_load(conn):
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
        rows: dict[Any, list[dict[str, Any]]] = {
            Event: [],
            EventSource: [],
            EventActor: [],
            EventLink: [],
        }
        for i in range(1, n_events + 1):
            precision = rng.choice(PRECISIONS)
            start = START + timedelta(days=rng.randrange(SPAN_DAYS))
            end = start + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
            words = " ".join(rng.sample(WORDS, 3))
            if rng.randrange(5000) == 0:
                words += " " + rng.choice(RARE)
            rows[Event].append(
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
                rows[EventSource].append(
                    {
                        "event_id": i,
                        "article_id": rng.randrange(n_articles) + 1,
                        "sentence_index": s,
                        "quote": f"On that day officials discussed the {words} at length ({i}).",
                        "time_text": "on Monday",
                    }
                )
            for actor_id in rng.sample(range(1, n_actors + 1), rng.choice((1, 2, 3, 4))):
                rows[EventActor].append(
                    {"event_id": i, "actor_id": actor_id, "role": "participant"}
                )
            if i % 5 == 0 and i > 10:
                rows[EventLink].append(
                    {"source_id": i, "target_id": i - rng.randrange(1, 10), "kind": "follows"}
                )
            if i % CHUNK == 0 or i == n_events:
                for model, batch in rows.items():
                    if batch:
                        conn.execute(insert(model), batch)
                    batch.clear()
    optimize(engine, full=True)  # planner statistics, as after any bulk load


def measure(runs: int, fn: Callable[[], int]) -> dict[str, float]:
    """p50/p95 wall and CPU time (this process: all of SQLite's work, none of Postgres') of
    `fn` over `runs` calls, and the mean rows it returned."""
    times, cpu, sizes = [], [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), time.process_time()
        sizes.append(fn())
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(p95(times), 2),
        "p50_cpu_ms": round(statistics.median(cpu), 2),
        "p95_cpu_ms": round(p95(cpu), 2),
        "rows": round(statistics.mean(sizes), 1),
    }


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


@contextmanager
def store_url(backend: str, url: str | None) -> Iterator[str]:
    """A URL to an empty store: the given one, a temporary SQLite file, or a Postgres schema
    created for this run and dropped after it."""
    if url:
        yield url
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(tmp) / 'bench.db'}"
        return
    base = os.environ.get("EVENTLINE_BENCH_POSTGRES_URL", DEFAULT_PG)
    schema = f"el_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        sep = "&" if "?" in base else "?"
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def run_queries(session: Session, rng: random.Random, runs: int) -> dict[str, dict[str, float]]:
    """Every named query, timed."""

    def first_page(**kw: Any) -> int:
        return len(
            search_events(session=session, filters=EventFilter.build(**kw), limit=100).events
        )

    def random_day() -> date:
        return START + timedelta(days=rng.randrange(SPAN_DAYS))

    def days(n: int, **kw: Any) -> Callable[[], int]:
        def run() -> int:
            d = random_day()
            return first_page(start=d, end=d + timedelta(days=n - 1), **kw)

        return run

    cursor_page = search_events(session=session, limit=100)
    deep_cursor = None
    for _ in range(200):  # walk to page ~200 to time a deep keyset page
        if cursor_page.next_cursor is None:
            break
        deep_cursor = cursor_page.next_cursor
        cursor_page = search_events(session=session, limit=100, cursor=deep_cursor)

    queries: dict[str, tuple[int, Callable[[], int]]] = {
        "range_7d": (runs, days(7)),
        "range_31d": (runs, days(31)),
        "actor": (runs, lambda: first_page(actor=f"alias-{rng.randrange(300)}")),
        "type_31d": (runs, lambda: days(31, type=rng.choice(TYPES))()),
        "text_one": (runs, lambda: first_page(text=rng.choice(WORDS))),
        "text_two": (runs, lambda: first_page(text=" ".join(rng.sample(WORDS, 2)))),
        "text_rare": (runs, lambda: first_page(text=rng.choice(RARE))),
        "text_absent": (runs, lambda: first_page(text="zzqqnotthere")),
        "text_actor_range": (
            runs,
            lambda: first_page(
                text=rng.choice(WORDS),
                actor=f"actor {rng.randrange(300)}",
                start=(d := random_day()),
                end=d + timedelta(days=365),
            ),
        ),
        "page": (
            runs,
            lambda: len(search_events(session=session, limit=100, cursor=deep_cursor).events),
        ),
        "story": (
            max(runs // 4, 5),
            lambda: len(build_story(session=session, query=rng.choice(WORDS)).steps),
        ),
    }
    return {name: measure(n, fn) for name, (n, fn) in queries.items()}


class _Discard(io.TextIOBase):
    """A text stream that keeps nothing: the export is timed, not the terminal."""

    def write(self, text: str) -> int:
        return len(text)


def export_rate(session: Session, n_events: int) -> tuple[float, float]:
    """Events per second (wall, and per CPU-second of this process) of `events --format
    jsonl` over the first `n_events` of the store in date order: the CLI's stream
    (iter_events into write_jsonl), written to a stream that discards it."""
    t0, c0 = time.perf_counter(), time.process_time()
    write_jsonl(itertools.islice(iter_events(session=session), n_events), _Discard())
    return n_events / (time.perf_counter() - t0), n_events / (time.process_time() - c0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--url", help="an empty store to fill (default: a throw-away one)")
    parser.add_argument(
        "--reuse", action="store_true", help="--url already holds the N events: skip the build"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--export-events", type=int, help="time the export over this many events (default: all)"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with store_url(args.backend, args.url) as url:
        engine = open_store(url)
        t0 = time.perf_counter()
        if not args.reuse:
            build(engine, args.events, rng)
        build_s = time.perf_counter() - t0
        print(f"built {args.events} events in {build_s:.1f} s", file=sys.stderr)
        with Session(engine) as session:
            queries = run_queries(session, rng, args.runs)
            exported = min(args.events, args.export_events or args.events)
            export, export_cpu = export_rate(session, exported)
        engine.dispose()
    result = {
        "backend": args.backend,
        "events": args.events,
        "build_s": round(build_s, 1),
        "queries": queries,
        "export_events_per_s": round(export),
        "export_events_per_cpu_s": round(export_cpu),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"store: {args.backend}, {args.events} events, built in {build_s:.1f} s")
    for name, q in queries.items():
        print(
            f"{name:<18} p50 {q['p50_ms']:8.1f} ms   p95 {q['p95_ms']:8.1f} ms   "
            f"(CPU {q['p50_cpu_ms']:7.1f} / {q['p95_cpu_ms']:7.1f})   rows/query {q['rows']:6.1f}"
        )
    print(
        f"{'export (jsonl)':<18} {export:,.0f} events/s ({export_cpu:,.0f} per CPU-second); "
        f"max RSS {result['max_rss_mb']} MB"
    )


if __name__ == "__main__":
    main()
