#!/usr/bin/env python3
"""Date selection of `eventline summary` against journalist timelines in the T17 format.

    .venv/bin/python bench/tls_dates.py DATASET [--topic NAME] [--no-spacy] [--json]

DATASET is a folder of topics laid out as Timeline17 (Tran et al. 2013) and news-tls
(Gholipour Ghalandari & Ifrim, ACL 2020) lay them out:

    TOPIC/InputDocs/YYYY-MM-DD/<any file>      one article per file, published that day
    TOPIC/timelines/<name>.txt                 reference timelines, tilse's format:
                                                 2011-01-25
                                                 a summary sentence ...
                                                 --------------------------------

(a single TOPIC folder works too). Per topic, the articles go through the real pipeline into a
fresh SQLite file; per reference timeline, the summary is asked for exactly as many dates as
the reference has, within the reference's first and last date (the news-tls protocol), and
date precision, recall and F1 are computed. Averages are over timelines, F1 from the averaged
precision and recall, as news-tls reports it. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.article import ArticleInput  # noqa: E402
from ingest.pipeline import ingest_batch  # noqa: E402
from timeline.store.engine import open_store, session_scope  # noqa: E402
from timeline.summary import summarise  # noqa: E402

SEPARATOR = "--------------------------------"


def read_timeline(path: Path) -> dict[date, list[str]]:
    """A reference timeline in tilse's format: a date line, its sentences, a dashed line."""
    out: dict[date, list[str]] = {}
    day: date | None = None
    lines: list[str] = []
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.strip()
        if line == SEPARATOR:
            if day is not None:
                out.setdefault(day, []).extend(lines)
            day, lines = None, []
            continue
        try:
            day = date.fromisoformat(line)
        except ValueError:
            if line:
                lines.append(line)
    if day is not None:  # a last entry without its dashed line
        out.setdefault(day, []).extend(lines)
    return out


def read_docs(topic: Path) -> list[ArticleInput]:
    """Every file under InputDocs/YYYY-MM-DD/ as an article published on that day."""
    docs = []
    for folder in sorted((topic / "InputDocs").iterdir()):
        try:
            published = date.fromisoformat(folder.name[:10])
        except ValueError:
            continue
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            text = path.read_text(encoding="utf-8", errors="replace").strip()
            if text:
                docs.append(ArticleInput(str(path), text, None, published, "metadata"))
    return docs


def prf(predicted: set[date], gold: set[date]) -> tuple[float, float, float]:
    """Date precision, recall and F1 (news-tls `evaluate_dates`)."""
    shared = len(predicted & gold)
    p = shared / len(predicted) if predicted else 0.0
    r = shared / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


@dataclass
class Row:
    topic: str
    timeline: str
    gold: int
    predicted: int
    precision: float
    recall: float
    f1: float


def run_topic(topic: Path, *, use_spacy: bool, workdir: Path) -> list[Row]:
    """Ingest one topic's articles and score the summary against each of its timelines."""
    engine = open_store(f"sqlite:///{workdir / (topic.name + '.db')}")
    try:
        ingest_batch(read_docs(topic), engine=engine, source="bench", use_spacy=use_spacy)
        rows = []
        for path in sorted((topic / "timelines").glob("*.txt")):
            gold = set(read_timeline(path))
            if not gold:
                continue
            with session_scope(engine) as session:
                chosen = summarise(session=session, start=min(gold), end=max(gold), dates=len(gold))
            predicted = {r.day for r in chosen}
            p, r, f = prf(predicted, gold)
            rows.append(Row(topic.name, path.stem, len(gold), len(predicted), p, r, f))
        return rows
    finally:
        engine.dispose()


def topics_of(dataset: Path) -> list[Path]:
    if (dataset / "InputDocs").is_dir():
        return [dataset]
    return sorted(p for p in dataset.iterdir() if (p / "InputDocs").is_dir())


def average(rows: list[Row]) -> dict[str, float]:
    if not rows:
        return {"precision": 0.0, "recall": 0.0, "f1": 0.0, "timelines": 0}
    p = sum(r.precision for r in rows) / len(rows)
    r = sum(r.recall for r in rows) / len(rows)
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "timelines": len(rows),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("dataset", type=Path)
    ap.add_argument("--topic", help="only this topic folder")
    ap.add_argument("--no-spacy", action="store_true", help="actors from the alias table only")
    ap.add_argument("--json", action="store_true", help="print the figures as one JSON line")
    args = ap.parse_args(argv)
    topics = [t for t in topics_of(args.dataset) if args.topic in (None, t.name)]
    if not topics:
        print(f"tls_dates: no topic with InputDocs/ under {args.dataset}", file=sys.stderr)
        return 2
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="eventline-tls-") as tmp:
        for topic in topics:
            rows += run_topic(topic, use_spacy=not args.no_spacy, workdir=Path(tmp))
    summary = average(rows)
    if args.json:
        print(json.dumps({"average": summary, "timelines": [r.__dict__ for r in rows]}))
        return 0
    print(f"{'topic':<24} {'timeline':<20} {'gold':>5} {'pred':>5} {'P':>6} {'R':>6} {'F1':>6}")
    for r in rows:
        print(
            f"{r.topic:<24} {r.timeline:<20} {r.gold:>5} {r.predicted:>5} "
            f"{r.precision:>6.3f} {r.recall:>6.3f} {r.f1:>6.3f}"
        )
    print(
        f"average over {summary['timelines']} timelines: P {summary['precision']:.3f} "
        f"R {summary['recall']:.3f} date F1 {summary['f1']:.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
