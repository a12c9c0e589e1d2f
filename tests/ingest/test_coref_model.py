"""The shipped coreference model (`ingest/data/coref.json`) is what bench/train_coref.py makes.

The full rebuild (spaCy over ECB+ train and dev, the fit, the dev threshold search) takes about
half a CPU-minute and runs with `-m slow`; the default run checks everything about the file
that does not need the fit: its features are the code's, its set weights and settings are the
script's, its threshold is the best of its own dev grid, and the IDF table rebuilds exactly.
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
    grid = {float(t): f for t, f in data["dev"]["conll_f1_by_threshold"].items()}
    assert sorted(grid) == script.THRESHOLDS
    assert data["threshold"] == max(grid, key=lambda t: (grid[t], -t))
    assert data["dev"]["conll_f1"] == grid[data["threshold"]]
    model = coref.load_model()
    assert model.threshold == data["threshold"]
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
