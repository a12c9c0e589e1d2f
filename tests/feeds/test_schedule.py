"""next_check_at: the polling policy as a pure function."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from ingest.feed_schedule import (
    FeedTiming,
    Hints,
    Limits,
    cache_max_age,
    next_check_at,
    retry_after,
)

NOW = datetime(2025, 4, 21, 12, 0, 30, tzinfo=UTC)
M = timedelta(minutes=1)


def test_interval() -> None:
    assert next_check_at(FeedTiming(900), NOW) == NOW + 15 * M


def test_cron_is_the_next_fire_time() -> None:
    assert next_check_at(FeedTiming(900, "*/15 * * * *"), NOW) == datetime(
        2025, 4, 21, 12, 15, tzinfo=UTC
    )


def test_publisher_hints_only_ever_slow_us_down() -> None:
    assert next_check_at(FeedTiming(900), NOW, hints=Hints(ttl=3600)) == NOW + 60 * M
    assert next_check_at(FeedTiming(900), NOW, hints=Hints(max_age=60)) == NOW + 15 * M
    assert next_check_at(FeedTiming(900), NOW, hints=Hints(ttl=600, max_age=1800)) == NOW + 30 * M


def test_hints_are_capped() -> None:
    week = 7 * 86400
    assert next_check_at(FeedTiming(900), NOW, hints=Hints(ttl=week)) == NOW + timedelta(days=1)


def test_errors_back_off_exponentially_up_to_a_cap() -> None:
    delays = [next_check_at(FeedTiming(900, None, n), NOW) - NOW for n in range(1, 10)]
    assert delays[:4] == [15 * M, 30 * M, 60 * M, 120 * M]
    assert delays[-1] == timedelta(days=1)


def test_retry_after_wins_over_a_shorter_backoff() -> None:
    got = next_check_at(FeedTiming(900, None, 1), NOW, hints=Hints(retry_after=7200))
    assert got == NOW + 120 * M


def test_floor() -> None:
    limits = Limits(min_delay=timedelta(seconds=60))
    assert next_check_at(FeedTiming(5), NOW, limits=limits) == NOW + M


@given(
    interval=st.integers(1, 10 * 86400),
    errors=st.integers(0, 1000),
    ttl=st.none() | st.integers(0, 10**9),
    retry=st.none() | st.integers(0, 10**9),
)
def test_always_in_the_future_and_bounded(
    interval: int, errors: int, ttl: int | None, retry: int | None
) -> None:
    feed = FeedTiming(interval, None, errors)
    got = next_check_at(feed, NOW, hints=Hints(ttl=ttl, retry_after=retry))
    assert NOW < got <= NOW + max(timedelta(days=1), timedelta(seconds=interval))
    if errors:
        worse = next_check_at(FeedTiming(interval, None, errors + 1), NOW)
        assert worse >= next_check_at(feed, NOW)


def test_cache_control() -> None:
    assert cache_max_age("public, max-age=600") == 600
    assert cache_max_age('max-age="300", s-maxage=900') == 300
    assert cache_max_age("s-max-age=900") == 900
    assert cache_max_age("no-cache, max-age=600") is None
    assert cache_max_age(None) is None


def test_retry_after_forms() -> None:
    assert retry_after("120", NOW) == 120
    assert retry_after("Mon, 21 Apr 2025 13:00:30 GMT", NOW) == 3600
    assert retry_after("Mon, 21 Apr 2025 11:00:00 GMT", NOW) == 0
    assert retry_after("soon", NOW) is None
