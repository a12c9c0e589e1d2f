"""The feed list: the TOML file, and the add/remove/pause/resume operations on Feed rows.

The TOML file (Settings.feeds_file, see config/feeds.example.toml) is upserted by URL at
scheduler start: it sets name and schedule, never the fetch state (validators, errors), so
reloading it is always safe. Feeds added with `eventline feeds add` live beside it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from timeline.store import feeds as store_feeds
from timeline.store.engine import session_scope
from timeline.store.models import Feed

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_EVERY = re.compile(r"^\s*(\d+)\s*([smhd]?)\s*$", re.IGNORECASE)


class FeedConfigError(Exception):
    """A feed definition that cannot be used; the message names the problem."""


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed as configured: where, what to call it, how often."""

    url: str
    name: str | None = None
    interval_seconds: int | None = None
    cron: str | None = None
    tags: tuple[str, ...] = ()


def parse_every(value: str | int) -> int:
    """Seconds from "15m", "2h", "1d", "90s" or a bare number of seconds."""
    if isinstance(value, int):
        seconds = value
    else:
        m = _EVERY.match(value)
        if not m:
            raise FeedConfigError(f"cannot read interval {value!r} (examples: 90s, 15m, 2h, 1d)")
        seconds = int(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]
    if seconds < 1:
        raise FeedConfigError(f"interval {value!r} must be at least one second")
    return seconds


def format_every(seconds: int) -> str:
    """The shortest exact form of an interval: 900 -> "15m"."""
    for unit in ("d", "h", "m"):
        if seconds % _UNITS[unit] == 0:
            return f"{seconds // _UNITS[unit]}{unit}"
    return f"{seconds}s"


def check_cron(expr: str) -> str:
    """The expression if it is a valid 5-field crontab line, else FeedConfigError."""
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(expr)
    except ValueError as exc:
        raise FeedConfigError(f"invalid cron expression {expr!r}: {exc}") from None
    return expr


def check_feed_url(url: str) -> str:
    """Feeds are http(s) URLs; anything else is refused before it reaches the table."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.strip())
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FeedConfigError(f"not an http(s) URL: {url!r}")
    return url.strip()


def check_name(name: str | None) -> str | None:
    """A display name that can address the feed: not empty, not all digits (an id), not a
    URL."""
    if name is None:
        return None
    name = " ".join(name.split())
    if not name or name.lstrip("#").isdigit() or "://" in name:
        raise FeedConfigError(f"{name!r} cannot be a feed name (it reads as an id or a URL)")
    return name


def check_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags as given, trimmed, without repeats or commas (OPML separates categories by
    commas): ("world", "economy")."""
    out: dict[str, None] = {}
    for raw in tags:
        for tag in raw.split(","):
            tag = " ".join(tag.split()).strip("/")
            if tag:
                out[tag] = None
    return tuple(out)


def check_fetchable(url: str, *, allow_private: bool) -> str | None:
    """Refuse (FeedConfigError) a feed URL that polling would refuse: not http(s), or a host
    on a private, loopback or otherwise non-public address (the same check as every fetch).
    A host that does not resolve now is only a warning, returned: DNS may come back."""
    from ingest.netsafety import UnresolvedHost, UnsafeURL, UrlPolicy, check_url

    try:
        check_url(url, UrlPolicy(allow_private=allow_private))
    except UnresolvedHost as exc:
        return f"{exc} (added anyway; polls fail until it resolves)"
    except UnsafeURL as exc:
        raise FeedConfigError(str(exc)) from None
    return None


def make_spec(
    url: str,
    *,
    name: str | None = None,
    every: str | int | None = None,
    cron: str | None = None,
    tags: Iterable[str] = (),
) -> FeedSpec:
    """A validated FeedSpec (interval or cron, not both)."""
    if every is not None and cron:
        raise FeedConfigError(f"{url}: give an interval or a cron expression, not both")
    return FeedSpec(
        url=check_feed_url(url),
        name=check_name(name),
        interval_seconds=parse_every(every) if every is not None else None,
        cron=check_cron(cron) if cron else None,
        tags=check_tags(tags),
    )


def load_feeds_file(path: Path) -> list[FeedSpec]:
    """The feeds in a TOML file: `[defaults] every=...` and `[[feed]] url=... name=... every=
    ... | cron=...`. Every problem is reported with the entry's position."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeedConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise FeedConfigError(f"{path}: invalid TOML: {exc}") from None
    defaults: dict[str, Any] = data.get("defaults", {})
    entries = data.get("feed", [])
    if not isinstance(entries, list):
        raise FeedConfigError(f"{path}: 'feed' must be an array of tables ([[feed]])")
    specs: list[FeedSpec] = []
    for i, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or "url" not in entry:
            raise FeedConfigError(f"{path}: feed #{i} has no url")
        unknown = set(entry) - {"url", "name", "every", "cron", "tags"}
        if unknown:
            raise FeedConfigError(f"{path}: feed #{i} has unknown keys {sorted(unknown)}")
        every = entry.get("every")
        cron = entry.get("cron")
        if every is None and cron is None:
            every, cron = defaults.get("every"), defaults.get("cron")
        try:
            tags = entry.get("tags", [])
            if isinstance(tags, str):
                tags = [tags]
            name = entry.get("name")
            specs.append(make_spec(entry["url"], name=name, every=every, cron=cron, tags=tags))
        except FeedConfigError as exc:
            raise FeedConfigError(f"{path}: feed #{i}: {exc}") from None
    return specs


def upsert_feeds(
    engine: Engine,
    specs: Sequence[FeedSpec],
    *,
    default_interval: int,
    imported: bool = False,
) -> int:
    """Insert new feeds and update name, tags and schedule of known ones (by URL); returns
    how many were new. A name another feed already has is an error (nothing is written),
    except for an `imported` list (OPML from another reader), whose feed then stays unnamed;
    an imported list also leaves known feeds' schedules alone (OPML has none)."""
    created = 0
    with session_scope(engine) as session:
        for spec in specs:
            feed = store_feeds.feed_by_url(session=session, url=spec.url)
            if spec.name:
                holder = store_feeds.feed_by_name(session=session, name=spec.name)
                if holder is not None and holder.url != spec.url:
                    if not imported:
                        raise FeedConfigError(f"feed #{holder.id} is already named {spec.name!r}")
                    spec = replace(spec, name=None)
            if feed is None:
                feed = Feed(url=spec.url)  # next_check_at NULL: due now
                feed.interval_seconds = default_interval
                created += 1
            feed.name = spec.name or feed.name
            if spec.tags:
                feed.tags = list(spec.tags)
            if not imported or spec.interval_seconds or spec.cron:
                feed.interval_seconds = spec.interval_seconds or default_interval
                feed.cron = spec.cron
            store_feeds.save_feed(session=session, feed=feed)
    return created


def add_feed(engine: Engine, spec: FeedSpec, *, default_interval: int) -> Feed:
    """A new feed, due at once (no next_check_at); FeedConfigError if its URL is already there."""
    with session_scope(engine) as session:
        known = store_feeds.feed_by_url(session=session, url=spec.url)
        if known is not None:
            raise FeedConfigError(f"feed #{known.id} already has this URL: {spec.url}")
        if spec.name and (named := store_feeds.feed_by_name(session=session, name=spec.name)):
            raise FeedConfigError(f"feed #{named.id} is already named {spec.name!r}")
        feed = Feed(
            url=spec.url,
            name=spec.name,
            interval_seconds=spec.interval_seconds or default_interval,
            cron=spec.cron,
            tags=list(spec.tags) or None,
        )
        return store_feeds.save_feed(session=session, feed=feed)


def find_feed(session: Session, ref: str) -> Feed:
    """A feed by id ("3" or "#3"), URL or name; FeedConfigError when there is none."""
    key = ref.lstrip("#")
    feed = store_feeds.get_feed(session=session, feed_id=int(key)) if key.isdigit() else None
    if feed is None:
        feed = store_feeds.feed_by_url(session=session, url=ref)
    if feed is None:
        feed = store_feeds.feed_by_name(session=session, name=" ".join(ref.split()))
    if feed is None:
        raise FeedConfigError(f"no feed {ref!r} (see `eventline feeds list`)")
    return feed


def remove_feed(engine: Engine, ref: str) -> Feed:
    """Delete a feed; its articles stay, detached from it."""
    with session_scope(engine) as session:
        feed = find_feed(session, ref)
        store_feeds.delete_feed(session=session, feed=feed)
        return feed


def set_paused(engine: Engine, ref: str, paused: bool) -> Feed:
    """Pause or resume a feed. Resuming also re-enables a feed disabled by errors, clears
    its error count and makes it due now."""
    with session_scope(engine) as session:
        feed = find_feed(session, ref)
        feed.paused = paused
        if not paused:
            feed.disabled = False
            feed.error_count = 0
            feed.next_check_at = None  # due now
        store_feeds.save_feed(session=session, feed=feed)
        return feed


def list_feeds(engine: Engine, *, tag: str | None = None) -> list[Feed]:
    """Every feed, by id; with `tag`, those carrying it (any case)."""
    with session_scope(engine) as session:
        feeds = store_feeds.all_feeds(session=session)
    if tag is None:
        return feeds
    return [f for f in feeds if tag.casefold() in {t.casefold() for t in f.tags or []}]
