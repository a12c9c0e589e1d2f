"""OPML subscription lists: the format every feed reader imports and exports.

Reading is listparser's (Kurt McKee's OPML reader, from the author of feedparser): it walks
nested outlines, takes folders and the `category` attribute as categories, and never expands
entities or fetches anything, so a hostile file is just text. Writing is OPML 2.0 with the
standard library: one folder per feed's first tag (how Miniflux and NetNewsWire show
categories) and every tag in `category`, so a list exported here reads back the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import format_datetime
from xml.etree import ElementTree as ET

from ingest.feeds_config import FeedConfigError, FeedSpec, check_name, make_spec
from timeline.store.models import Feed


def parse_opml(content: bytes) -> list[FeedSpec]:
    """The feeds of an OPML document: URL, title as name, categories as tags.

    Entries that are not http(s) feeds are errors naming the entry, before anything is stored.
    """
    import listparser

    result = listparser.parse(content)
    if result.get("bozo") and not result.feeds:
        raise FeedConfigError(f"not an OPML subscription list: {result.get('bozo_exception')}")
    specs = []
    names: set[str] = set()
    for n, entry in enumerate(result.feeds, 1):
        tags = ["/".join(path) for path in entry.get("categories", []) if path]
        try:
            spec = make_spec(entry["url"], tags=tags)
        except FeedConfigError as exc:
            raise FeedConfigError(f"outline #{n}: {exc}") from None
        # A title that cannot be a name (the URL itself, a number) or that an earlier
        # outline already took leaves the feed unnamed rather than failing the import.
        try:
            name = check_name(entry.get("title") or None)
        except FeedConfigError:
            name = None
        if name and name not in names:
            names.add(name)
            spec = replace(spec, name=name)
        specs.append(spec)
    return specs


def write_opml(feeds: Sequence[Feed], *, now: datetime | None = None) -> bytes:
    """An OPML 2.0 document listing `feeds`, grouped in folders by their first tag."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = "eventline feeds"
    ET.SubElement(head, "dateCreated").text = format_datetime(now or datetime.now(UTC))
    body = ET.SubElement(opml, "body")
    folders: dict[str, ET.Element] = {}
    for feed in feeds:
        tags = list(feed.tags or [])
        parent = body
        if tags:
            parent = folders.get(tags[0]) or ET.SubElement(body, "outline", text=tags[0])
            folders[tags[0]] = parent
        label = feed.name or feed.url
        attrs = {"type": "rss", "text": label, "title": label, "xmlUrl": feed.url}
        if tags:
            attrs["category"] = ",".join(tags)
        ET.SubElement(parent, "outline", attrs)
    ET.indent(opml)
    return ET.tostring(opml, encoding="utf-8", xml_declaration=True) + b"\n"
