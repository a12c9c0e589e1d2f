"""parse_feed on bytes: entries, dates, links, and what hostile XML costs (nothing)."""

from __future__ import annotations

import time
import tracemalloc
from datetime import date

import pytest

from ingest.sources.feeds import FeedParseError, html_to_text, parse_feed
from tests.feeds.conftest import DATA

BASE = "http://news.example.test"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes().replace(b"{base}", BASE.encode())


def test_rss_entries_oldest_first_with_publisher_dates() -> None:
    feed = parse_feed(load("world.xml"), url=f"{BASE}/feeds/world.xml", headers={})
    assert feed.title == "Example Wire: World" and feed.ttl == 1800
    truce, talks = feed.entries
    assert truce.location == f"{BASE}/articles/truce.html" and truce.full_text
    assert "trackPageView" not in truce.full_text  # sanitised: scripts dropped
    assert truce.full_text.count("\n\n") >= 4  # paragraphs kept
    assert talks.full_text is None and talks.has_link  # a teaser: fetch the page
    assert (truce.published, talks.published) == (date(2025, 4, 20), date(2025, 4, 21))


def test_atom_relative_link_resolves_against_content_location() -> None:
    feed = parse_feed(
        load("region.atom"),
        url="http://mirror.example.test/feeds/region.atom",
        headers={"Content-Location": "http://cdn.example.test/x/region.atom"},
    )
    assert feed.entries[0].location == "http://cdn.example.test/articles/protest.html"
    assert feed.entries[0].summary == "Protesters gathered in central Kyiv."


@pytest.mark.parametrize("name", ["lol.xml"])
def test_billion_laughs_is_a_cheap_parse_error(name: str) -> None:
    tracemalloc.start()
    started = time.monotonic()
    with pytest.raises(FeedParseError, match="undefined entity"):
        parse_feed(load(name), url=BASE, headers={})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.monotonic() - started < 2 and peak < 20_000_000


def test_quadratic_blowup_is_not_expanded() -> None:
    """One 10 kB entity referenced 10,000 times would be 100 MB expanded."""
    doc = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "' + b"x" * 10_000 + b'">]>\n'
        b'<rss version="2.0"><channel><title>t</title><item><title>i</title>'
        b"<link>http://a.test/b</link><description>" + b"&a;" * 10_000 + b"</description>"
        b"</item></channel></rss>"
    )
    tracemalloc.start()
    with pytest.raises(FeedParseError):
        parse_feed(doc, url=BASE, headers={})
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 30_000_000


def test_a_body_naming_a_local_file_is_not_read_from_disk() -> None:
    """feedparser.parse(bytes) opens the bytes as a file name if one exists; we pass a
    stream, so a hostile body of b"/etc/passwd" stays a string."""
    with pytest.raises(FeedParseError):
        parse_feed(b"/etc/passwd", url=BASE, headers={})
    feed_file = DATA / "world.xml"  # a real feed on disk: read, it would parse fine
    with pytest.raises(FeedParseError):
        parse_feed(str(feed_file).encode(), url=BASE, headers={})


def test_html_to_text() -> None:
    assert html_to_text("<p>One &amp; two</p><p>Three<br>four</p><script>x()</script>") == (
        "One & two\n\nThree\n\nfour"
    )
    assert html_to_text("plain   text") == "plain text"
    # What feeds send in practice: unclosed tags, comments, styles, entities, nested blocks.
    messy = (
        "<style>p{color:red}</style><!-- ad --><div><p>Kyiv&nbsp;said <b>no</b>"
        "<p>Moscow &#8216;agreed&#8217;<ul><li>one<li>two</ul></div>tail"
    )
    assert html_to_text(messy) == "Kyiv said no\n\nMoscow ‘agreed’\n\none\n\ntwo\n\ntail"
    assert html_to_text("<!-- only a comment -->") == ""
