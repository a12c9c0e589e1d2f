"""Polling feeds: claim a due feed, fetch, parse, ingest its new entries, record the outcome.

Feed state lives in the Feed table, so APScheduler only runs one job, "poll due feeds", and
any number of `eventline schedule` processes can share the work:

- A feed is *claimed* by moving its `next_check_at` forward by a lease in a short
  transaction (compare-and-set; on Postgres the row is picked with FOR UPDATE SKIP LOCKED so
  workers never wait on each other). No lock is held while fetching, so a worker killed with
  -9 leaves nothing stuck: its claim simply expires. The lease is renewed before each entry.
- Every article is its own transaction (ingest.pipeline), so a crash loses at most the one
  in flight, and an article two workers both see is stored once (unique constraints).
- The feed's HTTP validators (ETag, Last-Modified) are saved only when every entry is
  stored, so an interrupted or partly failed poll is redone in full next time instead of
  being hidden behind a 304.
- An entry that fails for good (no text on its page, an analysis error) is remembered and
  passed over until it changes (ingest.entry_failures); network failures are retried.
- Errors are data on the feed row: `last_error` prefixed by step, `error_count`, backoff via
  `feed_schedule.next_check_at`, disabled after `Settings.max_feed_errors` in a row.
"""

from __future__ import annotations

import logging
import random
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from config.settings import Settings
from ingest.article import ArticleInput, SourceProblem
from ingest.entry_failures import TRANSIENT, remember, split_known_failures
from ingest.feed_schedule import FeedTiming, Hints, Limits, next_check_at
from ingest.fetch import FetchError, FetchStopped, SafeClient, fetch, make_client
from ingest.pipeline import ItemResult, finish_run, ingest_article
from ingest.sources.feeds import FeedEntry, FeedParseError, parse_feed
from ingest.sources.pages import fetch_page_article
from timeline.store import articles, feeds, runs
from timeline.store.engine import session_scope
from timeline.store.models import Feed, utcnow

log = logging.getLogger(__name__)
JOB_ID = "poll-due-feeds"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PollConfig:
    """How a poller behaves; built from Settings at the edge, shortened by tests."""

    lease: timedelta = timedelta(minutes=10)
    max_errors: int = 10
    limits: Limits = field(default_factory=Limits)
    use_spacy: bool = True
    jitter: float = 0.0  # up to this fraction of a feed's delay is added at random

    @classmethod
    def from_settings(cls, settings: Settings, *, lease_seconds: float = 600) -> PollConfig:
        return cls(
            lease=timedelta(seconds=lease_seconds),
            max_errors=settings.max_feed_errors,
            use_spacy=settings.use_spacy,
            jitter=settings.feed_jitter,
        )


@dataclass(frozen=True, slots=True)
class ClaimedFeed:
    """A snapshot of a feed row taken when it was claimed (no session kept open)."""

    id: int
    url: str
    etag: str | None
    last_modified: str | None


@dataclass(frozen=True, slots=True)
class FeedOutcome:
    """What polling one feed did; `error` set means the feed itself failed."""

    feed_id: int
    url: str
    error: str | None = None
    note: str | None = None
    not_modified: bool = False
    complete: bool = True
    interrupted: bool = False
    etag: str | None = None
    last_modified: str | None = None
    hints: Hints = field(default_factory=Hints)
    moved_to: str | None = None  # the feed answered with a permanent redirect here
    new: int = 0
    skipped: int = 0
    failed: int = 0


@dataclass(slots=True)
class PollSummary:
    """One round of the job: every feed polled and how it went."""

    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def errors(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.error or o.failed]


def db_retry(fn: Callable[[], T], *, attempts: int = 4, pause: float = 0.2) -> T:
    """Run `fn`, again after a dropped connection or a busy SQLite (pool_pre_ping reconnects)."""
    for attempt in range(attempts):
        try:
            return fn()
        except (OperationalError, InterfaceError) as exc:
            if attempt == attempts - 1:
                raise
            log.warning("database error, retrying: %s", str(exc).splitlines()[0])
            time.sleep(pause * 2**attempt)
    raise AssertionError("unreachable")


def claim_next(
    engine: Engine, now: datetime, lease: timedelta, *, exclude: frozenset[int] = frozenset()
) -> ClaimedFeed | None:
    """Claim the most overdue feed for `lease` (not one of `exclude`), or None."""
    feed = feeds.claim_due(engine=engine, now=now, lease=lease, exclude=exclude)
    if feed is None:
        return None
    assert feed.id is not None
    return ClaimedFeed(feed.id, feed.url, feed.etag, feed.last_modified)


def renew_lease(engine: Engine, feed_id: int, until: datetime) -> None:
    """Keep a long poll's claim alive (a killed worker stops renewing and its claim lapses)."""
    with session_scope(engine) as session:
        feeds.set_next_check(session=session, feed_id=feed_id, at=until)


def known_locations(engine: Engine, locations: list[str]) -> set[str]:
    """Which of these entry locations are already stored (their pages are not fetched)."""
    with session_scope(engine) as session:
        return articles.known_locations(session=session, locations=locations)


def entry_item(
    entry: FeedEntry, *, feed_id: int, client: SafeClient, settings: Settings
) -> ArticleInput | SourceProblem:
    """The article of one entry: its own full text, else its linked page, else (the page is
    gone or not an article: 404, not HTML, no text) the summary or content the feed carries.
    Which one was used is kept as the article's `text_source`."""
    page_failed: SourceProblem | None = None
    if entry.has_link and not entry.full_text:
        page = fetch_page_article(
            entry.location,
            client=client,
            settings=settings,
            title=entry.title,
            published=entry.published,
            feed_id=feed_id,
        )
        if isinstance(page, ArticleInput) or not (page.permanent and entry.summary):
            return page  # a transient failure is retried on the next poll
        page_failed = page
    text = entry.full_text or entry.summary
    if not text:
        return SourceProblem(entry.location, "parse: entry has neither text nor a link")
    source = "feed" if page_failed is None else f"feed (page failed: {page_failed.reason})"
    return ArticleInput(
        location=entry.location,
        text=text,
        title=entry.title,
        published=entry.published,
        published_source="feed" if entry.published else "none",
        feed_id=feed_id,
        text_source=source[:256],
    )


def poll_feed(
    feed: ClaimedFeed,
    *,
    engine: Engine,
    client: SafeClient,
    settings: Settings,
    config: PollConfig,
    stop: threading.Event,
    now_fn: Callable[[], datetime] = utcnow,
) -> FeedOutcome:
    """Fetch one claimed feed and ingest its new entries; feed failures are returned."""
    base = FeedOutcome(feed.id, feed.url, etag=feed.etag, last_modified=feed.last_modified)
    try:
        result = fetch(
            client, feed.url, etag=feed.etag, last_modified=feed.last_modified, now=now_fn()
        )
    except FetchStopped:
        return replace(base, interrupted=True, complete=False)
    except FetchError as exc:
        return replace(base, error=f"fetch: {exc}", hints=exc.hints)
    etag = result.etag or feed.etag
    last_modified = result.last_modified or feed.last_modified
    base = replace(base, moved_to=result.moved_to)
    if result.not_modified:
        return replace(
            base, not_modified=True, hints=result.hints, etag=etag, last_modified=last_modified
        )
    try:
        parsed = parse_feed(result.content, url=result.url, headers=result.headers)
    except FeedParseError as exc:
        return replace(base, error=f"parse: {exc}")
    known = db_retry(lambda: known_locations(engine, [e.location for e in parsed.entries]))
    fresh = [e for e in parsed.entries if e.location not in known]
    pending, known_bad = db_retry(partial(split_known_failures, engine, feed.id, fresh))
    results, interrupted = _ingest_entries(
        feed,
        pending,
        engine=engine,
        client=client,
        settings=settings,
        config=config,
        stop=stop,
        now_fn=now_fn,
    )
    tried = list(zip(pending, results, strict=False))  # fewer results when interrupted
    db_retry(partial(remember, engine, feed.id, tried, now=now_fn()))
    failed = [r for r in results if r.status == "failed"]
    complete = not interrupted and not any((r.reason or "").startswith(TRANSIENT) for r in failed)
    notes = [parsed.warning] if parsed.warning else []
    if known_bad:
        notes.insert(0, f"entries: {len(known_bad)} failed before and are unchanged (not retried)")
    if failed:
        notes.insert(
            0,
            f"entries: {len(failed)} of {len(pending)} not stored "
            f"(first {failed[0].location}: {failed[0].reason})",
        )
    return replace(
        base,
        note="; ".join(notes) or None,
        complete=complete,
        interrupted=interrupted,
        hints=Hints(ttl=parsed.ttl, max_age=result.hints.max_age),
        # Validators are only moved forward once every entry is in (see module docstring).
        etag=etag if complete else feed.etag,
        last_modified=last_modified if complete else feed.last_modified,
        new=sum(r.status == "new" for r in results),
        skipped=len(known) + len(known_bad) + sum(r.status == "skipped" for r in results),
        failed=len(failed),
    )


def _ingest_entries(
    feed: ClaimedFeed,
    pending: list[FeedEntry],
    *,
    engine: Engine,
    client: SafeClient,
    settings: Settings,
    config: PollConfig,
    stop: threading.Event,
    now_fn: Callable[[], datetime],
) -> tuple[list[ItemResult], bool]:
    """Ingest the new entries one by one under one IngestRun; stop early when asked."""
    results: list[ItemResult] = []
    if not pending:
        return results, False
    run_id = db_retry(lambda: _start_run(engine, f"feed:{feed.id}"))
    interrupted = False
    for entry in pending:
        if stop.is_set():
            interrupted = True
            break
        db_retry(lambda: renew_lease(engine, feed.id, now_fn() + config.lease))
        item = entry_item(entry, feed_id=feed.id, client=client, settings=settings)
        if isinstance(item, SourceProblem):
            results.append(ItemResult(item.location, "failed", item.reason))
        else:
            results.append(ingest_with_retry(item, engine=engine, run_id=run_id, config=config))
    db_retry(lambda: finish_run(engine, run_id, results))
    return results, interrupted


def _start_run(engine: Engine, source: str) -> int:
    with session_scope(engine) as session:
        run = runs.start_run(session=session, source=source)
        assert run.id is not None
        return run.id


def ingest_with_retry(
    article: ArticleInput, *, engine: Engine, run_id: int, config: PollConfig
) -> ItemResult:
    """ingest_article, again when the database connection dropped under it: the pipeline
    re-raises connection errors after rolling the article back, and ingest is idempotent by
    location and content hash, so trying again is safe."""
    return db_retry(
        lambda: ingest_article(article, engine=engine, run_id=run_id, use_spacy=config.use_spacy)
    )


def record_outcome(
    engine: Engine, outcome: FeedOutcome, *, now: datetime, config: PollConfig
) -> None:
    """Write a poll's outcome on the feed row and schedule its next check."""
    with session_scope(engine) as session:
        feed = feeds.get_feed(session=session, feed_id=outcome.feed_id)
        if feed is None:  # removed while we were polling it
            return
        if outcome.interrupted:
            feed.next_check_at = now  # release the claim: another worker may finish it
            feeds.save_feed(session=session, feed=feed)
            return
        feed.checked_at = now
        if outcome.error:
            feed.error_count += 1
            feed.last_error = outcome.error[:1024]
            if feed.error_count >= config.max_errors:
                feed.disabled = True
                suffix = f" (disabled after {feed.error_count} consecutive errors)"
                feed.last_error = outcome.error[: 1024 - len(suffix)] + suffix
        else:
            feed.error_count = 0
            feed.last_error = outcome.note[:1024] if outcome.note else None
            feed.etag = _fits(outcome.etag, 512)
            feed.last_modified = _fits(outcome.last_modified, 128)
        if outcome.moved_to and outcome.moved_to != feed.url:
            _follow_move(session, feed, outcome.moved_to)
        timing = FeedTiming(feed.interval_seconds, feed.cron, feed.error_count)
        # A cron schedule fires when it says; an interval gets a little random slack so feeds
        # added together do not poll (and hit one host) in lockstep forever.
        jitter = 0.0 if feed.cron else random.uniform(0.0, config.jitter)
        feed.next_check_at = next_check_at(
            timing, now, hints=outcome.hints, limits=config.limits, jitter=jitter
        )
        feeds.save_feed(session=session, feed=feed)


def _follow_move(session: Session, feed: Feed, url: str) -> None:
    """A 301/308: poll the new address from now on, unless another feed already has it."""
    other = feeds.feed_by_url(session=session, url=url)
    if other is not None:
        note = f"moved permanently to {url}, which feed #{other.id} already polls"
        feed.last_error = (f"{feed.last_error}; {note}" if feed.last_error else note)[:1024]
        return
    log.info("feed #%s moved permanently: %s -> %s", feed.id, feed.url, url)
    feed.url = url[:2048]


def _fits(value: str | None, limit: int) -> str | None:
    """A validator is useless truncated; drop one that does not fit the column."""
    return value if value is not None and len(value) <= limit else None


def _claim_now(
    engine: Engine, now_fn: Callable[[], datetime], lease: timedelta, exclude: frozenset[int]
) -> ClaimedFeed | None:
    return claim_next(engine, now_fn(), lease, exclude=exclude)


def poll_due_feeds(
    engine: Engine,
    *,
    client: SafeClient,
    settings: Settings,
    config: PollConfig,
    stop: threading.Event | None = None,
    now_fn: Callable[[], datetime] = utcnow,
    on_feed: Callable[[FeedOutcome], None] | None = None,
) -> PollSummary:
    """The scheduler job: claim and poll due feeds one at a time until none is due.

    One round polls each feed at most once: a failing feed with a short interval comes due
    again during a long round, and polling it again would make the round endless (`feeds
    poll` must end) and hammer the failing server. It waits for the next round."""
    stop = stop or threading.Event()
    summary = PollSummary()
    polled: set[int] = set()
    while not stop.is_set():
        claimed = db_retry(partial(_claim_now, engine, now_fn, config.lease, frozenset(polled)))
        if claimed is None:
            break
        polled.add(claimed.id)
        outcome = _poll_guarded(claimed, engine, client, settings, config, stop, now_fn)
        if outcome is None:
            continue  # the database is gone for now; the claim lapses and is retried
        try:
            db_retry(partial(record_outcome, engine, outcome, now=now_fn(), config=config))
        except (OperationalError, InterfaceError):
            log.exception("cannot record the poll of %s; its claim will lapse", claimed.url)
        summary.outcomes.append(outcome)
        log.info(
            "feed %s: %s",
            claimed.url,
            outcome.error
            or f"{outcome.new} new, {outcome.skipped} known, {outcome.failed} failed"
            + (" (not modified)" if outcome.not_modified else ""),
        )
        if on_feed is not None:
            on_feed(outcome)
    return summary


def _poll_guarded(
    claimed: ClaimedFeed,
    engine: Engine,
    client: SafeClient,
    settings: Settings,
    config: PollConfig,
    stop: threading.Event,
    now_fn: Callable[[], datetime],
) -> FeedOutcome | None:
    """poll_feed, retried once after a database failure; a bug becomes the feed's error."""
    for attempt in range(2):
        try:
            return poll_feed(
                claimed,
                engine=engine,
                client=client,
                settings=settings,
                config=config,
                stop=stop,
                now_fn=now_fn,
            )
        except (OperationalError, InterfaceError):
            log.exception("database error while polling %s (attempt %d)", claimed.url, attempt)
        except Exception as exc:  # one feed's surprise must not stop the others
            log.exception("polling %s failed", claimed.url)
            return FeedOutcome(
                claimed.id, claimed.url, error=f"internal: {type(exc).__name__}: {exc}"
            )
    return None


def run_scheduler(
    engine: Engine,
    settings: Settings,
    *,
    config: PollConfig,
    tick_seconds: float = 60,
    on_feed: Callable[[FeedOutcome], None] | None = None,
) -> None:
    """Block running the "poll due feeds" job every tick until SIGTERM or SIGINT.

    On the first signal the job finishes the article in hand (its own transaction), releases
    its claim, and the process exits; a second signal gets the default behaviour (which is
    still safe: every article is one transaction and claims lapse).
    """
    from apscheduler.schedulers.blocking import BlockingScheduler

    stop = threading.Event()
    client = make_client(settings, stop=stop)  # a stop also ends the fetch in flight

    def job() -> None:
        poll_due_feeds(
            engine, client=client, settings=settings, config=config, stop=stop, on_feed=on_feed
        )

    scheduler = BlockingScheduler(timezone=UTC)
    scheduler.add_job(
        job,
        "interval",
        seconds=tick_seconds,
        id=JOB_ID,
        name="poll due feeds",
        replace_existing=True,
        coalesce=True,
        max_instances=1,
        misfire_grace_time=max(1, int(tick_seconds)),
        next_run_time=datetime.now(UTC),
    )

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        raise SystemExit(0)

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stop.set()
        if scheduler.running:
            scheduler.shutdown(wait=True)  # the running job sees `stop` and returns soon
        client.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
