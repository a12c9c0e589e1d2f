"""Temporal tagger benchmark: eventline vs dateparser on TimeBank, speed, memory and scores.

    .venv/bin/python bench/temporal.py [--limit N] [--timebank DIR] [--scorer PATH]

Tags every TimeBank document with `ingest.temporal.tag` and with
`dateparser.search.search_dates(text, languages=["en"], settings={"RELATIVE_BASE": dct})`,
prints words/s for both and their ratio, the peak memory of the eventline pass (tracemalloc,
measured in a separate pass so it does not slow the timed one) and the process's max RSS, and
scores both prediction sets with the shared TempEval-3 style scorer. Figures only: no asserts.

It then breaks eventline's scores down by source (the document-name prefix: ABC, APW, NYT,
wsj...) and over a 2-fold split (documents at odd / even positions in name order), so that a
rule can be checked to help both halves and more than one news source, not one document.
`--dump PRED.jsonl` keeps eventline's predictions for `timex_score.py score ... --errors N`.

Whole processes, start-up included: `eventline timex --jsonl IN OUT` on the TimeBank export
against a process that imports dateparser and tags the same file (this script with
`--dateparser-jsonl IN OUT`); median wall and CPU seconds of each over `--process-runs` runs
taken in turns (CPU is the fairer figure on a shared machine) and their ratios.
`--skip-process` leaves this out.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from types import ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from ingest.temporal.jsonl import parse_dct, predict  # noqa: E402

DEFAULT_TIMEBANK = Path("/work/shared/data/timebank")
DEFAULT_SCORER = Path("/work/shared/eval/timex_score.py")

Doc = tuple[str, datetime.date | None, str]


def load_scorer(path: Path) -> ModuleType:
    """The shared scorer, imported from its file (it is not a package)."""
    spec = importlib.util.spec_from_file_location("timex_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"Error: cannot load the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def eventline_predictions(docs: list[Doc]) -> list[dict[str, Any]]:
    """One prediction record per document, through the same code path as the CLI."""
    return [
        predict({"doc": doc, "dct": dct.isoformat() if dct else None, "text": text})
        for doc, dct, text in docs
    ]


def dateparser_predictions(docs: list[Doc]) -> list[dict[str, Any]]:
    """search_dates hits turned into offsets (searched left to right) and day values."""
    from dateparser.search import search_dates

    out = []
    for doc, dct, text in docs:
        settings: dict[str, Any] = {}
        if dct is not None:
            settings["RELATIVE_BASE"] = datetime.datetime.combine(dct, datetime.time())
        found = search_dates(text, languages=["en"], settings=settings) or []
        timexes, cursor = [], 0
        for substring, when in found:
            begin = text.find(substring, cursor)
            if begin < 0:
                begin = text.find(substring)
            if begin < 0:
                continue
            cursor = begin + len(substring)
            timexes.append(
                {"begin": begin, "end": cursor, "type": "DATE", "value": when.date().isoformat()}
            )
        out.append({"doc": doc, "timexes": timexes})
    return out


def timed(fn: Any, docs: list[Doc]) -> tuple[list[dict[str, Any]], float]:
    start = time.perf_counter()
    result = fn(docs)
    return result, time.perf_counter() - start


def score(scorer: ModuleType, timebank: Path, preds: list[dict[str, Any]], docs: list[Doc]):
    """Scorer figures over the benchmarked documents only (others would count as misses)."""
    with tempfile.TemporaryDirectory() as tmp:
        tb = Path(tmp) / "tb"
        tb.mkdir()
        for doc, _, _ in docs:
            (tb / f"{doc}.tml").symlink_to(timebank / f"{doc}.tml")
        pred_path = Path(tmp) / "pred.jsonl"
        pred_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")
        result, _ = scorer.score(str(tb), str(pred_path))
    return result


def source_of(doc: str) -> str:
    """The news source a TimeBank document comes from: its name's leading letters ('APW',
    'wsj', 'ea'); 'ea'/'ed' (both from the same newswire sample) are reported together."""
    m = re.match(r"[A-Za-z]+", doc)
    prefix = m.group() if m else "?"
    return "ea/ed" if prefix in ("ea", "ed") else prefix


def groups(docs: list[Doc]) -> list[tuple[str, list[Doc]]]:
    """(label, documents) for every source, then the two halves of a 2-fold split."""
    by_source: dict[str, list[Doc]] = {}
    for d in docs:
        by_source.setdefault(source_of(d[0]), []).append(d)
    out = sorted(by_source.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    out.append(("fold odd", docs[1::2]))
    out.append(("fold even", docs[0::2]))
    return out


def breakdown(scorer: ModuleType, timebank: Path, preds: list[dict[str, Any]], docs: list[Doc]):
    """Eventline's figures per source and per fold, each scored by the shared scorer."""
    by_doc = {p["doc"]: p for p in preds}
    print(f"\n{'subset':<11} {'docs':>5} {'gold':>5} {'strict F1':>9} {'relax F1':>9}"
          f" {'type acc':>9} {'value F1':>9}")  # fmt: skip
    for label, subset in groups(docs):
        r = score(scorer, timebank, [by_doc[d[0]] for d in subset], subset)
        print(
            f"{label:<11} {len(subset):>5} {r['gold']:>5} {r['strict']['f1']:>9.3f} "
            f"{r['relaxed']['f1']:>9.3f} {r['type_accuracy']:>9.3f} {r['value']['f1']:>9.3f}"
        )


def dateparser_jsonl(in_path: Path, out_path: Path) -> None:
    """The dateparser baseline as a process: scorer export in, prediction lines out."""
    records = [json.loads(line) for line in in_path.read_text(encoding="utf-8").splitlines()]
    docs = [(r["doc"], parse_dct(r.get("dct")), r["text"]) for r in records if r]
    preds = dateparser_predictions(docs)
    out_path.write_text("".join(json.dumps(p) + "\n" for p in preds), encoding="utf-8")


def run_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one child process run to completion. Run
    after an untimed one: as an installed program runs, with its bytecode cached (a shell
    that sets PYTHONDONTWRITEBYTECODE would otherwise make every run recompile eventline's
    sources, while dateparser's were compiled when pip installed it)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_timed(commands: list[list[str]], runs: int) -> list[tuple[float, float]]:
    """Median wall and CPU of each command over `runs` timed runs, the commands taking turns
    (so a change in the machine's load falls on both), after one untimed run of each."""
    for cmd in commands:
        run_timed(cmd)
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for cmd, out in zip(commands, samples, strict=True):
            out.append(run_timed(cmd))
    return [
        (statistics.median(w for w, _ in out), statistics.median(c for _, c in out))
        for out in samples
    ]


def process_comparison(docs: list[Doc], runs: int) -> None:
    """`eventline timex --jsonl` vs a dateparser process on the same export, start-up in."""
    eventline = shutil.which("eventline", path=str(Path(sys.executable).parent)) or shutil.which(
        "eventline"
    )
    if eventline is None:
        print("\nwhole process: no `eventline` command found; skipped")
        return
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.jsonl", Path(tmp) / "out.jsonl"
        src.write_text(
            "".join(
                json.dumps({"doc": d, "dct": dct.isoformat() if dct else None, "text": t}) + "\n"
                for d, dct, t in docs
            ),
            encoding="utf-8",
        )
        (ev_wall, ev_cpu), (dp_wall, dp_cpu) = median_timed(
            [
                [eventline, "timex", "--jsonl", str(src), str(out)],
                [sys.executable, __file__, "--dateparser-jsonl", str(src), str(out)],
            ],
            runs,
        )
    print(f"\n{'process (median of ' + str(runs) + ' runs)':<28} {'wall s':>7} {'CPU s':>7}")
    print(f"{'eventline timex --jsonl':<28} {ev_wall:>7.2f} {ev_cpu:>7.2f}")
    print(f"{'dateparser (same file)':<28} {dp_wall:>7.2f} {dp_cpu:>7.2f}")
    print(
        f"whole-process ratio dateparser / eventline: {dp_wall / ev_wall:.1f}x wall, "
        f"{dp_cpu / max(ev_cpu, 1e-9):.1f}x CPU"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--dateparser-jsonl":
        dateparser_jsonl(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--limit", type=int, default=None, help="only the first N documents")
    ap.add_argument("--timebank", type=Path, default=DEFAULT_TIMEBANK)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--skip-dateparser", action="store_true", help="eventline figures only")
    ap.add_argument("--dump", type=Path, default=None, help="write eventline's predictions here")
    ap.add_argument("--skip-process", action="store_true", help="no whole-process timing")
    ap.add_argument("--process-runs", type=int, default=3, help="timed runs of each process")
    args = ap.parse_args()

    scorer = load_scorer(args.scorer)
    docs: list[Doc] = [
        (doc, parse_dct(dct), text) for doc, dct, text, _ in scorer.documents(str(args.timebank))
    ][: args.limit]
    words = sum(len(text.split()) for _, _, text in docs)
    print(f"TimeBank: {len(docs)} documents, {words} words")

    eventline_predictions(docs[:3])  # warm-up: regex compilation, imports
    ev_preds, ev_secs = timed(eventline_predictions, docs)
    tracemalloc.start()
    eventline_predictions(docs)
    _, ev_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rows = [("eventline", ev_preds, ev_secs)]
    if not args.skip_dateparser:
        dateparser_predictions(docs[:1])  # warm-up: dateparser loads its language data lazily
        dp_preds, dp_secs = timed(dateparser_predictions, docs)
        rows.append(("dateparser", dp_preds, dp_secs))

    print(f"\n{'tagger':<11} {'words/s':>10} {'strict F1':>9} {'relax F1':>9} {'type acc':>9}"
          f" {'value F1':>9}")  # fmt: skip
    for name, preds, secs in rows:
        r = score(scorer, args.timebank, preds, docs)
        print(
            f"{name:<11} {words / secs:>10,.0f} {r['strict']['f1']:>9.3f} "
            f"{r['relaxed']['f1']:>9.3f} {r['type_accuracy']:>9.3f} {r['value']['f1']:>9.3f}"
        )
    if len(rows) == 2:
        print(f"\nspeed ratio eventline / dateparser: {rows[1][2] / rows[0][2]:.1f}x")
    print(f"eventline peak traced memory while tagging: {ev_peak / 2**20:.1f} MiB")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS (both taggers loaded): {rss:.0f} MiB")
    breakdown(scorer, args.timebank, ev_preds, docs)
    if not (args.skip_process or args.skip_dateparser):
        process_comparison(docs, args.process_runs)
    if args.dump:
        args.dump.write_text("".join(json.dumps(p) + "\n" for p in ev_preds), encoding="utf-8")


if __name__ == "__main__":
    main()
