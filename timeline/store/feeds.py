"""Polled feeds: the list, claims (leases on `next_check_at`), and saved poll outcomes.

A feed is *claimed* by moving its `next_check_at` forward by a lease in a short transaction
(compare-and-set; on Postgres the row is picked with FOR UPDATE SKIP LOCKED so workers never
wait on each other). How the next check is scheduled is ingest's business (feed_schedule).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from sqlmodel import select as model_select

from timeline.store.engine import session_scope
from timeline.store.models import Article, Feed


def _due(now: datetime) -> Any:
    return and_(
        col(Feed.disabled).is_(False),
        col(Feed.paused).is_(False),
        or_(col(Feed.next_check_at).is_(None), col(Feed.next_check_at) <= now),
    )


def claim_due(
    *, engine: Engine, now: datetime, lease: timedelta, exclude: frozenset[int] = frozenset()
) -> Feed | None:
    """Claim the most overdue feed for `lease` (a detached row), or None when nothing is due;
    feeds in `exclude` (already polled this round) are passed over."""
    for _ in range(5):
        with session_scope(engine) as session:
            due = _due(now)
            if exclude:
                due = and_(due, col(Feed.id).not_in(sorted(exclude)))
            query = (
                select(col(Feed.id))
                .where(due)
                .order_by(col(Feed.next_check_at).asc().nulls_first(), col(Feed.id))
                .limit(1)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            feed_id = session.execute(query).scalar()
            if feed_id is None:
                return None
            # Compare-and-set: only one worker moves a due feed forward (SQLite has no
            # SKIP LOCKED; this keeps two processes on one file from double-claiming too).
            moved = session.execute(
                update(Feed)
                .where(and_(col(Feed.id) == feed_id, _due(now)))
                .values(next_check_at=now + lease)
            )
            if getattr(moved, "rowcount", 0) != 1:
                continue
            feed = session.get(Feed, feed_id)
            assert feed is not None and feed.id is not None
            return feed
    return None


def set_next_check(*, session: Session, feed_id: int, at: datetime | None) -> None:
    """Move a feed's next check (renews a claim; None makes it due now)."""
    session.execute(update(Feed).where(col(Feed.id) == feed_id).values(next_check_at=at))


def get_feed(*, session: Session, feed_id: int) -> Feed | None:
    return session.get(Feed, feed_id)


def feed_by_url(*, session: Session, url: str) -> Feed | None:
    return session.exec(model_select(Feed).where(col(Feed.url) == url)).first()


def feed_by_name(*, session: Session, name: str) -> Feed | None:
    """The feed with this display name (names are unique, case as written)."""
    return session.exec(model_select(Feed).where(col(Feed.name) == name)).first()


def save_feed(*, session: Session, feed: Feed) -> Feed:
    """Insert or update the feed row now (it has its id afterwards)."""
    session.add(feed)
    session.flush()
    return feed


def delete_feed(*, session: Session, feed: Feed) -> None:
    """Delete a feed; its articles stay, detached from it."""
    from timeline.store.entries import delete_for_feed

    session.execute(update(Article).where(col(Article.feed_id) == feed.id).values(feed_id=None))
    assert feed.id is not None
    delete_for_feed(session=session, feed_id=feed.id)
    session.delete(feed)


def all_feeds(*, session: Session) -> list[Feed]:
    """Every feed, by id."""
    return list(session.exec(model_select(Feed).order_by(col(Feed.id))).all())
