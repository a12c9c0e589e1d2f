"""Incremental sync: what changed since a moment, for a downstream copy to stay in step.

A client keeps the `updated_at` of the last change it has seen and asks for everything after
it: events changed since then (new, re-dated, new source, actor or link), in the order they
changed, and tombstones of events that are gone (merged into another). Pages follow
(updated_at, id), so a page boundary never skips or repeats a change. ACLED's API and
Miniflux's `changed_after` work the same way.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, or_
from sqlalchemy import select as sa_select

from timeline.store.engine import connection_of
from timeline.store.query import EVENT_COLUMNS, MAX_LIMIT, EventView, QueryError, load_views
from timeline.store.tables import event, event_tombstone

if TYPE_CHECKING:
    from timeline.store.engine import Reader


@dataclass(frozen=True, slots=True)
class Tombstone:
    """An event that no longer exists: `merged_into` is the event that took its sources."""

    id: int
    merged_into: int | None
    removed_at: datetime


@dataclass(frozen=True, slots=True)
class Changes:
    """One page of changes: events in the order they changed, tombstones likewise."""

    events: list[EventView]
    tombstones: list[Tombstone]
    next_cursor: str | None


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _encode(*keys: tuple[datetime, int] | None) -> str:
    """An opaque token: where the events part and the tombstones part of the next page start
    (None: that part is finished)."""
    values = [[k[0].isoformat(), k[1]] if k else None for k in keys]
    raw = json.dumps(values, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[tuple[datetime, int] | None, tuple[datetime, int] | None]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        parts = json.loads(raw)
        if not isinstance(parts, list) or len(parts) != 2:
            raise TypeError("shape")
        out: list[tuple[datetime, int] | None] = []
        for part in parts:
            if part is None:
                out.append(None)
                continue
            stamp, ident = part
            if not isinstance(ident, int) or isinstance(ident, bool):
                raise TypeError("id")
            out.append((_utc(datetime.fromisoformat(stamp)), ident))
        return out[0], out[1]
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError) as exc:
        raise QueryError(
            "invalid cursor (use the next_cursor of a previous page)", param="cursor"
        ) from exc


def _after(stamp: Any, ident: Any, since: datetime, key: tuple[datetime, int] | None) -> Any:
    """Rows changed after `since`, and after the cursor's (stamp, id) when there is one."""
    if key is None:
        return stamp > since
    at, last = key
    return and_(stamp >= at, or_(stamp > at, and_(stamp == at, ident > last)))


def changes_since(
    *, session: Reader, since: datetime, limit: int = 100, cursor: str | None = None
) -> Changes:
    """Events changed and events removed after `since` (exclusive), `limit` of each per page."""
    if not 1 <= limit <= MAX_LIMIT:
        raise QueryError(f"limit must be between 1 and {MAX_LIMIT}", param="limit")
    since = _utc(since)
    events_key, tombs_key = _decode(cursor) if cursor else (None, None)
    if cursor and events_key is None and tombs_key is None:
        return Changes([], [], None)
    conn = connection_of(session)
    stamp, ident = event.c.updated_at, event.c.id
    rows = list(
        conn.execute(
            sa_select(*EVENT_COLUMNS)
            .where(_after(stamp, ident, since, events_key))
            .order_by(stamp, ident)
            .limit(limit + 1)
        ).all()
        if not (cursor and events_key is None)
        else []
    )
    t_stamp, t_id = event_tombstone.c.removed_at, event_tombstone.c.id
    graves = list(
        conn.execute(
            sa_select(t_id, event_tombstone.c.event_id, event_tombstone.c.merged_into, t_stamp)
            .where(_after(t_stamp, t_id, since, tombs_key))
            .order_by(t_stamp, t_id)
            .limit(limit + 1)
        ).all()
        if not (cursor and tombs_key is None)
        else []
    )
    more_events, more_graves = len(rows) > limit, len(graves) > limit
    rows, graves = rows[:limit], graves[:limit]
    next_cursor = None
    if more_events or more_graves:
        next_cursor = _encode(
            (_utc(rows[-1].updated_at), rows[-1].id) if more_events else None,
            (_utc(graves[-1][3]), graves[-1][0]) if more_graves else None,
        )
    return Changes(
        events=load_views(session=session, events=rows, with_links=True),
        tombstones=[Tombstone(g[1], g[2], _utc(g[3])) for g in graves],
        next_cursor=next_cursor,
    )
