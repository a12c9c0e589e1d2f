"""What users of sqlite-utils, Datasette or Miniflux expect from a command line: one-line
errors for bad configuration, exit 2 for usage errors, --version, completion, `config show`,
a fast start, output that fits 80 columns."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from click.testing import Result
from typer.testing import CliRunner

from config.settings import Settings, get_settings
from tests.conftest import ROOT
from tests.test_project import _commands as every_command
from timeline.cli.main import app


@pytest.fixture
def cli(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """A runner whose environment names a fresh SQLite store and nothing else of ours."""
    for key in list(os.environ):
        if key.upper().startswith("EVENTLINE_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("EVENTLINE_DATABASE_URL", sqlite_url)
    monkeypatch.chdir(Path(sqlite_url.removeprefix("sqlite:///")).parent)  # no stray .env
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_line_error(result: Result) -> str:
    """The error line, after checking it is the only output and no traceback leaked."""
    lines = result.stderr.strip().splitlines()
    assert result.exit_code != 0
    assert "Traceback" not in result.output + result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    return lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        (
            "EVENTLINE_DATABASE_URL",
            "postgresql://u:hunter2@127.0.0.1:{port}/x",
            "Connection refused",
        ),
        ("EVENTLINE_DATABASE_URL", "mysql://u@localhost/x", "'mysql' is not supported"),
        ("EVENTLINE_DATABASE_URL", "sqlite:///{tmp}/missing/folder/x.db", "no folder"),
        ("EVENTLINE_FETCH_TIMEOUT", "abc", "EVENTLINE_FETCH_TIMEOUT='abc'"),
        ("EVENTLINE_LOG_LEVEL", "verbose", "unknown log level; use one of DEBUG, INFO"),
    ],
)
@pytest.mark.parametrize("command", [["events"], ["feeds", "list"]])
def test_bad_configuration_is_one_line(
    cli: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    variable: str,
    value: str,
    says: str,
    command: list[str],
) -> None:
    monkeypatch.setenv(variable, value.format(port=_closed_port(), tmp=tmp_path))
    line = _one_line_error(cli.invoke(app, command))
    assert says in line
    assert "hunter2" not in line  # a password in the URL is never printed


def test_version(cli: CliRunner) -> None:
    from importlib.metadata import version

    result = cli.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"eventline {version('eventline')}"


def test_shell_completion_completes_commands() -> None:
    shown = CliRunner().invoke(app, ["--show-completion", "bash"])
    assert shown.exit_code == 0 and "_EVENTLINE_COMPLETE=complete_bash" in shown.stdout
    # What bash does on <TAB> after `eventline fe` and `eventline feeds re`.
    for words, expected in (
        ("eventline fe", {"feeds"}),
        ("eventline feeds re", {"remove", "resume"}),
    ):
        env = {**os.environ, "_EVENTLINE_COMPLETE": "complete_bash", "COMP_WORDS": words,
               "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
        out = subprocess.run(
            [str(Path(sys.executable).parent / "eventline")],  # the installed console script
            env=env, capture_output=True, text=True, cwd=ROOT, timeout=60,
        )  # fmt: skip
        assert set(out.stdout.split()) == expected, out.stderr


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["timex", "on Monday", "--dct", "2025-13-01"], "--dct '2025-13-01' is not a valid date"),
        (["timex"], "give TEXT to tag"),
        (["events", "--type", "NOPE"], "unknown event type NOPE; known types: ACCUSE, AGREE"),
        (["events", "--type", "ceasefire,nope"], "unknown event type NOPE"),
        (["events", "--from", "monday"], "--from 'monday' is not a valid date"),
        (["feeds", "add", "ftp://x.test/"], "not an http(s) URL"),
    ],
)
def test_usage_errors_exit_2(cli: CliRunner, args: list[str], says: str) -> None:
    result = cli.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert says in _one_line_error(result)


def test_known_type_is_accepted(cli: CliRunner) -> None:
    result = cli.invoke(app, ["events", "--type", "ceasefire", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout) == {"events": []}


# The main command itself, then every command path (the list test_project checks for --help).
COMMANDS = [(), *every_command(typer.main.get_command(app))]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "eventline")
def test_help_shows_no_python_types(command: tuple[str, ...]) -> None:
    """Flags read `--json`, not `--json <bool>`; option values are named (DATE, N), not
    `<str>` (typer 0.29 prints an argument's type beside its name whatever we do)."""
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "80"})
    assert result.exit_code == 0
    assert "<bool>" not in result.stdout
    options = [line for line in result.stdout.splitlines() if line.lstrip().startswith("-")]
    for marker in ("<str>", "<int", "<float", "<path>"):
        assert not [o for o in options if marker in o], f"{' '.join(command)} --help: {marker}"
    assert max(len(line) for line in result.stdout.splitlines()) <= 80


def test_timex_json(cli: CliRunner) -> None:
    text = "Putin spoke on Monday; a delegation will travel to London on Wednesday."
    result = cli.invoke(app, ["timex", text, "--dct", "2025-04-21", "--json"])
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["dct"] == "2025-04-21"
    found = {(t["text"], t["value"]) for t in doc["timexes"]}
    assert found == {("Monday", "2025-04-21"), ("Wednesday", "2025-04-23")}
    for t in doc["timexes"]:
        assert text[t["begin"] : t["end"]] == t["text"]


def test_config_show_says_where_each_value_came_from(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("EVENTLINE_API_TOKEN", "s3cret-token")
    monkeypatch.setenv("EVENTLINE_DATABASE_URL", "postgresql://me:pa55word@db.example/el")
    (tmp_path / ".env").write_text("EVENTLINE_MAX_REDIRECTS=3\n")
    result = cli.invoke(app, ["config", "show", "--json"])
    assert result.exit_code == 0, result.stderr
    rows = {r["name"]: r for r in json.loads(result.stdout)["settings"]}
    assert set(rows) == {f"EVENTLINE_{n.upper()}" for n in Settings.model_fields}
    assert rows["EVENTLINE_API_TOKEN"] | {"description": ""} == {
        "name": "EVENTLINE_API_TOKEN", "value": "***", "source": "environment", "description": "",
    }  # fmt: skip
    assert rows["EVENTLINE_DATABASE_URL"]["value"] == "postgresql+psycopg://me:***@db.example/el"
    assert (
        rows["EVENTLINE_MAX_REDIRECTS"]["value"],
        rows["EVENTLINE_MAX_REDIRECTS"]["source"],
    ) == (3, ".env")
    assert (
        rows["EVENTLINE_FETCH_TIMEOUT"]["value"],
        rows["EVENTLINE_FETCH_TIMEOUT"]["source"],
    ) == (20.0, "default")
    text = cli.invoke(app, ["config", "show"], env={"COLUMNS": "80"}).stdout
    assert "s3cret" not in text and "pa55word" not in text
    assert "EVENTLINE_MAX_REDIRECTS=3  (.env)" in text.splitlines()


@pytest.mark.parametrize(
    "argv", [None, ["--help"], ["events", "--help"], ["--version"]], ids=lambda a: " ".join(a or [])
)
def test_starting_the_cli_loads_no_database_or_model_code(argv: list[str] | None) -> None:
    """`eventline --help`, `--version` and completion only need typer: SQLAlchemy, pydantic
    (settings), rich and ingest load inside the commands that use them. The help itself is
    drawn too (typer would load rich for rich-markup help, its default)."""
    run = (
        ""
        if argv is None
        else f"try:\n    timeline.cli.main.app({argv!r})\nexcept SystemExit:\n    pass\n"
    )
    code = (
        "import sys, timeline.cli.main\n"
        f"{run}"
        "heavy = ('sqlalchemy', 'sqlmodel', 'alembic', 'pydantic', 'pydantic_settings', 'rich',"
        " 'ingest', 'fastapi', 'httpx', 'spacy')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & set(heavy)), file=sys.stderr)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    if argv is not None:
        assert out.stdout.strip(), "the command printed nothing"
    assert out.stderr.strip() == "[]"
