"""Articles from local files: `.txt` (optional `---` front matter), `.json` and `.jsonl`.

Every problem with one file becomes a `SourceProblem` with a one-line reason, so a folder with
one bad file still yields its good ones.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import stat
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ingest.article import ArticleInput, SourceError, SourceProblem
from ingest.dates import parse_date

SUPPORTED = {".txt", ".md", ".json", ".jsonl"}


def iter_paths(paths: list[Path]) -> Iterator[Path | SourceProblem]:
    """Files named directly, and the supported files inside folders (sorted, no hidden ones).

    Only regular files are ever opened. A FIFO, device or socket, an unreadable folder, a
    broken link and a symbolic-link loop each become a SourceProblem (one line), so nothing is
    skipped silently and nothing blocks. Links to folders are followed, except back into a
    folder being walked (a loop).
    """
    for path in paths:
        st = _stat(path)
        if isinstance(st, SourceProblem):
            yield st
        elif stat.S_ISDIR(st.st_mode):
            yield from _walk(path, {(st.st_dev, st.st_ino)}, set())
        elif stat.S_ISREG(st.st_mode):
            yield path
        else:
            yield SourceProblem(str(path), f"not a regular file ({_kind(st.st_mode)}), not read")


def _walk(
    folder: Path, ancestors: set[tuple[int, int]], seen: set[tuple[int, int]]
) -> Iterator[Path | SourceProblem]:
    """Depth first, names sorted (the order `sorted(rglob)` gave)."""
    try:
        with os.scandir(folder) as it:
            names = sorted(entry.name for entry in it)
    except OSError as exc:
        yield SourceProblem(str(folder), f"cannot read folder: {exc.strerror or exc}")
        return
    for name in names:
        if name.startswith("."):
            continue
        child = folder / name
        st = _stat(child)
        if isinstance(st, SourceProblem):
            yield st
        elif stat.S_ISDIR(st.st_mode):
            key = (st.st_dev, st.st_ino)
            if key in ancestors:
                yield SourceProblem(str(child), "symbolic link loop (back to a folder being read)")
            elif key not in seen:  # a folder reached twice by links is read once
                seen.add(key)
                yield from _walk(child, ancestors | {key}, seen)
        elif not stat.S_ISREG(st.st_mode):
            yield SourceProblem(str(child), f"not a regular file ({_kind(st.st_mode)}), not read")
        elif child.suffix.lower() in SUPPORTED:
            yield child
        else:
            yield SourceProblem(str(child), f"unsupported file type {child.suffix!r}")


def _stat(path: Path) -> os.stat_result | SourceProblem:
    """stat() following links, or the one-line reason it cannot be."""
    try:
        return path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return SourceProblem(str(path), "symbolic link loop")
        if exc.errno == errno.ENOENT:
            broken = path.is_symlink()
            return SourceProblem(
                str(path), "broken symbolic link" if broken else "no such file or folder"
            )
        return SourceProblem(str(path), f"cannot read: {exc.strerror or exc}")


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "FIFO"),
        (stat.S_ISCHR, "character device"),
        (stat.S_ISBLK, "block device"),
        (stat.S_ISSOCK, "socket"),
    ):
        if test(mode):
            return name
    return "special file"


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
    """The text of a regular file, or a SourceError saying why it is not an article.

    Opened non-blocking and checked with fstat before reading, so a FIFO or device put in the
    file's place after the folder walk is refused, never read."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise SourceError(f"not a regular file ({_kind(st.st_mode)}), not read")
        if st.st_size == 0:
            raise SourceError("empty file")
        if st.st_size > max_bytes:
            raise SourceError(
                f"file is {st.st_size / 1e6:.1f} MB, over the {max_bytes / 1e6:.1f} MB limit"
            )
        raw = handle.read(max_bytes + 1)
    if len(raw) > max_bytes:  # it grew while we read
        raise SourceError(f"file is over the {max_bytes / 1e6:.1f} MB limit")
    return decode_text(raw)


# Byte-order marks, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def decode_text(raw: bytes) -> str:
    """UTF-8 (BOM allowed), or UTF-16/32 when a byte-order mark or the NUL pattern of
    UTF-16 says so; binary data and other encodings are refused, not guessed."""
    text = _wide_text(raw)
    if text is None:
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


def _wide_text(raw: bytes) -> str | None:
    """The text of a UTF-16/UTF-32 file (marked by a BOM, or UTF-16 without one whose every
    other byte is NUL, as English or any Latin script is), else None."""
    body, encoding = raw, None
    for bom, name in BOMS:
        if raw.startswith(bom):
            body, encoding = raw[len(bom) :], name
            break
    if encoding == "utf-8":
        return None
    if encoding is None:
        sample = raw[:8192]
        if len(raw) % 2 or len(sample) < 4 or b"\x00" not in sample:
            return None
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) >= 0.9 * len(odd) and b"\x00" not in even:
            encoding = "utf-16-le"
        elif even.count(0) >= 0.9 * len(even) and b"\x00" not in odd:
            encoding = "utf-16-be"
        else:
            return None
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError:
        return None  # a BOM-like start on binary data: reported as binary below
    if any(ch in text for ch in CONTROL):
        return None
    return text


CONTROL = frozenset(chr(c) for c in range(32) if chr(c) not in "\t\n\r\f\v")


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
    meta: dict[str, str] = {}
    for key in ("title", "url", "published", "date"):
        value = record.get(key)
        if value is None:
            continue
        if not isinstance(value, str):
            return SourceProblem(
                location, f"JSON record's {key!r} is not a string ({_json_kind(value)})"
            )
        meta[key] = value
    try:
        return _article(location, text, meta)
    except SourceError as exc:
        return SourceProblem(location, str(exc))


def _json_kind(value: Any) -> str:
    return {dict: "an object", list: "an array", bool: "a boolean"}.get(type(value), "a number")


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
