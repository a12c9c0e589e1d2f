"""`eventline stories` and `eventline summary`: thin commands over timeline.story,
timeline.stories and timeline.summary."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from typing import Any, TextIO, TypeVar

import typer

from timeline.cli.common import engine_from_settings, err_console, fail, parse_day
from timeline.cli.events import FROM_HELP, TO_HELP, _output

T = TypeVar("T")


class ListFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


def _range(date_from: str | None, date_to: str | None) -> tuple[date | None, date | None]:
    """--from and --to as dates, or a usage error."""
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if start and end and start > end:
        fail(f"the range starts after it ends ({start} > {end})", 2)
    return start, end


def _emit(
    fmt: ListFormat,
    result: T,
    to_dict: Callable[[T], dict[str, Any]],
    text: Callable[[T, TextIO], None],
    markdown: Callable[[T, TextIO], None],
) -> None:
    """Print `result` in the chosen format."""
    with _output():
        if fmt is ListFormat.json:
            json.dump(to_dict(result), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        else:
            (markdown if fmt is ListFormat.md else text)(result, sys.stdout)


def stories(
    date_from: str | None = typer.Option(None, "--from", help=FROM_HELP, metavar="DATE"),
    date_to: str | None = typer.Option(None, "--to", help=TO_HELP, metavar="DATE"),
    query: str | None = typer.Option(
        None, "--query", "-q", metavar="WORDS", help="Only stories about these words or this actor."
    ),
    min_events: int = typer.Option(
        2, "--min-events", min=1, metavar="N", help="Smallest story shown."
    ),
    limit: int = typer.Option(
        100, "--limit", "-n", min=1, max=1000, metavar="N", help="At most N stories."
    ),
    rebuild: bool = typer.Option(
        False, "--rebuild", help="Recompute every story first (stores from before stories)."
    ),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """List the stories: events grouped across days and outlets, latest first."""
    start, end = _range(date_from, date_to)
    from timeline.export_stories import (
        stories_to_dict,
        write_stories_markdown,
        write_stories_text,
    )
    from timeline.store.engine import session_scope
    from timeline.stories.update import rebuild_stories
    from timeline.story import list_stories

    with session_scope(engine_from_settings()) as session:
        if rebuild:
            count = rebuild_stories(session=session)
            err_console.print(f"rebuilt {count} stories", style="dim", highlight=False)
        found = list_stories(
            session=session,
            start=start,
            end=end,
            query=query,
            min_events=min_events,
            limit=limit,
        )
    _emit(fmt, found, stories_to_dict, write_stories_text, write_stories_markdown)


def summary(
    date_from: str | None = typer.Option(None, "--from", help=FROM_HELP, metavar="DATE"),
    date_to: str | None = typer.Option(None, "--to", help=TO_HELP, metavar="DATE"),
    story: str | None = typer.Option(
        None,
        "--story",
        "-s",
        metavar="ID|QUERY",
        help="Only this story: its id (#12) or a topic query.",
    ),
    dates: int | None = typer.Option(
        None,
        "--dates",
        "-k",
        min=1,
        max=366,
        metavar="K",
        help="How many dates (default: from the scores).",
    ),
    fmt: ListFormat = typer.Option(ListFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """The summary timeline: the most important dates and the top events of each."""
    start, end = _range(date_from, date_to)
    from timeline.export_stories import (
        summary_to_dict,
        write_summary_markdown,
        write_summary_text,
    )
    from timeline.store.engine import session_scope
    from timeline.story import story_events
    from timeline.summary import summarise

    with session_scope(engine_from_settings()) as session:
        event_ids = None
        if story is not None:
            event_ids = story_events(session=session, ref=story)
            if event_ids is None:
                fail(f"no story matches {story!r}")
        result = summarise(session=session, start=start, end=end, event_ids=event_ids, dates=dates)
    _emit(fmt, result, summary_to_dict, write_summary_text, write_summary_markdown)


def register(app: typer.Typer) -> None:
    """Add `stories` and `summary` to the main command."""
    app.command("stories")(stories)
    app.command("summary")(summary)
