"""The scorer's JSON-lines formats, shared by the CLI and the benchmark.

In:  {"doc": ..., "dct": "YYYY-MM-DD" | null, "text": ...} per line (timex_score.py export).
Out: {"doc": ..., "timexes": [{"begin", "end", "type", "value"}]} per line.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from ingest.temporal.tagger import tag


class JsonlError(ValueError):
    """A line of the input is not a {"doc", "dct", "text"} record."""


def parse_dct(value: str | None) -> datetime.date | None:
    """'2025-04-21' (or a longer ISO timestamp) -> date; empty -> None; else ValueError."""
    if not value:
        return None
    return datetime.date.fromisoformat(value[:10])


def predict(record: dict[str, Any]) -> dict[str, Any]:
    """One exported document -> its prediction record."""
    text = record.get("text")
    if not isinstance(text, str):
        raise JsonlError(f"document {record.get('doc')!r} has no text")
    try:
        dct = parse_dct(record.get("dct"))
    except ValueError as exc:
        raise JsonlError(f"document {record.get('doc')!r}: bad dct {record.get('dct')!r}") from exc
    timexes = [
        {"begin": t.begin, "end": t.end, "type": t.type, "value": t.value} for t in tag(text, dct)
    ]
    return {"doc": record.get("doc"), "timexes": timexes}


def read_records(lines: Iterable[str]) -> Iterator[dict[str, Any]]:
    """Parse JSON lines, skipping blank ones; JsonlError names the bad line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise JsonlError(f"line {number}: not JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise JsonlError(f"line {number}: expected an object")
        yield record


def tag_jsonl(in_path: str | Path, out_path: str | Path) -> int:
    """Tag every document of an export file into a prediction file; returns the count."""
    count = 0
    with open(in_path, encoding="utf-8") as src, open(out_path, "w", encoding="utf-8") as out:
        for record in read_records(src):
            out.write(json.dumps(predict(record)) + "\n")
            count += 1
    return count
