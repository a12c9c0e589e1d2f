"""Real `eventline schedule` processes: kill -9, SIGTERM, two workers on one Postgres, and
connections dropped under a running poll. Intervals and leases are seconds, not minutes."""

from __future__ import annotations

import contextlib
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from ingest.feeds_config import make_spec, upsert_feeds
from tests.conftest import ROOT
from tests.feeds.conftest import Clock, FeedServer, Route, make_settings, send
from tests.feeds.test_poll import articles, poll, serve_all
from timeline.store.engine import make_engine, upgrade
from timeline.store.models import Event, EventSource, Feed


def start(
    url: str, *, tick: float = 0.3, lease: float = 3, log: Path, fetch_timeout: float = 5
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "EVENTLINE_DATABASE_URL": url,
        "EVENTLINE_ALLOW_PRIVATE_URLS": "true",
        "EVENTLINE_USE_SPACY": "false",
        "EVENTLINE_FETCH_TIMEOUT": str(fetch_timeout),
        "EVENTLINE_LOG_LEVEL": "INFO",
    }
    env.pop("EVENTLINE_FEEDS_FILE", None)
    cmd = [sys.executable, "-c", "from timeline.cli.main import main; main()", "schedule",
           "--tick", str(tick), "--lease", str(lease)]  # fmt: skip
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def wait_for(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        return proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise


@pytest.fixture
def procs() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for p in started:
        if p.poll() is None:
            p.kill()
            p.wait()


class SlowPage:
    """A page whose first request blocks until released (or `delay` passes)."""

    def __init__(self, server: FeedServer, path: str, delay: float = 30) -> None:
        route = server.routes[path]
        assert isinstance(route, Route)
        self.route, self.delay = route, delay
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        server.handler(path, self)

    def __call__(self, h: BaseHTTPRequestHandler) -> None:
        self.calls += 1
        if self.calls == 1:
            self.entered.set()
            self.release.wait(self.delay)
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a killed client
            send(h, 200, self.route.body, Content_Type=self.route.content_type)


def reference_counts(server: FeedServer, tmp_path: Path, urls: list[str]) -> tuple[int, int]:
    """Events and sources one clean in-process poll stores for the same feeds."""
    url = f"sqlite:///{tmp_path / 'reference.db'}"
    engine = make_engine(url)
    upgrade(engine)
    upsert_feeds(engine, [make_spec(u) for u in urls], default_interval=3600)
    poll(engine, make_settings(url), Clock())
    return counts(engine)


def counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return len(s.exec(select(Event)).all()), len(s.exec(select(EventSource)).all())


def assert_stored_once(engine: Engine, expected: int) -> None:
    with Session(engine) as s:
        rows = s.exec(select(EventSource.article_id, EventSource.sentence_index)).all()
    stored = articles(engine)
    assert len(stored) == expected
    assert all(n == 1 for n in Counter(rows).values()) or rows, "a sentence stored twice"


def feeds(engine: Engine) -> list[Feed]:
    with Session(engine) as s:
        return list(s.exec(select(Feed).order_by(Feed.id)).all())  # type: ignore[arg-type]


def test_kill_9_mid_ingest_then_restart(
    server: FeedServer, sqlite_url: str, tmp_path: Path, procs: list[subprocess.Popen[bytes]]
) -> None:
    rss, atom = serve_all(server)
    engine = make_engine(sqlite_url)
    upgrade(engine)
    upsert_feeds(
        engine, [make_spec(rss, every="1h"), make_spec(atom, every="1h")], default_interval=3600
    )
    slow = SlowPage(server, "/articles/sanctions.html")
    log = tmp_path / "schedule.log"
    procs.append(first := start(sqlite_url, log=log))
    wait_for(slow.entered.is_set, 30, "the slow page to be requested")
    first.send_signal(signal.SIGKILL)
    first.wait(10)
    assert len(articles(engine)) == 3  # truce, talks, protest; sanctions was in flight
    slow.release.set()

    procs.append(second := start(sqlite_url, log=log))
    wait_for(lambda: len(articles(engine)) == 4, 30, "the restarted worker to finish")
    wait_for(lambda: all(f.etag for f in feeds(engine)), 10, "feed state recorded")
    assert stop(second) == 0, log.read_text()
    assert_stored_once(engine, 4)
    assert len(server.hits("/articles/sanctions.html")) == 2
    assert len(server.hits("/articles/talks.html")) == 1  # stored pages are not refetched
    for f in feeds(engine):  # no stuck claim: both feeds polled to the end, due in an hour
        assert f.error_count == 0 and f.checked_at is not None and f.last_error is None
        assert f.next_check_at is not None and f.next_check_at.timestamp() > time.time() + 3000
    assert counts(engine) == reference_counts(server, tmp_path, [rss, atom])


def test_sigterm_finishes_the_article_in_hand(
    server: FeedServer, sqlite_url: str, tmp_path: Path, procs: list[subprocess.Popen[bytes]]
) -> None:
    _, atom = serve_all(server)
    engine = make_engine(sqlite_url)
    upgrade(engine)
    upsert_feeds(engine, [make_spec(atom, every="1h")], default_interval=3600)
    slow = SlowPage(server, "/articles/sanctions.html", delay=1.5)
    log = tmp_path / "schedule.log"
    procs.append(proc := start(sqlite_url, log=log))
    wait_for(slow.entered.is_set, 30, "the slow page to be requested")
    began = time.monotonic()
    assert stop(proc) == 0, log.read_text()
    assert time.monotonic() - began < 10
    assert "stopped" in log.read_text()
    assert len(articles(engine)) == 2  # the article in hand was finished, not dropped


@pytest.fixture
def pg_url(postgres_url: str) -> str:
    """The session's Postgres schema, tagged so only our connections get terminated."""
    return f"{postgres_url}&application_name=el_feeds_{uuid.uuid4().hex[:8]}"


@pytest.mark.postgres
def test_two_schedulers_share_feeds_on_postgres(
    server: FeedServer, pg_url: str, tmp_path: Path, procs: list[subprocess.Popen[bytes]]
) -> None:
    rss, atom = serve_all(server)
    mirror = server.file("/feeds/mirror.xml", "world.xml")  # same articles, another feed
    for path in ("/feeds/world.xml", "/feeds/mirror.xml"):
        route = server.routes[path]
        assert isinstance(route, Route)
        route.body = route.body.replace(b"<ttl>30</ttl>", b"")  # poll at our interval
    engine = make_engine(pg_url)
    upgrade(engine)
    interval = 2.0
    upsert_feeds(
        engine,
        [make_spec(u, every=int(interval)) for u in (rss, atom, mirror)],
        default_interval=3600,
    )
    log = tmp_path / "schedule.log"
    procs.extend([start(pg_url, tick=0.2, log=log), start(pg_url, tick=0.2, log=log)])
    wait_for(lambda: len(articles(engine)) == 4, 40, "both workers to ingest")
    time.sleep(5)  # a few more intervals: conditional GETs, claims racing
    assert [stop(p) for p in procs] == [0, 0], log.read_text()
    assert_stored_once(engine, 4)
    for path in ("/feeds/world.xml", "/feeds/region.atom", "/feeds/mirror.xml"):
        times = [s.at for s in server.hits(path)]
        assert len(times) >= 3, path
        gaps = [b - a for a, b in itertools.pairwise(times)]
        assert min(gaps) > interval - 0.3, (path, gaps)  # once per interval, never twice
    for page in ("talks", "sanctions", "protest"):
        assert len(server.hits(f"/articles/{page}.html")) in (1, 2), page  # mirror may race
    assert all(f.error_count == 0 for f in feeds(engine))
    assert counts(engine) == reference_counts(server, tmp_path, [rss, atom, mirror])


@pytest.mark.postgres
def test_dropped_connections_are_survived(server: FeedServer, pg_url: str) -> None:
    rss, atom = serve_all(server)
    engine = make_engine(pg_url)
    upgrade(engine)
    upsert_feeds(engine, [make_spec(rss), make_spec(atom)], default_interval=3600)
    app = pg_url.rsplit("application_name=", 1)[1]
    admin = create_engine(pg_url.replace(app, "el_admin"), isolation_level="AUTOCOMMIT")
    checker = make_engine(pg_url.replace(app, "el_check"))  # the test's reads are spared
    kills: list[int] = []

    def terminate() -> None:
        with admin.connect() as conn:
            n = conn.execute(
                text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                     "WHERE application_name = :app"), {"app": app},
            ).scalar()  # fmt: skip
        kills.append(int(n or 0))

    page = server.routes["/articles/sanctions.html"]

    def kill_then_serve(h: BaseHTTPRequestHandler) -> None:
        terminate()  # every pooled connection of the poller dies while it waits on us
        assert isinstance(page, Route)
        send(h, 200, page.body, Content_Type=page.content_type)

    server.handler("/articles/sanctions.html", kill_then_serve)
    settings = make_settings(pg_url)
    summary = poll(engine, settings, Clock())
    assert sum(kills) >= 1, "the test killed nothing"
    assert [o.error for o in summary.outcomes] == [None, None]
    assert len(articles(checker)) == 4

    # And a storm: connections killed every 150 ms for 3 s while polling a fresh store;
    # whatever failed is redone by later polls, nothing twice.
    with admin.connect() as conn:
        conn.execute(text("TRUNCATE eventsource, eventactor, eventlink, event, article, "
                          "ingestrun, feed RESTART IDENTITY CASCADE"))  # fmt: skip
    server.routes["/articles/sanctions.html"] = page
    upsert_feeds(engine, [make_spec(rss), make_spec(atom)], default_interval=3600)
    done = threading.Event()

    def storm() -> None:
        ends = time.monotonic() + 3
        while not done.is_set() and time.monotonic() < ends:
            terminate()
            time.sleep(0.15)

    killer = threading.Thread(target=storm, daemon=True)
    killer.start()
    clock = Clock()
    try:
        for _ in range(15):
            poll(engine, settings, clock)
            if len(articles(checker)) == 4 and all(f.etag for f in feeds(checker)):
                break
            clock.advance(hours=2)  # claims lapse; failed feeds come due again
    finally:
        done.set()
        killer.join()
    assert_stored_once(checker, 4)
    admin.dispose()
    checker.dispose()
    engine.dispose()
