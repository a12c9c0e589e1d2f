"""The timeline package stays below ingest: importing its front ends never pulls ingest in."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

MODULES = (
    "timeline.store.query",
    "timeline.story",
    "timeline.export",
    "timeline.serialize",
    "timeline.api",
    "timeline.cli.events",
    "timeline.cli.serve",
)


def test_timeline_does_not_import_ingest() -> None:
    code = (
        f"import {', '.join(MODULES)}, sys\n"
        "leaked = sorted(m for m in sys.modules if m == 'ingest' or m.startswith('ingest.'))\n"
        "assert not leaked, leaked\n"
        "from timeline.api import create_app\n"
        "create_app()\n"
        "assert 'ingest' not in sys.modules\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
