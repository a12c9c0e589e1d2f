"""Entry point of the `eventline` command: builds the typer app from the command modules."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="eventline",
    help="Turn news articles into a dated, de-duplicated event timeline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module adds its commands through `register(app)`; the list is the CLI's table of contents.
COMMAND_MODULES = ("ingest", "events", "timex", "feeds", "schedule", "serve", "db")
for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"timeline.cli.{_name}")
    except ModuleNotFoundError as _exc:  # a command module still being written
        if _exc.name != f"timeline.cli.{_name}":
            raise
        continue
    _module.register(app)


def main() -> None:
    """Console-script entry point."""
    app()
