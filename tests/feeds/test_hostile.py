"""Every hostile or broken feed gives a clear error on that feed, and the other feeds go on."""

from __future__ import annotations

import contextlib
import gzip
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from config.settings import Settings
from tests.feeds.conftest import DATA, Clock, FeedServer, make_settings, send
from tests.feeds.test_poll import add, articles, feed, poll, serve_all
from timeline.store.models import Article


def huge_stream(h: BaseHTTPRequestHandler) -> None:
    """100 MB, chunked, no Content-Length: only the streamed cap can stop it."""
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()
    chunk = b"<rss>" + b"x" * (1 << 20)
    try:
        for _ in range(100):
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        h.wfile.write(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass


def huge_declared(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/rss+xml")
    h.send_header("Content-Length", str(100_000_000))
    h.end_headers()
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        h.wfile.write(b"<rss>" * 1000)


def gzip_bomb(h: BaseHTTPRequestHandler) -> None:
    send(h, 200, BOMB, Content_Type="application/rss+xml", Content_Encoding="gzip")


BOMB = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # ~200 kB on the wire


def hang(server: FeedServer) -> Callable[[BaseHTTPRequestHandler], None]:
    def handler(h: BaseHTTPRequestHandler) -> None:
        server.release.wait(30)

    return handler


def loop(h: BaseHTTPRequestHandler) -> None:
    send(h, 302, Location="/feeds/loop?again")


def to_file(h: BaseHTTPRequestHandler) -> None:
    send(h, 301, Location="file:///etc/passwd")


def error_500(h: BaseHTTPRequestHandler) -> None:
    send(h, 500, b"oops", Content_Type="text/plain")


def body(
    data: bytes, ctype: str = "application/rss+xml"
) -> Callable[[BaseHTTPRequestHandler], None]:
    def handler(h: BaseHTTPRequestHandler) -> None:
        send(h, 200, data, Content_Type=ctype)

    return handler


UTF16_GARBAGE = b"\xff\xfe" + b"\x00<\x01r\x02s\x03s" * 50
CASES: dict[str, tuple[Callable[[FeedServer], Callable[[BaseHTTPRequestHandler], None]], str]] = {
    "malformed": (lambda s: body((DATA / "malformed.xml").read_bytes()),
                  "parse: not well-formed XML (mismatched tag, line 3)"),
    "billion-laughs": (lambda s: body((DATA / "lol.xml").read_bytes()),
                       "parse: not well-formed XML (undefined entity, line"),
    "100MB-stream": (lambda s: huge_stream, "fetch: response is over the 10 MB limit"),
    "100MB-declared": (lambda s: huge_declared,
                       "fetch: response of 100 MB is over the 10 MB limit"),
    "gzip-bomb": (lambda s: gzip_bomb, "fetch: response is over the 10 MB limit"),
    "hangs": (hang, "fetch: timeout after 1s"),
    "http-500": (lambda s: error_500, "fetch: HTTP 500 Internal Server Error"),
    "redirect-loop": (lambda s: loop, "fetch: too many redirects (more than 5)"),
    "redirect-to-file": (lambda s: to_file,
                         "fetch: refused 'file:///etc/passwd': only http and https URLs"),
    "wrong-encoding": (lambda s: body(UTF16_GARBAGE), "parse: not well-formed XML"),
    "not-a-feed": (lambda s: body((DATA / "notafeed.html").read_bytes(), "text/html"),
                   "parse: not an RSS or Atom feed (text/html)"),
    "empty": (lambda s: body(b""), "parse: "),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_feed_fails_alone(
    case: str, server: FeedServer, sqlite_url: str, store: Engine, clock: Clock
) -> None:
    settings = make_settings(sqlite_url, fetch_timeout=1.0)
    make, expected = CASES[case]
    good, _ = serve_all(server)
    bad = server.handler("/feeds/loop" if case == "redirect-loop" else "/feeds/bad", make(server))
    add(store, bad, good)
    started = time.monotonic()
    summary = poll(store, settings, clock)
    assert time.monotonic() - started < 15
    outcome = {o.url: o for o in summary.outcomes}
    assert outcome[bad].error is not None and outcome[bad].error.startswith(expected), outcome[bad]
    assert outcome[good].error is None and outcome[good].new == 2
    row = feed(store, bad)
    assert row.last_error == outcome[bad].error and row.error_count == 1
    assert len(articles(store)) == 2


def test_declared_utf8_that_is_latin1_is_recovered(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    """feedparser decodes it as windows-1252 (a survivable bozo, as in lemon24/reader); the
    text is right and the feed's last_error says what happened."""
    words = " ".join(["Le café de la place Rouge a rouvert lundi."] * 20)
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Caf\xe9</title>'
        f"<item><title>Caf\xe9 news</title><link>{server.base}/x</link>"
        f"<pubDate>Mon, 21 Apr 2025 08:00:00 GMT</pubDate><description>{words}</description>"
        "</item></channel></rss>"
    ).encode("latin-1")
    url = server.handler("/feeds/latin1", body(doc, "application/rss+xml; charset=utf-8"))
    add(store, url)
    (outcome,) = poll(store, settings, clock).outcomes
    assert outcome.error is None and outcome.new == 1
    with Session(store) as s:
        (art,) = s.exec(select(Article)).all()
    assert art.title == "Café news" and "café" in art.text
    assert "declared as utf-8, but parsed as windows-1252" in (feed(store, url).last_error or "")


def test_errors_back_off_and_disable_the_feed(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    from ingest.feeds_config import set_paused

    url = server.handler("/feeds/broken", error_500)
    add(store, url, every="15m")
    gaps = []
    for _ in range(3):
        (outcome,) = poll(store, settings, clock).outcomes
        assert outcome.error == "fetch: HTTP 500 Internal Server Error"
        row = feed(store, url)
        assert row.next_check_at is not None
        gap = row.next_check_at.replace(tzinfo=None) - clock.now.replace(tzinfo=None)
        gaps.append(gap.total_seconds() / 60)
        clock.now = row.next_check_at.replace(tzinfo=clock.now.tzinfo)
    assert gaps == [15, 30, 60]
    row = feed(store, url)
    assert row.disabled and row.error_count == 3
    assert row.last_error == (
        "fetch: HTTP 500 Internal Server Error (disabled after 3 consecutive errors)"
    )
    clock.advance(days=2)
    assert poll(store, settings, clock).outcomes == []  # disabled feeds are not polled
    set_paused(store, url, False)  # `feeds resume`: enabled, errors cleared, due now
    row = feed(store, url)
    assert not row.disabled and row.error_count == 0


def test_retry_after_is_respected(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    url = server.handler(
        "/feeds/busy",
        lambda h: send(h, 503, b"busy", Retry_After="7200", Content_Type="text/plain"),
    )
    add(store, url, every="15m")
    poll(store, settings, clock)
    row = feed(store, url)
    assert row.last_error == "fetch: HTTP 503 Service Unavailable"
    assert row.next_check_at is not None
    gap = row.next_check_at.replace(tzinfo=None) - clock.now.replace(tzinfo=None)
    assert gap.total_seconds() == 7200


def test_failed_page_is_retried_and_not_hidden_by_304(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    rss, _ = serve_all(server)
    talks = server.routes.pop("/articles/talks.html")
    server.handler("/articles/talks.html", error_500)
    add(store, rss)
    (first,) = poll(store, settings, clock).outcomes
    assert first.error is None and (first.new, first.failed) == (1, 1)
    row = feed(store, rss)
    assert row.error_count == 0 and row.etag is None
    assert row.last_error is not None and row.last_error.startswith("entries: 1 of 2 not stored")
    assert "fetch: HTTP 500" in row.last_error
    server.routes["/articles/talks.html"] = talks
    clock.advance(hours=1)
    (second,) = poll(store, settings, clock).outcomes
    assert not second.not_modified and (second.new, second.skipped) == (1, 1)
    assert len(articles(store)) == 2
    row = feed(store, rss)
    assert row.etag is not None and row.last_error is None
