"""CPU time of short `eventline` commands: what a user waits for before any work is done.

Runs each command N times as a fresh process (the installed console script, as a user would)
and prints the median user+system CPU seconds beside issue 11's limit (0.25 s for `--help` and
for `events` on a small store); `--json` prints the same figures as JSON. `events` runs on a
small SQLite store made from the seed articles (ingested once, first). Each command runs once
untimed first, with bytecode writing allowed whatever the shell says: an installed program runs
from cached bytecode (PYTHONDONTWRITEBYTECODE=1 would make every run recompile eventline's
sources, which pip never does for a user). The runs are taken in turns (one of each command per
round), so a change in the machine's load moves every figure alike.

The floor rows are the same interpreter importing only the libraries a command cannot do
without: `events` needs typer (the command line), SQLAlchemy (the store) and pydantic-settings
(the settings, validated before any command runs); their import alone is the least `events`
can cost.

    python bench/startup.py [--runs 10] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import TypedDict

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": ["--help"],
    "--version": ["--version"],
    "config show": ["config", "show"],
    "timex --help": ["timex", "--help"],
    "events (seeds store)": ["events"],
    "events -f json (seeds store)": ["events", "-f", "json"],
}
LIMIT_S = {"--help": 0.25, "events (seeds store)": 0.25}  # issue 11
FLOOR = {
    "python (nothing imported)": "pass",
    "import typer": "import typer",
    "import sqlalchemy, pydantic_settings, typer": "import sqlalchemy, pydantic_settings, typer",
}


class Figure(TypedDict):
    median_cpu_s: float
    min_cpu_s: float
    limit_s: float | None  # issue 11's limit, where it sets one


def eventline() -> list[str]:
    script = Path(sys.executable).with_name("eventline")
    return [str(script)] if script.exists() else [shutil.which("eventline") or "eventline"]


def cpu_of(argv: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EVENTLINE_DATABASE_URL": f"sqlite:///{tmp}/seeds.db", "COLUMNS": "80"}
        env.pop("EVENTLINE_USE_SPACY", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [*eventline(), "ingest", "--quiet", str(ROOT / "seeds")], env=env, check=True
        )
        argvs = {name: [*eventline(), *argv] for name, argv in COMMANDS.items()}
        argvs |= {name: [sys.executable, "-c", code] for name, code in FLOOR.items()}
        for argv in argvs.values():
            cpu_of(argv, env)  # untimed: writes the bytecode
        samples: dict[str, list[float]] = {name: [] for name in argvs}
        for _ in range(args.runs):  # in turns: one run of each per round
            for name, argv in argvs.items():
                samples[name].append(cpu_of(argv, env))
    figures: dict[str, Figure] = {
        name: {
            "median_cpu_s": round(statistics.median(s), 3),
            "min_cpu_s": round(min(s), 3),
            "limit_s": LIMIT_S.get(name),
        }
        for name, s in samples.items()
    }
    commands = {name: figures[name] for name in COMMANDS}
    floor = {name: figures[name] for name in FLOOR}
    if args.json:
        print(json.dumps({"runs": args.runs, "commands": commands, "floor": floor}, indent=1))
        return
    head = f"{'command':<44} {'median CPU s':>12} {'min CPU s':>10} {'limit s':>8}"
    print(f"{head}   ({args.runs} runs each, in turns)")
    for title, rows in (("", commands), ("floor: the libraries alone", floor)):
        if title:
            print(title)
        for name, f in rows.items():
            median, least, limit = f["median_cpu_s"], f["min_cpu_s"], f["limit_s"]
            shown = verdict = ""
            if limit is not None:
                shown, verdict = f"{limit:.2f}", "  ok" if median <= limit else "  over"
            print(f"{name:<44} {median:>12.3f} {least:>10.3f} {shown:>8}{verdict}")


if __name__ == "__main__":
    main()
