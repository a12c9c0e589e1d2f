"""Entry point of the `eventline` command: builds the typer app from the command modules.

Loading this module costs typer alone: every command module imports its heavy dependencies
(SQLAlchemy, pydantic, rich, ingest) inside the command, so `eventline --help`, `--version`
and shell completion answer in a few tens of milliseconds.
"""

from __future__ import annotations

import typer

from timeline.cli import config as cmd_config
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
    # `eventline --install-completion` / `--show-completion` (bash, zsh, fish, PowerShell).
    add_completion=True,
    # Plain click help: flags show no `<bool>`, usage fits 80 columns, rich is not loaded.
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"eventline {version('eventline')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Turn news articles into a dated, de-duplicated event timeline."""


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
    cmd_config,
):
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
