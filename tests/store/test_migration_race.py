"""Issue 10 fault 5: two processes opening a brand-new SQLite file at the same moment must not
both create the tables ("table actor already exists"); one migrates, the other waits.

Each round starts two real interpreters that import everything first, then wait on a go-file,
so both call open_store within a millisecond or so of each other.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import inspect

from tests.conftest import ROOT
from timeline.store.engine import current_revision, head_revision, make_engine

RACER = """
import sys, time
from pathlib import Path
from timeline.store.engine import open_store
from timeline.store.models import Article  # import everything before the start line
import alembic.command, alembic.script
go = Path(sys.argv[2])
Path(sys.argv[3]).touch()  # ready
while not go.exists():
    time.sleep(0.0005)
open_store(sys.argv[1]).dispose()
print("migrated")
"""
ROUNDS = 3


def race(url: str, go: Path) -> list[subprocess.CompletedProcess[str]]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), *sys.path])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, url, str(go), f"{go}.ready{i}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    deadline = time.monotonic() + 60
    while not all(Path(f"{go}.ready{i}").exists() for i in range(2)):
        assert time.monotonic() < deadline, "the racers did not start"
        time.sleep(0.01)
    go.touch()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        results.append(subprocess.CompletedProcess(p.args, p.returncode, out, err))
    return results


def test_two_processes_migrate_a_new_sqlite_file_once(tmp_path: Path) -> None:
    for n in range(ROUNDS):
        db = tmp_path / f"race{n}.db"
        url = f"sqlite:///{db}"
        results = race(url, tmp_path / f"go{n}")
        for r in results:
            assert r.returncode == 0 and r.stdout.strip() == "migrated", r.stderr[-2000:]
        engine = make_engine(url)
        assert current_revision(engine) == head_revision()
        assert {"article", "event", "actor", "feed"} <= set(inspect(engine).get_table_names())
        engine.dispose()
