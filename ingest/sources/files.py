"""Articles from local files: `.txt` (optional `---` front matter), `.json` and `.jsonl`.

Every problem with one file becomes a `SourceProblem` with a one-line reason, so a folder with
one bad file still yields its good ones.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ingest.article import ArticleInput, SourceError, SourceProblem
from ingest.dates import parse_date

SUPPORTED = {".txt", ".md", ".json", ".jsonl"}


def iter_paths(paths: list[Path]) -> Iterator[Path | SourceProblem]:
    """Files named directly, and the supported files inside folders (sorted, no hidden ones)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and not any(p.startswith(".") for p in child.parts[-1:]):
                    if child.suffix.lower() in SUPPORTED:
                        yield child
                    else:
                        yield SourceProblem(str(child), f"unsupported file type {child.suffix!r}")
        elif path.is_file():
            yield path
        else:
            yield SourceProblem(str(path), "no such file or folder")


def read_articles(path: Path, *, max_bytes: int) -> Iterator[ArticleInput | SourceProblem]:
    """The articles in one file; problems are yielded, never raised."""
    try:
        text = read_text(path, max_bytes=max_bytes)
        suffix = path.suffix.lower()
        if suffix == ".json":
            data = json.loads(text)
            records = data if isinstance(data, list) else [data]
            for i, record in enumerate(records):
                yield _record_or_problem(record, f"{path}#{i}" if len(records) > 1 else str(path))
        elif suffix == ".jsonl":
            for n, line in enumerate(text.splitlines(), 1):
                if line.strip():
                    try:
                        yield _record_or_problem(json.loads(line), f"{path}#{n}")
                    except json.JSONDecodeError as exc:
                        yield SourceProblem(f"{path}#{n}", f"invalid JSON line: {exc.msg}")
        else:
            yield parse_text_file(text, str(path))
    except json.JSONDecodeError as exc:
        yield SourceProblem(str(path), f"invalid JSON: {exc.msg} at line {exc.lineno}")
    except SourceError as exc:
        yield SourceProblem(str(path), str(exc))
    except OSError as exc:
        yield SourceProblem(str(path), f"cannot read: {exc.strerror or exc}")


def read_text(path: Path, *, max_bytes: int) -> str:
    """UTF-8 text of a file, or a SourceError saying why it is not an article."""
    size = path.stat().st_size
    if size == 0:
        raise SourceError("empty file")
    if size > max_bytes:
        raise SourceError(f"file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit")
    raw = path.read_bytes()
    return decode_text(raw)


def decode_text(raw: bytes) -> str:
    """Strict UTF-8 (BOM allowed); binary data and other encodings are refused, not guessed."""
    if b"\x00" in raw[:8192]:
        raise SourceError("binary file (contains NUL bytes), not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at offset {exc.start})"
        ) from None
    if not text.strip():
        raise SourceError("no text (only whitespace)")
    return text


def parse_text_file(text: str, location: str) -> ArticleInput:
    """A text article; `---` YAML front matter may give title, url and published.

    The front matter is read by PyYAML's BaseLoader: every value stays the string written
    (`title: No` is "No", `published: 2025-04-21` is that date as text), quoting and comments
    work as in any static-site generator, and nothing in it can build Python objects.
    """
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        return _article(location, text, {})
    for i, line in enumerate(lines[1:], 1):
        if line.strip() == "---":
            return _article(location, "\n".join(lines[i + 1 :]), _front_matter(lines[1:i]))
    raise SourceError("front matter opened with '---' but never closed")


def _front_matter(lines: list[str]) -> dict[str, str]:
    import yaml

    try:
        data = yaml.load("\n".join(lines), Loader=yaml.BaseLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise SourceError(f"front matter is not valid YAML{where}: {problem}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SourceError("front matter must be 'key: value' lines")
    meta = {}
    for key, value in data.items():
        if not isinstance(value, str):
            raise SourceError(f"front matter {key!r} must be a single value")
        meta[str(key).strip().lower()] = value.strip()
    return meta


def _record_or_problem(record: Any, location: str) -> ArticleInput | SourceProblem:
    if not isinstance(record, dict):
        return SourceProblem(location, "JSON record is not an object")
    text = record.get("text") or record.get("content") or record.get("body")
    if not isinstance(text, str) or not text.strip():
        return SourceProblem(location, "JSON record has no 'text'")
    meta = {k: str(v) for k, v in record.items() if k in {"title", "url", "published", "date"}}
    try:
        return _article(location, text, meta)
    except SourceError as exc:
        return SourceProblem(location, str(exc))


def _article(location: str, text: str, meta: dict[str, str]) -> ArticleInput:
    if not text.strip():
        raise SourceError("no text after the front matter")
    published: date | None = None
    raw_date = meta.get("published") or meta.get("date")
    if raw_date:
        published = parse_date(raw_date)
        if published is None:
            raise SourceError(f"cannot read published date {raw_date!r}")
    return ArticleInput(
        location=location,
        url=meta.get("url") or None,
        text=text,
        title=meta.get("title"),
        published=published,
        published_source="metadata" if published else "none",
    )
