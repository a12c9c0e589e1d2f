"""The shipped coreference model (`ingest/data/coref.json`) is what bench/train_coref.py makes.

The full rebuild (spaCy over ECB+ train and dev, the fit, the dev threshold search) takes about
half a CPU-minute and runs with `-m slow`; the default run checks everything about the file
that does not need the fit: its features are the code's, its set weights and settings are the
script's, its thresholds are the choice its own dev grid makes, and the IDF table rebuilds exactly.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ingest import coref

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
TRAIN = SHARED / "data" / "ecbplus" / "train" / "gold.json"


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("train_coref", ROOT / "bench" / "train_coref.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["train_coref"] = module
    spec.loader.exec_module(module)
    return module


def _shipped() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(coref.MODEL.read_text(encoding="utf-8"))
    return data


def test_shipped_model_matches_the_code_and_the_script_settings() -> None:
    script = _script()
    data = _shipped()
    assert data["features"] == coref.FEATURES
    assert list(data["weights"]) == coref.NAMES
    assert {n: f["weight"] for n, f in data["fixed"].items()} == script.FIXED
    assert all(data["weights"][n] == w for n, w in script.FIXED.items())
    assert data["max_candidates"] == script.MAX_CANDIDATES
    assert data["l2"] == script.L2
    assert data["data"] == script.SOURCE
    grid = {
        tuple(float(x) for x in key.split()): (v["conll_f1"], v["cross_subtopic"])
        for key, v in data["dev"]["by_story_threshold_and_threshold"].items()
    }
    assert sorted(grid) == sorted(
        (st, t) for st in script.STORY_THRESHOLDS for t in script.THRESHOLDS
    )
    chosen = (data["story_threshold"], data["threshold"])
    assert chosen == script.choose(grid)
    assert (data["dev"]["conll_f1"], data["dev"]["cross_subtopic"]) == grid[chosen]
    model = coref.load_model()
    assert model.threshold == data["threshold"]
    assert model.story_threshold == data["story_threshold"]
    assert model.weights == data["weights"]


@pytest.mark.skipif(not TRAIN.is_file(), reason="needs ../shared/data/ecbplus beside the repo")
def test_shipped_idf_table_rebuilds_from_ecb_train() -> None:
    script = _script()
    idf, default = script.idf_table(json.loads(TRAIN.read_text(encoding="utf-8")))
    shipped = json.loads(coref.IDF.read_text(encoding="utf-8"))
    assert shipped["idf"] == idf
    assert shipped["default"] == default


@pytest.mark.slow
@pytest.mark.skipif(not TRAIN.is_file(), reason="needs ../shared/data/ecbplus beside the repo")
def test_training_reproduces_the_shipped_model() -> None:
    model_json, idf_json = _script().train(SHARED)
    assert model_json == _shipped()
    assert idf_json == json.loads(coref.IDF.read_text(encoding="utf-8"))


def test_choice_prefers_fewer_cross_subtopic_clusters_within_the_slack() -> None:
    script = _script()
    grid = {(0.0, 0.2): (0.750, 30), (0.2, 0.2): (0.747, 18), (0.25, 0.2): (0.700, 5)}
    assert script.choose(grid) == (0.2, 0.2)  # 0.003 below the best, 12 fewer wrong merges
    grid[(0.2, 0.2)] = (0.740, 18)  # beyond the slack: the best F1 wins
    assert script.choose(grid) == (0.0, 0.2)
