"""What every command shares: settings and the store with one-line errors, date options.

Start-up speed matters (`eventline --help` should not load SQLAlchemy, pydantic or rich), so
this module imports only typer at load time; everything heavy is imported where it is used.
"""

from __future__ import annotations

import logging
import sys
from datetime import date
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.engine import Engine

    from config.settings import Settings


class _LazyConsole:
    """A rich Console on stderr, built on first use (rich costs ~50 ms to import)."""

    _console: Console | None = None

    def print(self, *args: Any, **kwargs: Any) -> None:
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        self._console.print(*args, **kwargs)


err_console = _LazyConsole()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `Error: message` on stderr and exit: users see a reason, never a traceback."""
    typer.secho("Error:", fg="red", bold=True, err=True, nl=False)
    typer.echo(f" {message}", err=True)
    raise typer.Exit(code)


def load_settings() -> Settings:
    """The process settings, or one line naming the bad variable (`EVENTLINE_X=...: why`)."""
    from config.settings import SettingsError, get_settings

    try:
        loaded = get_settings()
    except SettingsError as exc:
        fail(str(exc))
    logging.basicConfig(level=loaded.log_level, stream=sys.stderr)
    return loaded


def engine_from_settings() -> Engine:
    """The migrated store named by EVENTLINE_DATABASE_URL (a new database upgrades itself)."""
    from timeline.store.engine import StoreError, open_store

    try:
        return open_store(load_settings().database_url)
    except StoreError as exc:
        fail(str(exc))


def parse_day(value: str | None, option: str) -> date | None:
    """An ISO date option, or a clear error naming the option (a usage error: exit 2)."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a valid date (expected YYYY-MM-DD)", 2)
