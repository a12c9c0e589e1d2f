"""When to check a feed next: one pure function, so the policy is unit-tested, not observed.

The feed's own schedule (interval or cron) is the floor; the publisher may ask us to wait
longer (RSS `<ttl>`, `Cache-Control: max-age`, `Retry-After` on 429/503) and we do, up to a
cap; consecutive errors back off exponentially, also capped, so a dead feed costs a request a
day rather than one a minute. Habit taken from miniflux `internal/model/feed.go`
(ScheduleNextCheck) and RFC 9110 section 10.2.3 (Retry-After).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime


@dataclass(frozen=True, slots=True)
class FeedTiming:
    """The part of a feed's row the schedule depends on."""

    interval_seconds: int = 900
    cron: str | None = None
    error_count: int = 0


@dataclass(frozen=True, slots=True)
class Hints:
    """What the publisher said about polling, in seconds from now (None: said nothing)."""

    ttl: int | None = None
    max_age: int | None = None
    retry_after: int | None = None


@dataclass(frozen=True, slots=True)
class Limits:
    """Caps: never poll more often than `min_delay`; hints and backoff stop at their caps."""

    min_delay: timedelta = timedelta(seconds=1)
    max_hint: timedelta = timedelta(days=1)
    max_backoff: timedelta = timedelta(days=1)


def base_delay(feed: FeedTiming, now: datetime) -> timedelta:
    """The feed's own schedule: time until its next cron fire, or its interval."""
    if feed.cron:
        from apscheduler.triggers.cron import CronTrigger

        trigger = CronTrigger.from_crontab(feed.cron, timezone=UTC)
        fire = trigger.get_next_fire_time(None, now)
        if fire is not None:
            return fire - now
    return timedelta(seconds=max(1, feed.interval_seconds))


def next_check_at(
    feed: FeedTiming,
    now: datetime,
    *,
    hints: Hints | None = None,
    limits: Limits | None = None,
    jitter: float = 0.0,
) -> datetime:
    """The moment the feed is next due.

    Success (error_count 0): the later of the schedule and the publisher's hints (capped).
    After n consecutive errors: schedule * 2**(n-1), capped, but never before Retry-After.
    `jitter` (a fraction the caller draws at random, 0.05 = 5%) lengthens the delay, never
    shortens it, so hints and backoff still hold.
    """
    hints = hints or Hints()
    limits = limits or Limits()
    base = base_delay(feed, now)
    asked = [timedelta(seconds=s) for s in (hints.ttl, hints.max_age, hints.retry_after) if s]
    hint = min(max(asked), limits.max_hint) if asked else timedelta(0)
    if feed.error_count > 0:
        # In float seconds: a timedelta times 2**30 overflows (hypothesis found it).
        cap = max(limits.max_backoff, base).total_seconds()
        factor = 2.0 ** min(feed.error_count - 1, 60)
        delay = timedelta(seconds=min(base.total_seconds() * factor, cap))
        if hints.retry_after:
            delay = max(delay, min(timedelta(seconds=hints.retry_after), limits.max_hint))
    else:
        delay = max(base, hint)
    delay *= 1.0 + max(0.0, jitter)
    return now + max(delay, limits.min_delay)


_MAX_AGE = re.compile(r"(?:^|[,\s])(s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)


def cache_max_age(header: str | None) -> int | None:
    """`max-age` from a Cache-Control header in seconds (`no-cache`/`no-store`: None)."""
    if not header:
        return None
    if re.search(r"no-(?:cache|store)", header, re.IGNORECASE):
        return None
    ages = [int(m.group(2)) for m in _MAX_AGE.finditer(header)]
    return max(ages) if ages else None


def retry_after(header: str | None, now: datetime) -> int | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP-date (RFC 9110 10.2.3)."""
    if not header:
        return None
    value = header.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - now).total_seconds()))
