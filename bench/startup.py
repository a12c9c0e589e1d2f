"""CPU time of short `eventline` commands: what a user waits for before any work is done.

Runs each command N times as a fresh process (the installed console script, as a user would)
and prints the median user+system CPU seconds; `--json` prints the same figures as JSON.
`events` runs on a small SQLite store made from the seed articles (ingested once, first).
Each command runs once untimed first, with bytecode writing allowed whatever the shell says:
an installed program runs from cached bytecode (PYTHONDONTWRITEBYTECODE=1 would make every
run recompile eventline's sources, which pip never does for a user).

    python bench/startup.py [--runs 7] [--json]
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

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {
    "--help": ["--help"],
    "--version": ["--version"],
    "config show": ["config", "show"],
    "timex --help": ["timex", "--help"],
    "events (seeds store)": ["events"],
    "events -f json (seeds store)": ["events", "-f", "json"],
}


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
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "EVENTLINE_DATABASE_URL": f"sqlite:///{tmp}/seeds.db", "COLUMNS": "80"}
        env.pop("EVENTLINE_USE_SPACY", None)
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run(
            [*eventline(), "ingest", "--quiet", str(ROOT / "seeds")], env=env, check=True
        )
        figures = {}
        for name, argv in COMMANDS.items():
            cpu_of([*eventline(), *argv], env)  # untimed: writes the bytecode
            samples = [cpu_of([*eventline(), *argv], env) for _ in range(args.runs)]
            figures[name] = {"median_cpu_s": round(statistics.median(samples), 3),
                             "min_cpu_s": round(min(samples), 3)}  # fmt: skip
    if args.json:
        print(json.dumps({"runs": args.runs, "commands": figures}, indent=1))
        return
    print(f"{'command':<30} {'median CPU s':>12} {'min CPU s':>10}   ({args.runs} runs each)")
    for name, f in figures.items():
        print(f"{name:<30} {f['median_cpu_s']:>12.3f} {f['min_cpu_s']:>10.3f}")


if __name__ == "__main__":
    main()
