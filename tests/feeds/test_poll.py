"""End to end on a loopback server and a SQLite file: poll, ingest, 304, errors as data."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from config.settings import Settings
from ingest.feeds_config import make_spec, upsert_feeds
from ingest.fetch import make_client
from ingest.scheduler import PollConfig, PollSummary, poll_due_feeds
from tests.feeds.conftest import Clock, FeedServer, make_settings, send
from timeline.store.models import Article, EventSource, Feed, IngestRun


def add(engine: Engine, *urls: str, every: str = "15m") -> None:
    upsert_feeds(engine, [make_spec(u, every=every) for u in urls], default_interval=900)


def poll(engine: Engine, settings: Settings, clock: Clock, **kw: object) -> PollSummary:
    config = PollConfig.from_settings(settings)
    with make_client(settings) as client:
        return poll_due_feeds(
            engine,
            client=client,
            settings=settings,
            config=config,
            now_fn=clock,
            **kw,  # type: ignore[arg-type]
        )


def serve_all(server: FeedServer) -> tuple[str, str]:
    for name in ("talks", "sanctions", "protest"):
        server.file(f"/articles/{name}.html", f"{name}.html")
    rss = server.file("/feeds/world.xml", "world.xml", gzip=True)
    atom = server.file("/feeds/region.atom", "region.atom")
    return rss, atom


def articles(engine: Engine) -> dict[str, Article]:
    with Session(engine) as s:
        return {a.location: a for a in s.exec(select(Article)).all()}


def feed(engine: Engine, url: str) -> Feed:
    with Session(engine) as s:
        found = s.exec(select(Feed).where(col(Feed.url) == url)).one()
        return found


def test_poll_ingests_rss_and_atom_then_gets_304(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    rss, atom = serve_all(server)
    add(store, rss, atom)
    summary = poll(store, settings, clock)
    assert [o.error for o in summary.outcomes] == [None, None]
    stored = articles(store)
    base = server.base
    assert set(stored) == {
        f"{base}/articles/talks.html",
        f"{base}/articles/truce.html",
        f"{base}/articles/sanctions.html",
        f"{base}/articles/protest.html",  # relative Atom link resolved against the feed URL
    }
    talks = stored[f"{base}/articles/talks.html"]
    # the feed's pubDate wins, read in the publisher's zone (23:40 +0300 is still the 21st)
    assert (talks.published, talks.published_source) == (date(2025, 4, 21), "feed")
    assert "bilateral negotiations" in talks.text and "Reader42" not in talks.text
    assert "Subscribe" not in talks.text
    truce = stored[f"{base}/articles/truce.html"]  # full text in the feed: page not fetched
    assert truce.published_source == "feed" and "trackPageView" not in truce.text
    assert not server.hits("/articles/truce.html")
    sanctions = stored[f"{base}/articles/sanctions.html"]
    assert (sanctions.published, sanctions.published_source) == (date(2025, 4, 22), "html_meta")
    protest = stored[f"{base}/articles/protest.html"]
    assert (protest.published, protest.published_source) == (date(2025, 4, 22), "dateline")
    assert all(a.feed_id is not None for a in stored.values())
    with Session(store) as s:
        assert s.exec(select(EventSource)).all(), "events were extracted"
        runs = s.exec(select(IngestRun)).all()
        assert sorted(r.new for r in runs) == [2, 2]
    first = feed(store, rss)
    assert first.etag and first.last_modified and first.error_count == 0
    assert first.next_check_at is not None

    # Nothing is due until the interval (or the RSS <ttl> of 30 min) has passed.
    clock.advance(minutes=10)
    assert poll(store, settings, clock).outcomes == []
    clock.advance(minutes=25)
    second = poll(store, settings, clock)
    assert [o.not_modified for o in second.outcomes] == [True, True]
    for path in ("/feeds/world.xml", "/feeds/region.atom"):
        again = server.hits(path)[-1].headers
        assert again["if-none-match"].startswith('"') and "if-modified-since" in again
    assert len(server.hits("/articles/talks.html")) == 1  # pages are never refetched
    assert len(articles(store)) == 4


def test_request_headers_are_clear(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    rss, _ = serve_all(server)
    add(store, rss)
    poll(store, settings, clock)
    sent = server.hits("/feeds/world.xml")[0].headers
    assert sent["user-agent"] == settings.user_agent
    assert "gzip" in sent["accept-encoding"] and "rss+xml" in sent["accept"]


def test_rss_ttl_delays_the_next_check(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    rss, _ = serve_all(server)
    add(store, rss, every="5m")
    poll(store, settings, clock)
    nxt = feed(store, rss).next_check_at
    assert nxt is not None
    assert nxt.replace(tzinfo=None) == (clock.now + timedelta(minutes=30)).replace(tzinfo=None)


def test_stop_between_entries_releases_the_claim(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    rss, _ = serve_all(server)
    add(store, rss)
    stop = threading.Event()
    calls = []

    def stop_after_first(result: object) -> None:
        calls.append(result)

    import ingest.scheduler as sched

    original = sched.ingest_with_retry

    def ingest_then_stop(*a: object, **kw: object):  # type: ignore[no-untyped-def]
        result = original(*a, **kw)  # type: ignore[arg-type]
        stop.set()
        return result

    sched.ingest_with_retry = ingest_then_stop  # type: ignore[assignment]
    try:
        poll(store, settings, clock, stop=stop)
    finally:
        sched.ingest_with_retry = original  # type: ignore[assignment]
    assert len(articles(store)) == 1
    row = feed(store, rss)
    assert row.etag is None  # not every entry is in: no 304 may hide the rest
    assert row.next_check_at is not None
    assert row.next_check_at.replace(tzinfo=None) <= clock.now.replace(tzinfo=None)
    summary = poll(store, settings, clock)  # due again at once; finishes the job
    assert summary.outcomes[0].new == 1 and len(articles(store)) == 2


def test_an_entry_whose_page_is_gone_falls_back_to_the_feed_text(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    """talks.html answers 404 and the sanctions page is not HTML: both entries are kept with
    the text the feed carries, and each article says which text it holds and why."""
    server.file("/articles/sanctions.html", "talks.html", content_type="application/pdf")
    server.file("/articles/protest.html", "protest.html")
    rss = server.file("/feeds/world.xml", "world.xml")  # /articles/talks.html is not served
    atom = server.file("/feeds/region.atom", "region.atom")
    add(store, rss, atom)
    summary = poll(store, settings, clock)
    assert [(o.error, o.failed) for o in summary.outcomes] == [(None, 0), (None, 0)]
    stored = articles(store)
    base = server.base
    talks = stored[f"{base}/articles/talks.html"]
    assert talks.text.startswith("Russian President Vladimir Putin said Moscow was open")
    assert talks.text_source == "feed (page failed: fetch: HTTP 404 Not Found)"
    sanctions = stored[f"{base}/articles/sanctions.html"]
    assert (
        sanctions.text_source == "feed (page failed: extract: not an HTML page (application/pdf))"
    )
    assert stored[f"{base}/articles/truce.html"].text_source == "feed"  # its own full text
    assert stored[f"{base}/articles/protest.html"].text_source == "page"


def test_a_page_that_fails_for_now_is_retried_not_replaced(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    """A 503 may pass: the entry is not stored from its teaser, and the next poll fetches it."""
    server.handler("/articles/talks.html", lambda h: send(h, 503, b"busy"))
    rss = server.file("/feeds/world.xml", "world.xml")
    add(store, rss)
    first = poll(store, settings, clock).outcomes[0]
    assert first.failed == 1 and f"{server.base}/articles/talks.html" not in articles(store)
    server.file("/articles/talks.html", "talks.html")
    clock.advance(hours=1)
    poll(store, settings, clock)
    assert articles(store)[f"{server.base}/articles/talks.html"].text_source == "page"


def test_a_permanent_redirect_moves_the_feed(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    rss, _ = serve_all(server)
    old = server.handler("/old/world.xml", lambda h: send(h, 301, Location="/feeds/world.xml"))
    temp = server.handler("/tmp/region", lambda h: send(h, 302, Location="/feeds/region.atom"))
    add(store, old, temp)
    summary = poll(store, settings, clock)
    assert [o.error for o in summary.outcomes] == [None, None]
    with Session(store) as s:
        urls = sorted(f.url for f in s.exec(select(Feed)).all())
    assert urls == sorted([rss, temp])  # the 302 is temporary: the feed keeps its address
    clock.advance(hours=1)
    poll(store, settings, clock)
    assert not [h for h in server.hits("/old/world.xml")[1:]]  # polled at the new URL since


def test_next_checks_get_random_slack(
    server: FeedServer, store: Engine, sqlite_url: str, clock: Clock
) -> None:
    """Jitter only ever delays (the TTL of 30 min still holds), by at most the setting."""
    rss, atom = serve_all(server)
    add(store, rss, atom, every="5m")
    settings = make_settings(sqlite_url, feed_jitter=0.5)
    poll(store, settings, clock)
    delays = {
        url: (feed(store, url).next_check_at.replace(tzinfo=None) - clock.now.replace(tzinfo=None))  # type: ignore[union-attr]
        .total_seconds()
        for url in (rss, atom)
    }
    assert 1800 < delays[rss] <= 1800 * 1.5  # world.xml says <ttl>30</ttl>: 30 min, then slack
    assert 300 < delays[atom] <= 300 * 1.5  # region.atom: its 5-minute interval, then slack
