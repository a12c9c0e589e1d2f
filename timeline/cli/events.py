"""`eventline events`, `eventline log`, `eventline story`: thin commands over timeline.store.query,
timeline.story and timeline.export."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from timeline.cli.common import engine_from_settings, err_console, fail, parse_day

if TYPE_CHECKING:
    from timeline.store.query import EventFilter, EventView


class EventFormat(StrEnum):
    table = "table"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"
    timelinejs = "timelinejs"
    ics = "ics"


class LogFormat(StrEnum):
    text = "text"
    md = "md"


class StoryFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


WIDE_COLUMNS = 120  # from this terminal width on, the table has room for the actors column
TABLE_ROWS = 500  # a terminal table longer than this helps nobody; the other formats stream
FROM_HELP = "Only events overlapping the range from this day on (YYYY-MM-DD)."
TO_HELP = "Only events overlapping the range up to this day, inclusive (YYYY-MM-DD)."


@contextmanager
def _output() -> Iterator[None]:
    """`eventline events | head` ends quietly when the reader closes the pipe."""
    try:
        yield
        sys.stdout.flush()
    except BrokenPipeError:
        # Point stdout at /dev/null so the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(0) from None


ALL_HELP = (
    "Every event, also the clause-level mentions the default view leaves out (it shows each "
    "sentence's main happening, the headline and lead, dated and multi-source events)."
)


def _filter(
    date_from: str | None,
    date_to: str | None,
    actor: str | None = None,
    type_: str | None = None,
    query: str | None = None,
    everything: bool = False,
) -> EventFilter:
    from timeline.store.query import EventFilter, QueryError

    try:
        filters = EventFilter.build(
            start=parse_day(date_from, "--from"),
            end=parse_day(date_to, "--to"),
            actor=actor,
            type=type_,
            text=query,
            everything=everything,
        )
    except QueryError as exc:
        fail(str(exc), 2)
    if filters.types:
        from ingest.lexicon import event_types

        known = event_types()
        unknown = [t for t in filters.types if t not in known]
        if unknown:
            fail(f"unknown event type {', '.join(unknown)}; known types: {', '.join(known)}", 2)
    return filters


def events(
    date_from: str | None = typer.Option(None, "--from", help=FROM_HELP, metavar="DATE"),
    date_to: str | None = typer.Option(None, "--to", help=TO_HELP, metavar="DATE"),
    actor: str | None = typer.Option(
        None, "--actor", "-a", help="Actor name or alias.", metavar="NAME"
    ),
    type_: str | None = typer.Option(
        None, "--type", "-t", help="Event type, e.g. CEASEFIRE (several: A,B).", metavar="TYPE"
    ),
    query: str | None = typer.Option(
        None, "--query", "-q", help='Words (or "phrases") in the title or a quote.', metavar="WORDS"
    ),
    limit: int | None = typer.Option(
        None,
        "--limit",
        "-n",
        min=1,
        metavar="N",
        help=f"At most N events (table: {TABLE_ROWS} by default).",
    ),
    fmt: EventFormat = typer.Option(EventFormat.table, "--format", "-f", help="Output format."),
    everything: bool = typer.Option(False, "--all", help=ALL_HELP),
    wide: bool = typer.Option(
        False, "--wide", "-w", help="Table: whole titles and the actors column."
    ),
    updated_since: str | None = typer.Option(
        None,
        "--updated-since",
        metavar="TIME",
        help="Only what changed after TIME (ISO 8601, UTC if no offset), with the events "
        "merged away since (tombstones): incremental sync.",
    ),
) -> None:
    """List events overlapping a date range, in date order (undated last).

    The table shows one line per event (titles cut to the terminal's width; the actors column
    from 120 columns on); --wide prints whole titles and actors, --format json everything.
    """
    if updated_since is not None:
        if any(v is not None for v in (date_from, date_to, actor, type_, query)):
            fail("--updated-since returns every change; it takes no other filter", 2)
        _print_changes(_parse_time(updated_since), fmt=fmt, limit=limit, wide=wide)
        return
    filters = _filter(date_from, date_to, actor, type_, query, everything)
    from timeline.store.engine import connection_scope
    from timeline.store.query import MAX_LIMIT, iter_events

    # A plain connection: listing events needs neither SQLModel nor the ORM (start-up time).
    with connection_scope(engine_from_settings()) as session, _output():
        cap = limit or (TABLE_ROWS + 1 if fmt is EventFormat.table else None)
        batch = min(cap or MAX_LIMIT, MAX_LIMIT)
        linked = fmt in (EventFormat.json, EventFormat.jsonl)  # the API's shape, links included
        stream = iter_events(session=session, filters=filters, batch=batch, with_links=linked)
        views = _take(stream, cap)
        if fmt is EventFormat.table:
            rows = list(views)
            _print_table(rows[:TABLE_ROWS] if limit is None else rows, wide=wide)
            if limit is None and len(rows) > TABLE_ROWS:
                err_console.print(
                    f"showing the first {TABLE_ROWS} events: narrow with --from/--to/--query, "
                    "or use --limit N or --format jsonl for all",
                    style="yellow",
                    highlight=False,
                )
        elif linked:
            from timeline.export import write_json, write_jsonl

            writer = write_json if fmt is EventFormat.json else write_jsonl
            writer(views, sys.stdout, links=True)
        else:
            from timeline.export import WRITERS

            WRITERS[fmt.value](views, sys.stdout)


def _parse_time(value: str) -> datetime:
    """An ISO 8601 moment (a bare date is its midnight); naive means UTC."""
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        fail(f"--updated-since {value!r} is not an ISO 8601 time (e.g. 2025-04-21T12:00:00Z)", 2)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _print_changes(since: datetime, *, fmt: EventFormat, limit: int | None, wide: bool) -> None:
    """Changed events (in the order they changed) and tombstones, every page of them."""
    from timeline.export import write_jsonl
    from timeline.serialize import event_to_dict
    from timeline.store.engine import connection_scope
    from timeline.store.sync import Tombstone, changes_since

    if fmt not in (EventFormat.table, EventFormat.json, EventFormat.jsonl):
        fail("--updated-since works with --format table, json or jsonl", 2)
    changed: list[EventView] = []
    gone: list[Tombstone] = []
    cursor: str | None = None
    with connection_scope(engine_from_settings()) as session:
        while True:
            page = changes_since(session=session, since=since, limit=500, cursor=cursor)
            changed += page.events
            gone += page.tombstones
            cursor = page.next_cursor
            if cursor is None or (limit is not None and len(changed) >= limit):
                break
    changed = changed[:limit] if limit is not None else changed
    tombstones = [
        {"id": t.id, "merged_into": t.merged_into, "removed_at": t.removed_at.isoformat()}
        for t in gone
    ]
    with _output():
        if fmt is EventFormat.json:
            doc = {"events": [event_to_dict(v, links=True) for v in changed]}
            json.dump({**doc, "tombstones": tombstones}, sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif fmt is EventFormat.jsonl:
            write_jsonl(changed, sys.stdout, links=True)
            for t in tombstones:
                sys.stdout.write(json.dumps({"tombstone": True, **t}) + "\n")
        else:
            _print_table(changed, wide=wide)
            for grave in gone:
                into = f"merged into #{grave.merged_into}" if grave.merged_into else "removed"
                typer.echo(f"#{grave.id} {into} at {grave.removed_at:%Y-%m-%d %H:%M:%S}Z")


def _take(views: Iterator[EventView], limit: int | None) -> Iterator[EventView]:
    for n, view in enumerate(views):
        if limit is not None and n >= limit:
            return
        yield view


def _print_table(views: list[EventView], *, wide: bool = False) -> None:
    """One line per event, cut to the terminal's width; `wide` prints everything."""
    from timeline.serialize import date_label, sentences

    width = _terminal_width()
    show_actors = wide or width >= WIDE_COLUMNS
    names = ["id", "date", "type", "title", "actors", "src"]
    rows = [
        [
            str(v.id),
            date_label(v),
            v.type,
            v.title,
            ", ".join(v.actors),
            str(len(sentences(v.sources))),
        ]
        for v in views
    ]
    if not show_actors:
        names.pop(4)
        for r in rows:
            r.pop(4)
    fit = [max([len(n), *(len(r[i]) for r in rows)]) for i, n in enumerate(names)]
    if wide:
        _print_wrapped_table(names, rows, fit)
    else:  # the title and actors share what the fixed columns leave
        free = width - 2 * (len(names) - 1) - sum(fit) + fit[3] + (fit[4] if show_actors else 0)
        fit[3] = max(20, (free * 3) // 4 if show_actors else free)
        if show_actors:
            fit[4] = max(10, free - fit[3])
        right = [name in ("id", "src") for name in names]
        header = "  ".join(cut_cell(n, w, r) for n, w, r in zip(names, fit, right, strict=True))
        typer.echo(typer.style(header, bold=True, underline=True))
        for row in rows:
            cells = [cut_cell(c, w, r) for c, w, r in zip(row, fit, right, strict=True)]
            typer.echo("  ".join([typer.style(cells[0], dim=True), *cells[1:]]))
    typer.echo(typer.style(f"{len(views)} events", dim=True))


def _terminal_width() -> int:
    """COLUMNS, else the width of the first standard stream that is a terminal, else 80:
    what rich's Console uses, so `events | less` still fits the terminal it is shown in."""
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        return int(columns) or 80
    for fd in (0, 1, 2):
        try:
            return os.get_terminal_size(fd).columns or 80
        except (AttributeError, ValueError, OSError):  # not a terminal
            continue
    return 80


def _cells(char: str) -> int:
    """Terminal cells of one character: 2 for East Asian wide, 0 for combining marks."""
    import unicodedata

    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cut_cell(text: str, width: int, right: bool = False) -> str:
    """`text` in exactly `width` cells: padded, or cut with an ellipsis (as rich cuts it).

    Example: cut_cell("Failed Easter truce", 10) == "Failed Ea…"."""
    text = text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
    if text.isascii():  # one cell per character: no per-character look-up
        used = len(text)
        if used > width:
            text, used = text[: max(width - 1, 0)] + "…", width
        return " " * (width - used) + text if right else text + " " * (width - used)
    used = sum(_cells(c) for c in text)
    if used > width:
        kept: list[str] = []
        used = 0
        for char in text:
            if used + _cells(char) > width - 1:
                break
            kept.append(char)
            used += _cells(char)
        text = "".join(kept) + " " * (width - 1 - used) + "…"
        used = width
    pad = " " * (width - used)
    return pad + text if right else text + pad


def _print_wrapped_table(names: list[str], rows: list[list[str]], fit: list[int]) -> None:
    """--wide: whole titles and actors, wrapped inside their columns (rich lays that out)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False, header_style="bold underline")
    for i, name in enumerate(names):
        flexible = name in ("title", "actors")
        table.add_column(
            name,
            justify="right" if name in ("id", "src") else "left",
            style="dim" if name == "id" else None,
            no_wrap=not flexible,
            overflow="fold",
            width=None if flexible else fit[i],
        )
    for r in rows:
        table.add_row(*(escape(c) for c in r))
    Console().print(table)


def log(
    date_from: str | None = typer.Option(None, "--from", help=FROM_HELP, metavar="DATE"),
    date_to: str | None = typer.Option(None, "--to", help=TO_HELP, metavar="DATE"),
    fmt: LogFormat = typer.Option(LogFormat.text, "--format", "-f", help="Output format."),
    everything: bool = typer.Option(False, "--all", help=ALL_HELP),
) -> None:
    """The dated event log: grouped by day, each event with its sources.

    Dates show their precision: 2025-04 (month), 2025-W17 (week), ~2025-04-21 (inferred).
    """
    filters = _filter(date_from, date_to, everything=everything)
    from timeline.export import write_log_text, write_markdown
    from timeline.store.engine import connection_scope
    from timeline.store.query import iter_events

    with connection_scope(engine_from_settings()) as session, _output():
        views = iter_events(session=session, filters=filters)
        if fmt is LogFormat.md:
            write_markdown(views, sys.stdout)
        else:
            write_log_text(views, sys.stdout)


def story(
    query: str = typer.Argument(..., help='The topic, e.g. "Easter truce", or a story id: #12.'),
    hops: int = typer.Option(
        2, "--hops", min=0, max=6, metavar="N", help="Links followed from the matches."
    ),
    fmt: StoryFormat = typer.Option(StoryFormat.text, "--format", "-f", help="Output format."),
) -> None:
    """Reconstruct the chain of events around a topic, following the links between them
    (connectives and the links the story model inferred); `#12` prints stored story 12."""
    if not query.strip():
        fail("the story query is empty", 2)
    from timeline.export import story_to_dict, write_story_markdown, write_story_text
    from timeline.store.engine import session_scope
    from timeline.story import build_story, stored_story, story_id_of

    with session_scope(engine_from_settings()) as session:
        ident = story_id_of(query)
        if ident is not None:
            found = stored_story(session=session, story_id=ident)
            if found is None:
                fail(f"no story #{ident} (see `eventline stories`)")
            result = found
        else:
            result = build_story(session=session, query=query, hops=hops)
    with _output():
        if fmt is StoryFormat.json:
            json.dump(story_to_dict(result), sys.stdout, ensure_ascii=False, indent=1)
            sys.stdout.write("\n")
        elif fmt is StoryFormat.md:
            write_story_markdown(result, sys.stdout)
        else:
            write_story_text(result, sys.stdout)
    if not result.steps:
        fail(f"no events match {query!r}")


def register(app: typer.Typer) -> None:
    """Add `events`, `log` and `story` to the main command."""
    app.command("events")(events)
    app.command("log")(log)
    app.command("story")(story)
