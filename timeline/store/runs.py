"""Ingest runs: what one batch saw, stored, skipped and why."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from timeline.store.models import IngestRun, utcnow


def start_run(*, session: Session, source: str) -> IngestRun:
    """A new run row (with its id), started now."""
    run = IngestRun(source=source)
    session.add(run)
    session.flush()
    return run


def finish_run(
    *,
    session: Session,
    run_id: int,
    seen: int,
    new: int,
    skipped: int,
    failed: int,
    events_new: int,
    events_merged: int,
    items: list[dict[str, Any]],
) -> IngestRun:
    """Store the run's counts and per-item outcomes (location, status, reason); ends it now."""
    run = session.get(IngestRun, run_id)
    assert run is not None
    run.seen, run.new, run.skipped, run.failed = seen, new, skipped, failed
    run.events_new, run.events_merged = events_new, events_merged
    run.items = items
    run.finished_at = utcnow()
    session.add(run)
    return run
