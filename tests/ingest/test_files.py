"""Reading article files: formats, front matter, and every kind of bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from ingest.article import ArticleInput, SourceProblem
from ingest.sources.files import iter_paths, read_articles

LIMIT = 1_000_000


def read_one(path: Path) -> ArticleInput | SourceProblem:
    items = list(read_articles(path, max_bytes=LIMIT))
    assert len(items) == 1
    return items[0]


def test_front_matter_gives_title_url_and_date(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "---\ntitle: Talks\nurl: https://example.org/a\npublished: 2025-04-21\n---\nBody text here.\n"
    )
    art = read_one(path)
    assert isinstance(art, ArticleInput)
    assert (art.title, art.url, art.published) == (
        "Talks",
        "https://example.org/a",
        date(2025, 4, 21),
    )
    assert art.location == str(path)  # exports cite the file; the URL is kept beside it
    assert art.published_source == "metadata"
    assert art.text.strip() == "Body text here."


def test_json_and_jsonl_records(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(
        json.dumps([{"text": "One.", "published": "2025-01-02"}, {"text": "Two."}])
    )
    (tmp_path / "b.jsonl").write_text('{"text": "Three."}\nnot json\n{"title": "no text"}\n')
    items = list(read_articles(tmp_path / "a.json", max_bytes=LIMIT)) + list(
        read_articles(tmp_path / "b.jsonl", max_bytes=LIMIT)
    )
    good = [i for i in items if isinstance(i, ArticleInput)]
    bad = [i for i in items if isinstance(i, SourceProblem)]
    assert [g.text for g in good] == ["One.", "Two.", "Three."]
    assert good[0].published == date(2025, 1, 2)
    assert [b.reason for b in bad] == [
        "invalid JSON line: Expecting value",
        "JSON record has no 'text'",
    ]


def test_bad_files_each_get_a_one_line_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (tmp_path / "latin1.txt").write_bytes("Caf\xe9 news".encode("latin-1"))
    (tmp_path / "blank.txt").write_text("   \n\n")
    (tmp_path / "huge.txt").write_bytes(b"a" * (LIMIT + 1))
    (tmp_path / "bad-date.txt").write_text("---\npublished: someday\n---\nText.\n")
    (tmp_path / "image.png").write_bytes(b"x")
    reasons = {}
    for entry in iter_paths([tmp_path]):
        if isinstance(entry, SourceProblem):
            reasons[Path(entry.location).name] = entry.reason
            continue
        for item in read_articles(entry, max_bytes=LIMIT):
            assert isinstance(item, SourceProblem)
            reasons[Path(item.location).name] = item.reason
    assert reasons == {
        "empty.txt": "empty file",
        "binary.txt": "binary file (contains NUL bytes), not text",
        "latin1.txt": "not UTF-8 text (byte 0xe9 at offset 3)",
        "blank.txt": "no text (only whitespace)",
        "huge.txt": "file is 1.0 MB, over the 1.0 MB limit",
        "bad-date.txt": "cannot read published date 'someday'",
        "image.png": "unsupported file type '.png'",
    }
    assert all("\n" not in r for r in reasons.values())


def test_missing_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    (entry,) = list(iter_paths([tmp_path / "nope.txt"]))
    assert isinstance(entry, SourceProblem)
    assert entry.reason == "no such file or folder"


def test_content_hash_ignores_whitespace_layout() -> None:
    a = ArticleInput("a", "Putin said  this.\n\nThen more.")
    b = ArticleInput("b", "Putin said this. Then more.")
    assert a.content_hash == b.content_hash


def test_front_matter_is_yaml(tmp_path: Path) -> None:
    """Quoting, comments and values YAML would otherwise turn into booleans or numbers."""
    path = tmp_path / "q.txt"
    path.write_text(
        "---\ntitle: \"Putin: talks are possible\"  # the headline\nurl: 'https://x.test/a?b=1'\n"
        "published: 2025-04-21\nsection: No\n---\nBody.\n"
    )
    art = read_one(path)
    assert isinstance(art, ArticleInput)
    assert (art.title, art.url, art.published) == (
        "Putin: talks are possible",
        "https://x.test/a?b=1",
        date(2025, 4, 21),
    )
    no = tmp_path / "no.txt"
    no.write_text("---\ntitle: No\n---\nBody.\n")
    assert read_one(no).title == "No"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("front", "reason"),
    [
        (
            "title: a: b\n",
            "front matter is not valid YAML (line 2): mapping values are not allowed here",
        ),
        ("- a list\n", "front matter must be 'key: value' lines"),
        ("title: [a, b]\n", "front matter 'title' must be a single value"),
    ],
)
def test_bad_front_matter_is_one_line(tmp_path: Path, front: str, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(f"---\n{front}---\nBody.\n")
    problem = read_one(path)
    assert isinstance(problem, SourceProblem) and problem.reason == reason
