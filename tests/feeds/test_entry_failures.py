"""Issue 10 fault 4 (feeds): an entry dated at the calendar's ends is stored, and an entry that
fails for good is recorded and not retried on later polls until the entry itself changes."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from config.settings import Settings
from tests.feeds.conftest import Clock, FeedServer, Route
from tests.feeds.test_poll import add, articles, feed, poll

EMPTY_PAGE = b"<html><head><title>Nothing</title></head><body><script>x()</script></body></html>"


def item(title: str, link: str, pub: str) -> str:
    """An entry with a link and no text of its own (so its page is all there is)."""
    return (
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>{pub}</pubDate></item>"
    )


def rss(*items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title>'
        f"<link>http://x/</link><description>d</description>{''.join(items)}</channel></rss>"
    ).encode()


def serve_feed(server: FeedServer, *items: str) -> str:
    server.routes["/feeds/edge.xml"] = Route(rss(*items), "application/rss+xml", validators=False)
    return server.url("/feeds/edge.xml")


def test_entries_at_the_calendar_ends_are_stored(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    first = server.file("/a/first", "talks.html")
    last = server.file("/a/last", "sanctions.html")
    url = serve_feed(
        server,
        item("First day", first, "Mon, 01 Jan 0001 00:00:00 +0000"),
        item("Last day", last, "Fri, 31 Dec 9999 12:00:00 +0000"),
    )
    add(store, url)
    summary = poll(store, settings, clock)
    (outcome,) = summary.outcomes
    assert outcome.error is None and outcome.failed == 0, outcome.note
    assert outcome.new == 2
    published = sorted(str(a.published) for a in articles(store).values())
    assert published[0].startswith("0001-01-0") or published[-1].startswith("9999-12-3"), published


def test_a_permanently_bad_entry_is_not_retried_until_it_changes(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    server.file("/articles/talks.html", "talks.html")
    server.routes["/a/empty"] = Route(EMPTY_PAGE, "text/html; charset=utf-8", validators=False)
    bad = item("No text here", server.url("/a/empty"), "Mon, 21 Apr 2025 10:00:00 +0000")
    good = item("Talks", server.url("/articles/talks.html"), "Mon, 21 Apr 2025 11:00:00 +0000")
    url = serve_feed(server, bad)
    add(store, url)

    first = poll(store, settings, clock).outcomes[0]
    assert first.failed == 1 and "extract: no article text" in (first.note or ""), first
    assert len(server.hits("/a/empty")) == 1

    serve_feed(server, bad, good)  # the feed changes; the bad entry does not
    clock.advance(hours=1)
    second = poll(store, settings, clock).outcomes[0]
    assert second.new == 1 and second.failed == 0, second
    assert len(server.hits("/a/empty")) == 1  # not fetched again
    assert "failed before and are unchanged" in (feed(store, url).last_error or "")

    clock.advance(hours=1)
    assert poll(store, settings, clock).outcomes[0].failed == 0  # still passed over
    assert len(server.hits("/a/empty")) == 1

    changed = item(
        "No text here (updated)", server.url("/a/empty"), "Mon, 21 Apr 2025 10:00:00 +0000"
    )
    serve_feed(server, changed, good)
    clock.advance(hours=1)
    third = poll(store, settings, clock).outcomes[0]
    assert third.failed == 1 and len(server.hits("/a/empty")) == 2  # tried again: it changed
    assert len(articles(store)) == 1


def test_failures_are_stored_per_feed_and_cleared_once_stored(
    server: FeedServer, store: Engine, settings: Settings, clock: Clock
) -> None:
    from timeline.store.models import EntryFailure  # came with the fix

    server.routes["/a/late"] = Route(EMPTY_PAGE, "text/html; charset=utf-8", validators=False)
    entry = item("Late", server.url("/a/late"), "Mon, 21 Apr 2025 10:00:00 +0000")
    url = serve_feed(server, entry)
    add(store, url)
    poll(store, settings, clock)
    with Session(store) as s:
        (row,) = s.exec(select(EntryFailure)).all()
        assert row.location == server.url("/a/late") and row.reason.startswith("extract:")
    # the page gets its text and the entry changes: stored, and the failure forgotten
    server.file("/a/late", "talks.html")
    serve_feed(
        server, item("Late (fixed)", server.url("/a/late"), "Mon, 21 Apr 2025 10:00:00 +0000")
    )
    clock.advance(hours=1)
    assert poll(store, settings, clock).outcomes[0].new == 1
    with Session(store) as s:
        assert s.exec(select(EntryFailure)).all() == []
