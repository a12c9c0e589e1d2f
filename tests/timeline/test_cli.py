"""`eventline events | log | story | serve`: invoked as users do, against a SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from config.settings import get_settings
from timeline.cli.main import app


@pytest.fixture
def run(
    sqlite_url: str, easter_sqlite: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> Iterator[object]:
    """Invoke the CLI over the Easter store; returns the click Result."""
    monkeypatch.setenv("EVENTLINE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    runner = CliRunner()

    def invoke(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, list(args), catch_exceptions=False)

    yield invoke
    get_settings.cache_clear()


def test_events_json(run, easter_sqlite: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    result = run("events", "--format", "json")
    assert result.exit_code == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    assert len(events) == 11
    assert events[0]["label"] == "2022-02"
    truce = next(e for e in events if e["id"] == easter_sqlite["truce"])
    assert {link["kind"] for link in truce["links"]} == {"violates", "follows"}
    filtered = run(
        "events", "--from", "2025-04-20", "--to", "2025-04-21", "--actor", "kremlin", "-f", "json"
    )
    assert [e["id"] for e in json.loads(filtered.stdout)["events"]] == [
        easter_sqlite["violations"],
        easter_sqlite["truce"],
    ]
    typed = run("events", "--type", "consult", "--query", "talks", "--limit", "2", "-f", "jsonl")
    assert [json.loads(line)["id"] for line in typed.stdout.splitlines()] == [
        easter_sqlite["gaza_truce"],
        easter_sqlite["proposal"],
    ]


@pytest.mark.parametrize("fmt", ["table", "csv", "md", "timelinejs", "ics"])
def test_events_other_formats(run, fmt: str) -> None:  # type: ignore[no-untyped-def]
    result = run("events", "--format", fmt)
    assert result.exit_code == 0, result.stderr
    assert "CEASEFIRE" in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["events", "--from", "2025-13-40"], 2, "--from '2025-13-40' is not a valid date"),
        (["events", "--to", "yesterday"], 2, "--to 'yesterday' is not a valid date"),
        (["events", "--from", "2025-05-01", "--to", "2025-04-01"], 2, "starts after it ends"),
        (["events", "--format", "xml"], 2, "xml"),
        (["events", "--bogus"], 2, "No such option"),
        (["events", "--limit", "0"], 2, "--limit"),
        (["log", "--from", "2025-02-30"], 2, "not a valid date"),
        (["story", "   "], 2, "empty"),
        (["story", "nothing like this"], 1, "no events match"),
    ],
)
def test_errors_are_clear(run, args: list[str], code: int, message: str) -> None:  # type: ignore[no-untyped-def]
    result = run(*args)
    assert result.exit_code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    if code == 1 or "valid date" in message or "starts after" in message:
        assert result.stderr.lstrip().startswith("Error:")


def test_log(run) -> None:  # type: ignore[no-untyped-def]
    result = run("log", "--from", "2025-04-18", "--to", "2025-04-18")
    assert result.exit_code == 0
    assert result.stdout.startswith("2025-04-18      Trump and Rubio warn")
    assert "On Friday" in result.stdout
    md = run("log", "--format", "md")
    assert md.stdout.startswith("# Event log")
    assert "## 2025-W17" in md.stdout


def test_story(run, easter_sqlite: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    text = run("story", "Easter truce")
    assert text.exit_code == 0
    assert text.stdout.splitlines()[0] == "Story: Easter truce (4 events)"
    assert "↳ follows step 1" in text.stdout
    data = json.loads(run("story", "Easter truce", "--format", "json").stdout)
    assert [e["id"] for e in data["events"]] == [
        easter_sqlite[k] for k in ("truce", "violations", "proposal", "clarification")
    ]
    assert (
        "\n5. 2025-04-21 · **Zelenskiy says"
        in run("story", "Easter truce", "--hops", "3", "-f", "md").stdout
    )
    assert "# Story: Easter truce" in run("story", "Easter truce", "-f", "md").stdout


@pytest.mark.parametrize("command", ["events", "log", "story", "serve"])
def test_every_command_has_help(run, command: str) -> None:  # type: ignore[no-untyped-def]
    result = run(command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.stdout and len(result.stdout) > 200


def test_table_is_capped_with_a_hint(run, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("timeline.cli.events.TABLE_ROWS", 3)
    result = run("events")
    assert result.exit_code == 0
    assert "3 events" in result.stdout
    assert "showing the first 3 events" in result.stderr
    assert "11 events" in run("events", "--limit", "20").stdout


def test_a_closed_pipe_ends_quietly(sqlite_url: str, sqlite_engine) -> None:  # type: ignore[no-untyped-def]
    """`eventline events -f jsonl | head -c 10`: no BrokenPipeError traceback."""
    import os
    import subprocess
    import sys
    from datetime import date

    from tests.timeline.conftest import make_event
    from timeline.store.engine import session_scope

    with session_scope(sqlite_engine) as session:
        for n in range(600):
            make_event(session, f"event {n} " + "x" * 300, date(2025, 1, 1 + n % 28))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from timeline.cli.main import main; main()",
            "events",
            "-f",
            "jsonl",
        ],
        env={**os.environ, "EVENTLINE_DATABASE_URL": sqlite_url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0, stderr
    assert "Traceback" not in stderr


def test_events_table_fits_80_columns(
    run, monkeypatch: pytest.MonkeyPatch, easter_sqlite: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    """One line per event on an 80-column terminal; ids, dates and types are never cut."""
    monkeypatch.setenv("COLUMNS", "80")
    result = run("events")
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert lines[0].split() == ["id", "date", "type", "title", "src"]
    assert len(lines) == 1 + 11 + 1  # header, one line per event, the count
    truce = next(line for line in lines if line.split()[0] == str(easter_sqlite["truce"]))
    assert truce.split()[1:3] == ["2025-04-19..20", "CEASEFIRE"]
    wide = run("events", "--wide").stdout.splitlines()
    assert wide[0].split() == ["id", "date", "type", "title", "actors", "src"]
    assert len(wide) > len(lines)  # whole titles wrap instead of being cut
    monkeypatch.setenv("COLUMNS", "140")  # a wide terminal has room for the actors
    assert run("events").stdout.splitlines()[0].split() == [
        "id",
        "date",
        "type",
        "title",
        "actors",
        "src",
    ]


# What listing events must never load: the ORM and models (SQLModel), migrations when the
# store is at head, rich (only `--wide` wraps cells with it), the web and fetch stacks, and
# ingest (`--type` loads ingest.lexicon on purpose, for the known types: not used here).
NOT_FOR_LISTING = (
    "sqlmodel", "sqlalchemy.orm", "alembic", "rich", "ingest", "fastapi", "httpx", "spacy"
)  # fmt: skip
LISTING_COMMANDS = [
    ["events"],
    ["events", "-f", "json"],
    ["events", "-f", "csv", "--from", "2025-04-20", "--actor", "kremlin", "-q", "truce"],
    ["events", "--updated-since", "2025-01-01"],
    ["log"],
]


@pytest.mark.parametrize("argv", LISTING_COMMANDS, ids=" ".join)
def test_listing_events_loads_no_orm_or_models(
    argv: list[str], sqlite_url: str, easter_sqlite: dict[str, int]
) -> None:
    """`eventline events` reads through SQLAlchemy Core (timeline.store.tables): start-up
    time is most of what a small store costs, and SQLModel and the ORM are most of that."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import sys\n"
        "from timeline.cli.main import app\n"
        "try:\n"
        f"    app({argv!r})\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"heavy = {NOT_FOR_LISTING!r}\n"
        "loaded = sorted({h for h in heavy for m in sys.modules"
        " if m == h or m.startswith(h + '.')})\n"
        "print('LOADED', ','.join(loaded), file=sys.stderr)\n"
    )
    root = Path(__file__).resolve().parents[2]
    env = {"EVENTLINE_DATABASE_URL": sqlite_url, "PATH": "/usr/bin:/bin", "COLUMNS": "80"}
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=root, env=env
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip(), "the command printed nothing"
    assert "LOADED \n" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    "text",
    [
        "Failed Easter truce",
        "Russia’s February 2022 invasion",
        "東京で停戦交渉が始まる",
        "Café déjà vu",
        "Cafe\u0301 de\u0301ja\u0300 vu",
    ],
)
@pytest.mark.parametrize("width", [1, 5, 12, 40])
def test_table_cells_are_cut_as_rich_cuts_them(text: str, width: int) -> None:
    """The default table is drawn without rich (it costs ~30 ms to load); its cells must come
    out as rich's ellipsis overflow makes them, wide characters and accents included."""
    from rich.text import Text

    from timeline.cli.events import cut_cell

    cut = Text(text)
    cut.truncate(width, overflow="ellipsis", pad=True)
    assert cut_cell(text, width) == cut.plain
