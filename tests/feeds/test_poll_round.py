"""Issue 10 fault 9: one `feeds poll` round polls each due feed at most once, so it ends even
when intervals are shorter than the round (a failing feed comes due again while others are
polled) and a failing server is not asked three or four times in a row."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from threading import Event

from sqlalchemy.engine import Engine

from config.settings import Settings
from ingest.scheduler import FeedOutcome
from tests.feeds.conftest import FeedServer, send
from tests.feeds.test_poll import add, poll, serve_all


class SlowClock:
    """Every reading of the time is ten minutes later: a round longer than every interval."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=10)
        return self.now


def error_500(h: BaseHTTPRequestHandler) -> None:
    send(h, 500, b"oops", Content_Type="text/plain")


def test_each_due_feed_is_polled_once_per_round(
    server: FeedServer, store: Engine, settings: Settings
) -> None:
    rss, atom = serve_all(server)
    bad1 = server.handler("/feeds/bad1", error_500)
    bad2 = server.handler("/feeds/bad2", error_500)
    add(store, bad1, rss, bad2, atom, every="1m")
    stop = Event()
    seen: list[FeedOutcome] = []

    def on_feed(outcome: FeedOutcome) -> None:
        seen.append(outcome)
        if len(seen) >= 12:  # the fault: the round never ends; stop it to see the repeats
            stop.set()

    clock = SlowClock()
    summary = poll(store, settings, clock, stop=stop, on_feed=on_feed)  # type: ignore[arg-type]
    per_feed = Counter(o.url for o in summary.outcomes)
    assert per_feed == {bad1: 1, bad2: 1, rss: 1, atom: 1}, per_feed
    assert not stop.is_set()  # the round ended by itself
    assert len(server.hits("/feeds/bad1")) == len(server.hits("/feeds/bad2")) == 1
    # the next round polls them again
    again = poll(store, settings, clock, on_feed=on_feed)  # type: ignore[arg-type]
    assert Counter(o.url for o in again.outcomes)[bad1] == 1
