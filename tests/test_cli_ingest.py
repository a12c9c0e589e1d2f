"""`eventline ingest` and `eventline events` as a user runs them, then the database checked."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from config.settings import get_settings
from tests.conftest import SEEDS
from tests.timeline.test_export import CONTRACT_KEYS, SOURCE_KEYS
from timeline.cli.main import app
from timeline.store.engine import make_engine
from timeline.store.models import Article, Event, IngestRun


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("EVENTLINE_DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


def counts(url: str) -> tuple[int, int]:
    with Session(make_engine(url)) as session:
        articles = session.exec(select(func.count()).select_from(Article)).one()
        events = session.exec(select(func.count()).select_from(Event)).one()
        return int(articles), int(events)


def test_folder_with_bad_files_ingests_the_good_and_fails_clearly(
    cli_env: str, tmp_path: Path
) -> None:
    code, _ = run("ingest", "--quiet", str(SEEDS / "000_cb83dc8ea2603296.txt"))
    assert code == 0
    before = counts(cli_env)

    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(SEEDS / "001_5d60efc459c9e1f5.txt", folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02PNG")
    (folder / "latin1.txt").write_bytes("Caf\xe9 au lait".encode("latin-1"))
    with (folder / "huge.txt").open("wb") as f:
        f.truncate(50 * 1024 * 1024)  # 50 MB, sparse

    code, output = run("ingest", str(folder))
    assert code == 1
    for name, reason in [
        ("empty.txt", "empty file"),
        ("binary.txt", "binary file (contains NUL bytes), not text"),
        ("latin1.txt", "not UTF-8 text (byte 0xe9 at offset 3)"),
        ("huge.txt", "file is 52.4 MB, over the 5.0 MB limit"),
    ]:
        assert f"{name}: {reason}" in output.replace("\n", " ")
    assert "Traceback" not in output
    articles, events = counts(cli_env)
    assert articles == before[0] + 1 and events >= before[1]

    with Session(make_engine(cli_env)) as session:
        runs = session.exec(select(IngestRun)).all()
        assert [(r.seen, r.new, r.failed) for r in runs][-1] == (5, 1, 4)


def test_same_ingest_twice_changes_nothing_and_events_follow_the_contract(cli_env: str) -> None:
    assert run("ingest", "--quiet", str(SEEDS))[0] == 0
    first = counts(cli_env)
    code, output = run("ingest", str(SEEDS))
    assert code == 0 and "2 skipped" in output
    assert counts(cli_env) == first

    code, output = run("events", "--format", "json")
    assert code == 0
    data = json.loads(output)
    event = data["events"][0]
    assert set(event) >= CONTRACT_KEYS
    assert set(event["sources"][0]) >= SOURCE_KEYS
    starts = [e["start"] for e in data["events"] if e["start"]]
    assert starts == sorted(starts)


def test_bad_dates_and_unknown_options_are_clear_errors(cli_env: str) -> None:
    code, output = run("events", "--from", "2025-13-40")
    assert code == 2 and "not a valid date" in output and "Traceback" not in output
    code, output = run("events", "--bogus")
    assert code == 2 and "No such option" in output
