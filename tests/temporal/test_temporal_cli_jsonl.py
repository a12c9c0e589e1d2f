"""`eventline timex` and the shared JSONL conversion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from ingest.temporal.jsonl import JsonlError, predict, read_records, tag_jsonl
from timeline.cli import timex as timex_cli


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    timex_cli.register(app)

    @app.command("noop")
    def noop() -> None:  # a second command keeps typer in multi-command mode
        """Nothing."""

    return app


def test_text_table(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["timex", "Putin said on Friday he will go on Wednesday.", "--dct", "2025-04-21"]
    )
    assert result.exit_code == 0, result.output
    assert "2025-04-18" in result.output and "2025-04-23" in result.output


def test_bad_dct_is_a_clear_error(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["timex", "on Friday", "--dct", "21/04/2025"])
    assert result.exit_code == 2  # a usage error, as click exits for a bad option
    assert "Error:" in result.output and "--dct" in result.output
    assert "Traceback" not in result.output


def test_jsonl_round_trip(app: typer.Typer, tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    rows = [
        {"doc": "a", "dct": "2025-04-21", "text": "It ended on Friday."},
        {"doc": "b", "dct": None, "text": "Prices fell in 1998."},
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["timex", "--jsonl", str(src), str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert lines[0] == {
        "doc": "a",
        "timexes": [{"begin": 12, "end": 18, "type": "DATE", "value": "2025-04-18"}],
    }
    assert lines[1]["timexes"][0]["value"] == "1998"


def test_unreadable_file_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["timex", "--jsonl", str(tmp_path / "missing.jsonl"), str(tmp_path / "o.jsonl")]
    )
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


def test_bad_line_is_a_clear_error(app: typer.Typer, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"doc": "a", "dct": "2025-04-21", "text": "x"}\nnot json\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["timex", "--jsonl", str(src), str(tmp_path / "o.jsonl")])
    assert result.exit_code == 1
    assert "line 2" in result.output


def test_library_errors() -> None:
    with pytest.raises(JsonlError):
        predict({"doc": "x", "dct": "yesterday", "text": "a"})
    with pytest.raises(JsonlError):
        list(read_records(["[1, 2]"]))


def test_tag_jsonl_counts(tmp_path: Path) -> None:
    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"doc": 1, "dct": "1998-01-08", "text": "now"}) + "\n\n")
    assert tag_jsonl(src, out) == 1


def test_batch_tagging_loads_only_the_tagger(tmp_path: Path) -> None:
    """`eventline timex --jsonl` as a process is measured against dateparser start-up
    included (bench/temporal.py): it must not load pydantic (typer 0.29 did, to parse the
    options), SQLAlchemy, the settings, rich or the rest of ingest."""
    import subprocess
    import sys

    src, out = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    src.write_text(json.dumps({"doc": "d", "dct": "2025-04-21", "text": "on Friday"}) + "\n")
    code = (
        "import sys\n"
        "from timeline.cli.main import app\n"
        "try:\n"
        f"    app(['timex', '--jsonl', {str(src)!r}, {str(out)!r}])\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('pydantic', 'pydantic_settings', 'sqlalchemy', 'sqlmodel', 'rich', 'config',"
        " 'ingest.events', 'ingest.pipeline', 'httpx', 'spacy')\n"
        "print(sorted({h for h in heavy for m in sys.modules if m == h or m.startswith(h + '.')}))\n"
    )
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=root)
    assert proc.returncode == 0, proc.stderr
    # pydantic here with nothing else usually means typer 0.29 in an old venv: the project
    # pins 0.28 (pyproject.toml), `pip install -e .` installs it.
    assert proc.stdout.strip() == "[]", f"loaded {proc.stdout.strip()}"
    assert json.loads(out.read_text())["timexes"][0]["value"] == "2025-04-18"
