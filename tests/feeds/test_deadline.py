"""Fault 2 (issue 10): a server that drips its response headers must not hold a fetch, a poll
round or `eventline schedule` past EVENTLINE_FETCH_TIMEOUT, and SIGTERM stops the scheduler in
seconds even while a fetch is in flight.

httpx's read timeout restarts with every byte received, so a header drip faster than the read
timeout never trips it; only a deadline over the whole request does.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TypeVar

import pytest
from sqlalchemy.engine import Engine

from ingest.fetch import FetchError, fetch, make_client
from tests.feeds.conftest import Clock, FeedServer, make_settings
from tests.feeds.test_poll import add, articles, feed, poll, serve_all
from tests.feeds.test_workers import procs, start, wait_for  # noqa: F401 (fixture)

SLACK = 1.0  # seconds past the deadline a fetch may take to notice it (a loaded machine)
T = TypeVar("T")


def bounded(fn: Callable[[], T], limit: float) -> T:
    """Run `fn` in a thread and fail (instead of hanging the suite) if it outlasts `limit`."""
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:
            box["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise AssertionError(f"still running after {limit:g}s")
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


def drip_headers(server: FeedServer, every: float) -> Callable[[BaseHTTPRequestHandler], None]:
    """A 200 whose headers arrive one byte per `every` seconds, for as long as the test runs."""

    def handler(h: BaseHTTPRequestHandler) -> None:
        header = b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nX-Drip: "
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, OSError):
            for byte in header:
                h.wfile.write(bytes([byte]))
                h.wfile.flush()
            while not server.release.wait(every):
                h.wfile.write(b"a")
                h.wfile.flush()

    return handler


def test_fetch_from_a_header_drip_ends_at_the_deadline(server: FeedServer, sqlite_url: str) -> None:
    settings = make_settings(sqlite_url, fetch_timeout=1.0)
    url = server.handler("/drip", drip_headers(server, every=0.2))
    started = time.monotonic()
    with make_client(settings) as client, pytest.raises(FetchError, match="timeout after 1s"):
        bounded(lambda: fetch(client, url), 10)
    took = time.monotonic() - started
    assert 0.9 <= took <= settings.fetch_timeout + SLACK, took


def test_a_dripping_feed_fails_alone_and_the_round_goes_on(
    server: FeedServer, sqlite_url: str, store: Engine, clock: Clock
) -> None:
    settings = make_settings(sqlite_url, fetch_timeout=1.0)
    good, _ = serve_all(server)
    bad = server.handler("/feeds/drip", drip_headers(server, every=0.2))
    add(store, bad, good)
    started = time.monotonic()
    summary = bounded(lambda: poll(store, settings, clock), 15)
    took = time.monotonic() - started
    outcome = {o.url: o for o in summary.outcomes}
    assert outcome[bad].error == "fetch: timeout after 1s"
    assert outcome[good].error is None and outcome[good].new == 2
    assert len(articles(store)) == 2
    assert took < settings.fetch_timeout + 5, took  # one timeout, then the good feed


def test_stop_ends_a_fetch_in_flight(server: FeedServer, sqlite_url: str) -> None:
    """With a long deadline, only the stop event can end the drip early (after the grace a
    nearly finished fetch gets)."""
    from ingest import fetch as fetch_module  # FetchStopped came with the fix
    from ingest.deadline import STOP_GRACE

    settings = make_settings(sqlite_url, fetch_timeout=60.0)
    url = server.handler("/drip", drip_headers(server, every=0.2))
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    started = time.monotonic()
    with make_client(settings, stop=stop) as client, pytest.raises(fetch_module.FetchStopped):
        bounded(lambda: fetch(client, url), 10)
    took = time.monotonic() - started
    assert 0.5 + STOP_GRACE - 0.1 < took < 0.5 + STOP_GRACE + SLACK, took


def test_sigterm_stops_schedule_during_a_header_drip(
    server: FeedServer,
    sqlite_url: str,
    store: Engine,
    tmp_path: Path,
    procs: list,  # noqa: F811
) -> None:
    """The real `eventline schedule` with a 60 s fetch timeout: SIGTERM mid-drip exits in
    seconds, with the claim released and no error counted against the feed."""
    url = server.handler("/feeds/drip", drip_headers(server, every=0.5))
    add(store, url)
    log = tmp_path / "schedule.log"
    proc = start(sqlite_url, tick=0.3, log=log, fetch_timeout=60)
    procs.append(proc)
    wait_for(lambda: bool(server.hits("/feeds/drip")), 30, "the scheduler to request the feed")
    time.sleep(0.5)
    sent = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    try:
        code = proc.wait(timeout=8)
    except Exception:
        proc.kill()
        raise AssertionError(f"schedule ignored SIGTERM:\n{log.read_text()}") from None
    took = time.monotonic() - sent
    assert code == 0, log.read_text()
    assert took < 6, took  # 2 s grace for the fetch in hand, then shutdown (60 s timeout)
    row = feed(store, url)
    assert row.error_count == 0 and row.last_error is None, row
    assert "stopped" in log.read_text()
