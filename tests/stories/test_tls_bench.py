"""bench/tls_dates.py on a small timeline in the T17 layout written for the test."""

from __future__ import annotations

import importlib.util
import json
import sys
from datetime import date
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

DATASET = ROOT / "tests" / "data" / "tls"


def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tls_dates", ROOT / "bench" / "tls_dates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_reads_tilse_timelines_and_scores_dates(tmp_path: Path) -> None:
    tls = bench()
    path = tmp_path / "t.txt"
    path.write_text("2010-09-19\nA.\nB.\n--------------------------------\n2010-09-17\nC.\n")
    assert tls.read_timeline(path) == {date(2010, 9, 19): ["A.", "B."], date(2010, 9, 17): ["C."]}
    d = [date(2024, 3, i) for i in range(1, 5)]
    assert tls.prf({d[0], d[1]}, {d[1], d[2], d[3]}) == pytest.approx((0.5, 1 / 3, 0.4))
    assert tls.prf(set(), {d[0]}) == (0.0, 0.0, 0.0)


def test_summary_picks_the_journalists_dates(capsys: pytest.CaptureFixture[str]) -> None:
    """Three reported days and a quiet one between them: k = 3 picks the three."""
    assert bench().main([str(DATASET), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    [row] = result["timelines"]
    assert (row["topic"], row["gold"], row["predicted"]) == ("port_strike", 3, 3)
    assert result["average"]["f1"] == 1.0
