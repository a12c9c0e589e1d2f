"""`eventline stories` and `eventline summary`: thin commands over timeline.story,
timeline.stories and timeline.summary."""

from __future__ import annotations

import json
import sys
from enum import StrEnum

import typer

from timeline.cli.common import engine_from_settings, err_console, fail, parse_day
from timeline.cli.events import FROM_HELP, TO_HELP, _output


class ListFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


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
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if start and end and start > end:
        fail(f"the range starts after it ends ({start} > {end})", 2)
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
    with _output():
        if fmt is ListFormat.json:
            json.dump(stories_to_dict(found), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif fmt is ListFormat.md:
            write_stories_markdown(found, sys.stdout)
        else:
            write_stories_text(found, sys.stdout)


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
    start, end = parse_day(date_from, "--from"), parse_day(date_to, "--to")
    if start and end and start > end:
        fail(f"the range starts after it ends ({start} > {end})", 2)
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
    with _output():
        if fmt is ListFormat.json:
            json.dump(summary_to_dict(result), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif fmt is ListFormat.md:
            write_summary_markdown(result, sys.stdout)
        else:
            write_summary_text(result, sys.stdout)


def register(app: typer.Typer) -> None:
    """Add `stories` and `summary` to the main command."""
    app.command("stories")(stories)
    app.command("summary")(summary)
