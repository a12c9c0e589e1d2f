"""Feed entries that failed for good: recorded so polls stop retrying them until they change."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from timeline.store.models import EntryFailure


@dataclass(frozen=True, slots=True)
class Failure:
    """One entry's permanent failure: where, which version of it, and why."""

    location: str
    fingerprint: str
    reason: str


def failed_fingerprints(*, session: Session, feed_id: int, locations: list[str]) -> dict[str, str]:
    """location -> fingerprint of the recorded failures among these entries of a feed."""
    found: dict[str, str] = {}
    for i in range(0, len(locations), 500):
        chunk = locations[i : i + 500]
        rows = session.exec(
            select(EntryFailure.location, EntryFailure.fingerprint).where(
                col(EntryFailure.feed_id) == feed_id, col(EntryFailure.location).in_(chunk)
            )
        )
        found.update({location: fingerprint for location, fingerprint in rows})
    return found


def record_failures(
    *, session: Session, feed_id: int, failures: Iterable[Failure], now: datetime
) -> None:
    """Insert or replace the failure of each entry (one row per feed and location)."""
    for f in failures:
        row = session.exec(
            select(EntryFailure).where(
                col(EntryFailure.feed_id) == feed_id, col(EntryFailure.location) == f.location
            )
        ).first() or EntryFailure(feed_id=feed_id, location=f.location, fingerprint="", reason="")
        row.fingerprint, row.reason, row.failed_at = f.fingerprint, f.reason[:1024], now
        session.add(row)


def clear_failures(*, session: Session, feed_id: int, locations: list[str]) -> None:
    """Forget failures of entries that are now stored (or gone for another reason)."""
    for i in range(0, len(locations), 500):
        session.execute(
            delete(EntryFailure).where(
                col(EntryFailure.feed_id) == feed_id,
                col(EntryFailure.location).in_(locations[i : i + 500]),
            )
        )


def delete_for_feed(*, session: Session, feed_id: int) -> None:
    session.execute(delete(EntryFailure).where(col(EntryFailure.feed_id) == feed_id))
