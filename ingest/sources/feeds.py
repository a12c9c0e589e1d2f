"""RSS and Atom feeds: bytes in, entries out. feedparser parses; it never fetches.

feedparser is given the body as a stream (never a URL, never raw bytes: `feedparser.parse`
opens a *bytes* argument as a local file name when one exists, so a hostile body such as
b"/etc/passwd" would be read from disk) plus the response headers with `content-location`,
so relative links resolve against the URL actually fetched. Entities declared in a DOCTYPE are
not expanded (feedparser keeps only plain ones and expat caps amplification), so an XML bomb
is a parse error here, not a memory blow-up; tests/feeds pins that down.
"""

from __future__ import annotations

import hashlib
import io
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import feedparser

from ingest.dates import parse_date

# Bozo conditions feedparser recovers from fully (as lemon24/reader does): a charset that
# turned out wrong but decoded with a fallback, and a feed served as text/plain or similar.
SURVIVABLE = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
# An entry whose own content (or summary) has at least this many words is taken as the full article;
# a shorter one (a teaser) means fetching the linked page.
FULL_TEXT_WORDS = 120
_PERIOD_SECONDS = {"hourly": 3600, "daily": 86400, "weekly": 604800, "monthly": 2592000}


class FeedParseError(Exception):
    """The body is not a usable feed; the message is the short reason stored on the feed."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One feed item: where it lives, what the feed says about it, its text if complete."""

    location: str
    title: str | None
    published: date | None
    full_text: str | None
    summary: str | None
    has_link: bool


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A parsed feed: its entries (oldest first), TTL hint in seconds, and any recovered issue."""

    title: str | None
    entries: list[FeedEntry]
    ttl: int | None = None
    warning: str | None = None


def parse_feed(content: bytes, *, url: str, headers: Mapping[str, str]) -> ParsedFeed:
    """Parse a fetched body; raise FeedParseError when it is not a well-formed feed."""
    response_headers = {k.lower(): v for k, v in headers.items()}
    response_headers.setdefault("content-location", url)
    result = feedparser.parse(
        io.BytesIO(content),
        response_headers=response_headers,
        resolve_relative_uris=True,
        sanitize_html=True,
    )
    warning = None
    if result.get("bozo"):
        exc = result.get("bozo_exception")
        if not isinstance(exc, SURVIVABLE):
            raise FeedParseError(describe_bozo(exc))
        warning = str(exc)
    if not result.get("version"):
        kind = response_headers.get("content-type", "unknown type").split(";")[0]
        raise FeedParseError(f"not an RSS or Atom feed ({kind})")
    entries = [_entry(e, url) for e in result.entries]
    entries.reverse()  # feeds list newest first; ingest in the order things happened
    feed = result.get("feed", {})
    return ParsedFeed(feed.get("title"), entries, _ttl(feed), warning)


def describe_bozo(exc: Any) -> str:
    """A one-line reason from feedparser's exception (SAX errors carry line and column)."""
    name = type(exc).__name__
    message = getattr(exc, "getMessage", lambda: str(exc))()
    if hasattr(exc, "getLineNumber"):
        return f"not well-formed XML ({message}, line {exc.getLineNumber()})"
    return f"{name}: {message}" if message else name


def _ttl(feed: Mapping[str, Any]) -> int | None:
    """RSS <ttl> (minutes) or sy:updatePeriod/updateFrequency, in seconds."""
    raw = str(feed.get("ttl", "")).strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw) * 60
    period = _PERIOD_SECONDS.get(str(feed.get("sy_updateperiod", "")).strip().lower())
    if period:
        freq = str(feed.get("sy_updatefrequency", "1")).strip()
        return period // max(1, int(freq) if freq.isdigit() else 1)
    return None


def _entry(entry: Mapping[str, Any], feed_url: str) -> FeedEntry:
    link = str(entry.get("link") or "").strip()
    ident = str(entry.get("id") or "").strip()
    if not link and ident.startswith(("http://", "https://")):
        link = ident
    title = html_to_text(str(entry.get("title") or "")) or None
    contents = [c.get("value", "") for c in entry.get("content", []) if c.get("value")]
    summary = html_to_text(str(entry.get("summary") or "")) or None
    # Many RSS feeds put the whole story in <description>: a long summary counts as text.
    full = max([*(html_to_text(c) for c in contents), summary or ""], key=len)
    location = link or f"{feed_url}#{ident or _digest(title or full or summary or '')}"
    return FeedEntry(
        location=location,
        title=title,
        published=entry_date(entry),
        full_text=full if len(full.split()) >= FULL_TEXT_WORDS else None,
        summary=summary or (full or None),
        has_link=bool(link),
    )


def entry_date(entry: Mapping[str, Any]) -> date | None:
    """The entry's publication date as the publisher wrote it (its own time zone)."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if raw:
            found = parse_date(str(raw))
            if found is not None:
                return found
        parsed = entry.get(f"{key}_parsed")
        if isinstance(parsed, time.struct_time):
            return date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


BLOCKS = (
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre tr table section article "
    "header footer figure figcaption hr dd dt"
).split()
SKIP = ("script", "style", "noscript", "template")


def html_to_text(fragment: str) -> str:
    """Plain text of an HTML fragment (feed content), one paragraph per block element.

    lxml parses it as a browser would (unclosed tags, entities, comments); scripts and styles
    are dropped and every block element becomes a paragraph break.
    """
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    from lxml import etree
    from lxml import html as lhtml

    try:
        root = lhtml.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):  # nothing parseable (e.g. only a comment)
        return ""
    for node in list(root.iter(*SKIP)):
        node.drop_tree()
    for node in root.iter(*BLOCKS):
        node.text = "\n\n" + (node.text or "")
        node.tail = "\n\n" + (node.tail or "")
    paragraphs = (" ".join(p.split()) for p in root.text_content().split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)
