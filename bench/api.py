"""HTTP API under load: a real `eventline serve` process, a real HTTP client; no asserts.

    .venv/bin/python bench/api.py [--backend sqlite|postgres] [--events 3000]
                                  [--requests 2000] [--concurrency 20] [--url URL [--reuse]]
                                  [--shape mixed|week] [--json]

The store is the synthetic one of bench/query.py (N events over ten years, sources, actors,
links). `eventline serve` runs in its own process on a free loopback port; `--concurrency`
client threads share one httpx connection pool and send `--requests` GET /events with mixed
parameters (first page, a date range, a type, words, an actor, a next page), or with
`--shape week` only one-week ranges (100 rows each: issue 12's goal). Printed: throughput,
p50/p95/p99 latency, errors (any non-200 or transport error; 0 expected), and the server's
CPU time per request (from /proc/<pid>/stat before and after the run; Linux only).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402
from query import RARE, START, TYPES, WORDS, build, store_url  # noqa: E402  (bench/query.py)

from timeline.store.engine import open_store, optimize  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(url: str) -> tuple[subprocess.Popen[bytes], str]:
    """`eventline serve` on a free port, once /healthz answers."""
    port = free_port()
    env = {**os.environ, "EVENTLINE_DATABASE_URL": url, "EVENTLINE_LOG_LEVEL": "WARNING"}
    proc = subprocess.Popen(
        [sys.executable, "-c", "from timeline.cli.main import main; main()", "serve",
         "--port", str(port)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("server did not answer /healthz within 60 s")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a live process (Linux /proc), else None."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


SHAPES = ("first", "range", "type", "words", "actor", "next")


def request_params(rng: random.Random, cursor: str | None, mix: str = "mixed") -> dict[str, str]:
    """One of the query shapes the page and clients send (`mix` "week": a one-week range)."""
    if mix == "week":
        lo = START.fromordinal(START.toordinal() + rng.randrange(3650))
        return {"from": lo.isoformat(), "to": START.fromordinal(lo.toordinal() + 6).isoformat()}
    shape = rng.choice(SHAPES)
    if shape == "range":
        day = START.toordinal() + rng.randrange(3650)
        lo = START.fromordinal(day)
        hi = START.fromordinal(day + rng.choice((7, 30, 365)))
        return {"from": lo.isoformat(), "to": hi.isoformat()}
    if shape == "type":
        return {"type": rng.choice(TYPES)}
    if shape == "words":
        return {"q": rng.choice(WORDS) if rng.random() < 0.9 else rng.choice(RARE)}
    if shape == "actor":
        return {"actor": f"Actor {rng.randrange(300)}"}
    if shape == "next" and cursor:
        return {"cursor": cursor}
    return {}


def run_load(
    base: str, requests: int, concurrency: int, seed: int, mix: str = "mixed"
) -> dict[str, Any]:
    """Send the requests from `concurrency` threads; latencies in ms and error count."""
    first = httpx.get(base + "/events", timeout=30).json().get("next_cursor")
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    with httpx.Client(base_url=base, timeout=60, limits=limits) as client:

        def one(i: int) -> None:
            params = request_params(random.Random(seed * 1_000_003 + i), first, mix)
            began = time.perf_counter()
            try:
                response = client.get("/events", params=params)
                ok = response.status_code == 200
                problem = None if ok else f"HTTP {response.status_code} for {params}"
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__} for {params}"
            took = (time.perf_counter() - began) * 1000
            with lock:
                latencies.append(took)
                if problem:
                    errors.append(problem)

        began = time.perf_counter()
        with ThreadPoolExecutor(concurrency) as pool:
            list(pool.map(one, range(requests)))
        wall = time.perf_counter() - began
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))], 1)

    return {
        "requests": requests,
        "concurrency": concurrency,
        "seconds": round(wall, 2),
        "throughput_rps": round(requests / wall, 1),
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.fmean(ordered), 1),
        "errors": len(errors),
        "first_errors": errors[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--events", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--url", help="an empty store to fill (default: a throw-away one)")
    parser.add_argument(
        "--reuse", action="store_true", help="--url already holds the N events: skip the build"
    )
    parser.add_argument(
        "--shape", choices=("mixed", "week"), default="mixed", help="the requests' parameters"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()

    with store_url(args.backend, args.url) as url:
        engine = open_store(url)
        if not args.reuse:
            build(engine, args.events, random.Random(args.seed))
            optimize(engine, full=True)
        engine.dispose()
        proc, base = start_server(url)
        try:
            cpu_before = cpu_seconds(proc.pid)
            result = run_load(base, args.requests, args.concurrency, args.seed, args.shape)
            cpu_after = cpu_seconds(proc.pid)
        finally:
            proc.terminate()
            proc.wait(30)
    cpu_ms = (
        round((cpu_after - cpu_before) * 1000 / args.requests, 2)
        if cpu_before is not None and cpu_after is not None
        else None
    )
    result = {"backend": args.backend, "events": args.events, "shape": args.shape, **result,
              "server_cpu_ms_per_request": cpu_ms}  # fmt: skip
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"{args.backend}, {args.events:,} events: {args.requests:,} GET /events ({args.shape}) at concurrency "
        f"{args.concurrency} in {result['seconds']} s = {result['throughput_rps']} req/s; "
        f"p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, p99 {result['p99_ms']} ms; "
        f"errors {result['errors']}; server CPU {cpu_ms} ms/request"
    )
    for problem in result["first_errors"]:
        print(f"  error: {problem}")


if __name__ == "__main__":
    main()
