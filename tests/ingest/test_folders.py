"""Issue 10 fault 6 and the smaller file faults: what a folder walk meets besides articles.

Unreadable folders, FIFOs, devices, broken links and symbolic-link loops each get one line and
make `eventline ingest` exit non-zero; a FIFO or a device is never read (a read would block or
never end). The real CLI runs in a subprocess, as an unprivileged user when the tests run as
root (root reads any folder, so chmod alone would not make one unreadable).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest.article import ArticleInput, SourceProblem
from ingest.sources.files import iter_paths, read_articles

NOBODY = 65534
ARTICLE = "---\npublished: 2025-04-21\n---\nThe minister resigned on Monday, officials said.\n"


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="eventline-walk-"))
    path.chmod(0o777)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir() and not sub.is_symlink():
            sub.chmod(0o755)
    shutil.rmtree(path)


def build_tree(root: Path) -> Path:
    news = root / "news"
    news.mkdir()
    (news / "good.txt").write_text(ARTICLE)
    locked = news / "locked"
    locked.mkdir()
    (locked / "hidden-from-us.txt").write_text(ARTICLE)
    locked.chmod(0)
    os.mkfifo(news / "pipe.txt")
    (news / "zero.txt").symlink_to("/dev/zero")  # a device behind an innocent name
    (news / "self.txt").symlink_to(news / "self.txt")  # ELOOP
    (news / "gone.txt").symlink_to(news / "missing.txt")
    (news / "up").symlink_to(news)  # a folder link back to itself
    return news


def run_ingest(
    args: list[str], root: Path, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "EVENTLINE_DATABASE_URL": f"sqlite:///{root / 'walk.db'}",
        "EVENTLINE_USE_SPACY": "false",
        "HOME": str(root),
        "COLUMNS": "200",
    }
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot make a folder unreadable")
        prefix = [setpriv, f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    cmd = [
        *prefix,
        sys.executable,
        "-c",
        "from timeline.cli.main import main; main()",
        "ingest",
        *args,
    ]
    return subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=timeout)


def test_every_odd_entry_gets_one_line_and_a_failing_exit(shared_dir: Path) -> None:
    news = build_tree(shared_dir)
    done = run_ingest([str(news)], shared_dir)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    lines = out.splitlines()
    expected = {
        "locked": "cannot read folder: Permission denied",
        "pipe.txt": "not a regular file (FIFO), not read",
        "zero.txt": "not a regular file (character device), not read",
        "self.txt": "symbolic link loop",
        "gone.txt": "broken symbolic link",
        "up": "symbolic link loop (back to a folder being read)",
    }
    for name, reason in expected.items():
        hits = [line for line in lines if f"{news / name}: {reason}" in line]
        assert len(hits) == 1, (name, out)
    assert "1 new" in out and "6 failed" in out, out


def test_a_fifo_named_directly_is_refused_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (entry,) = list(iter_paths([fifo]))
    assert isinstance(entry, SourceProblem)
    assert entry.reason == "not a regular file (FIFO), not read"
    # and read_articles on it (a path swapped after the walk) refuses without blocking
    (problem,) = list(read_articles(fifo, max_bytes=1000))
    assert isinstance(problem, SourceProblem) and "FIFO" in problem.reason


# --- smaller: UTF-16 is text, and a JSON record's fields have their types ---------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_are_read_as_text(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(ARTICLE.encode(encoding))
    (item,) = list(read_articles(path, max_bytes=10_000))
    assert isinstance(item, ArticleInput), item
    assert item.text.strip().startswith("The minister resigned")
    assert item.published is not None and item.published.isoformat() == "2025-04-21"


def test_binary_with_a_bom_like_start_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe\x00\x01\x02\x03\x89PNG\x00")
    (item,) = list(read_articles(path, max_bytes=10_000))
    assert isinstance(item, SourceProblem)
    assert item.reason == "binary file (contains NUL bytes), not text"


@pytest.mark.parametrize(
    ("field", "value", "kind"),
    [("title", {"a": 1}, "an object"), ("title", ["x"], "an array"), ("url", 7, "a number")],
)
def test_a_json_field_of_the_wrong_type_is_refused(
    tmp_path: Path, field: str, value: object, kind: str
) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"text": "The minister resigned.", field: value}))
    (item,) = list(read_articles(path, max_bytes=10_000))
    assert isinstance(item, SourceProblem), item
    assert item.reason == f"JSON record's {field!r} is not a string ({kind})"


def test_walk_order_and_hidden_files_are_unchanged(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "x.txt").write_text("x")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("h")
    assert [p for p in iter_paths([tmp_path]) if isinstance(p, Path)] == [
        tmp_path / "a.txt",
        tmp_path / "b" / "x.txt",
    ]
