"""Entry point of the `eventline` command: builds the typer app from the command modules."""

from __future__ import annotations

import typer

from timeline.cli import db as cmd_db
from timeline.cli import events as cmd_events
from timeline.cli import feeds as cmd_feeds
from timeline.cli import ingest as cmd_ingest
from timeline.cli import schedule as cmd_schedule
from timeline.cli import serve as cmd_serve
from timeline.cli import stories as cmd_stories
from timeline.cli import timex as cmd_timex

app = typer.Typer(
    name="eventline",
    help="Turn news articles into a dated, de-duplicated event timeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module adds its commands through `register(app)`; this is the CLI's table of contents.
for _module in (
    cmd_ingest,
    cmd_events,
    cmd_stories,
    cmd_timex,
    cmd_feeds,
    cmd_schedule,
    cmd_serve,
    cmd_db,
):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
