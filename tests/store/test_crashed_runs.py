"""Issue 10 (smaller): a run whose process was killed is marked crashed at the next start on
the same host; a live process's run is left alone."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from tests.conftest import ROOT
from timeline.store import runs
from timeline.store.engine import session_scope
from timeline.store.models import IngestRun

STARTER = """
import sys, time
from timeline.store.engine import make_engine, session_scope
from timeline.store import runs
with session_scope(make_engine(sys.argv[1])) as session:
    run_id = runs.start_run(session=session, source="doomed").id
print(run_id, flush=True)  # committed
time.sleep(60)
"""


def test_a_killed_run_is_marked_crashed_at_the_next_start(engine: Engine, store_url: str) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    doomed = subprocess.Popen(
        [sys.executable, "-c", STARTER, store_url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    live = subprocess.Popen(
        [sys.executable, "-c", STARTER, store_url],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert doomed.stdout is not None and live.stdout is not None
        doomed_id, live_id = int(doomed.stdout.readline()), int(live.stdout.readline())
        doomed.send_signal(signal.SIGKILL)
        doomed.wait(10)
        time.sleep(0.1)
        with session_scope(engine) as session:
            new = runs.start_run(session=session, source="next")
            new_id = new.id
        with Session(engine) as session:
            rows = {r.id: r for r in session.exec(select(IngestRun).order_by(col(IngestRun.id)))}
        assert rows[doomed_id].crashed and rows[doomed_id].finished_at is not None
        assert not rows[live_id].crashed and rows[live_id].finished_at is None
        assert not rows[new_id].crashed and rows[new_id].pid == os.getpid()
    finally:
        for p in (doomed, live):
            p.kill()
            p.wait()
