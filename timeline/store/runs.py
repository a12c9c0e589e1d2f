"""Ingest runs: what one batch saw, stored, skipped and why.

A run records the host and process that runs it. A process killed mid-run (kill -9, power
loss) never finishes its row; the next run started on the same host marks such rows whose
process is gone as `crashed` (finished_at = when that was noticed), so "unfinished" always
means "still running somewhere". Rows of other hosts are left to their own next start.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Callable
from typing import Any

from sqlmodel import Session, col, select

from timeline.store.models import IngestRun, utcnow


def start_run(*, session: Session, source: str) -> IngestRun:
    """A new run row (with its id), started now by this process; first marks this host's
    runs whose process died."""
    host = socket.gethostname()[:256]
    mark_crashed_runs(session=session, host=host)
    run = IngestRun(source=source, host=host, pid=os.getpid())
    session.add(run)
    session.flush()
    return run


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (signal 0 checks, sends nothing)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    except OSError:
        return False
    return True


def mark_crashed_runs(
    *, session: Session, host: str, alive: Callable[[int], bool] = process_alive
) -> list[int]:
    """Mark unfinished runs of `host` whose process is gone as crashed; returns their ids."""
    rows = session.exec(
        select(IngestRun).where(
            col(IngestRun.finished_at).is_(None),
            col(IngestRun.host) == host,
            col(IngestRun.crashed).is_(False),
        )
    ).all()
    marked = []
    for run in rows:
        if run.pid is None or run.pid == os.getpid() or alive(run.pid):
            continue
        run.crashed = True
        run.finished_at = utcnow()
        session.add(run)
        assert run.id is not None
        marked.append(run.id)
    return marked


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
    run.crashed = False
    session.add(run)
    return run
