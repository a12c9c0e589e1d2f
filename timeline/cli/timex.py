"""`eventline timex TEXT --dct D | --jsonl IN OUT`: the temporal tagger on its own.

The tagger lives in `ingest.temporal`; it is imported inside the command because the timeline
package never imports ingest at module level.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from timeline.cli.common import fail

if TYPE_CHECKING:
    from ingest.temporal.model import Timex


def _parse_dct(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"--dct {value!r} is not a valid date (expected YYYY-MM-DD)", 2)


def timex(
    text: str | None = typer.Argument(None, help="The text to tag."),
    dct: str | None = typer.Option(
        None,
        "--dct",
        metavar="DATE",
        help="Document creation date (YYYY-MM-DD) that relative expressions resolve against; "
        "without it they stay unresolved.",
    ),
    jsonl: tuple[Path, Path] | None = typer.Option(
        None,
        "--jsonl",
        help="Tag a scorer export file IN ({doc, dct, text} per line) into OUT "
        "({doc, timexes} per line).",
        metavar="IN OUT",
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print {dct, timexes: [{text, begin, end, type, value, ...}]}."
    ),
) -> None:
    """Find and resolve the time expressions (TIMEX3) of TEXT, or of every line of a JSONL file."""
    from ingest.temporal import tag
    from ingest.temporal.jsonl import JsonlError, tag_jsonl

    day = _parse_dct(dct)
    if jsonl is not None:
        if text is not None:
            fail("give either TEXT or --jsonl IN OUT, not both", 2)
        src, out = jsonl
        try:
            count = tag_jsonl(src, out)
        except JsonlError as exc:
            fail(f"{src}: {exc}")
        except OSError as exc:
            fail(f"cannot read {src} or write {out}: {exc.strerror or exc}")
        # A plain line: loading rich for it would cost more than tagging a small file.
        typer.echo(f"{count} documents tagged into {out}", err=True)
        return
    if text is None:
        fail("give TEXT to tag (with --dct YYYY-MM-DD), or --jsonl IN OUT", 2)
    timexes = tag(text, day)
    if as_json:
        doc = {"dct": day.isoformat() if day else None, "timexes": [_as_dict(t) for t in timexes]}
        typer.echo(json.dumps(doc, ensure_ascii=False, indent=1))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Time expressions (DCT {day.isoformat() if day else 'unknown'})")
    for column in ("text", "type", "value", "span", "mod"):
        table.add_column(column)
    for t in timexes:
        if t.span_start is None:
            span = "-"
        elif t.span_start == t.span_end:
            span = t.span_start.isoformat()
        else:
            span = f"{t.span_start.isoformat()} .. {t.span_end.isoformat() if t.span_end else ''}"
        table.add_row(t.text, t.type, t.value, span, t.mod or "")
    Console().print(table)


def _as_dict(t: Timex) -> dict[str, object]:
    """A time expression as JSON: offsets into TEXT, TIMEX3 type/value, the days it covers."""
    return {
        "text": t.text,
        "begin": t.begin,
        "end": t.end,
        "type": t.type,
        "value": t.value,
        "mod": t.mod,
        "granularity": t.granularity,
        "span_start": t.span_start.isoformat() if t.span_start else None,
        "span_end": t.span_end.isoformat() if t.span_end else None,
    }


def register(app: typer.Typer) -> None:
    """Add the `timex` command to the main app."""
    app.command("timex")(timex)
