"""Feed entries that fail for good are remembered, so a poll does not redo them every time.

An entry whose page has no article text, or whose analysis raises, fails the same way on every
poll: without memory, each poll of a changed feed refetches and reanalyses it (and its error
hides newer ones). Such permanent failures are stored per feed with the entry's fingerprint;
a poll passes over an entry whose fingerprint is unchanged and tries it again as soon as the
entry changes (new text, title, date or link) or eventline is upgraded (the version is part of
the fingerprint, so a fix gets its chance). Network failures ("fetch: ...") are not remembered:
they may pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy.engine import Engine

from ingest.pipeline import ItemResult
from ingest.sources.feeds import FeedEntry
from timeline.store import entries as store_entries
from timeline.store.engine import session_scope

TRANSIENT = ("fetch:",)  # failures worth retrying on the next poll


@lru_cache(maxsize=1)
def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("eventline")
    except PackageNotFoundError:  # running from a checkout that is not installed
        return "unknown"


def fingerprint(entry: FeedEntry) -> str:
    """SHA-256 of what the feed says about the entry, and of the eventline version."""
    published = entry.published.isoformat() if entry.published else None
    fields = [entry.location, entry.title, published, entry.full_text, entry.summary,
              entry.has_link, _version()]  # fmt: skip
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def is_permanent(result: ItemResult) -> bool:
    return result.status == "failed" and not (result.reason or "").startswith(TRANSIENT)


def split_known_failures(
    engine: Engine, feed_id: int, pending: Sequence[FeedEntry]
) -> tuple[list[FeedEntry], list[FeedEntry]]:
    """(entries to try, entries that failed for good before and have not changed since)."""
    if not pending:
        return [], []
    with session_scope(engine) as session:
        known = store_entries.failed_fingerprints(
            session=session, feed_id=feed_id, locations=[e.location for e in pending]
        )
    unchanged = [e for e in pending if known.get(e.location) == fingerprint(e)]
    passed = {e.location for e in unchanged}
    return [e for e in pending if e.location not in passed], unchanged


def remember(
    engine: Engine,
    feed_id: int,
    tried: Sequence[tuple[FeedEntry, ItemResult]],
    *,
    now: datetime,
) -> None:
    """Record this poll's permanent failures; forget entries that are now stored."""
    failures = [
        store_entries.Failure(entry.location, fingerprint(entry), result.reason or "failed")
        for entry, result in tried
        if is_permanent(result)
    ]
    done = [entry.location for entry, result in tried if result.status in ("new", "skipped")]
    if not failures and not done:
        return
    with session_scope(engine) as session:
        store_entries.record_failures(session=session, feed_id=feed_id, failures=failures, now=now)
        store_entries.clear_failures(session=session, feed_id=feed_id, locations=done)
