"""What every command shares: the store from settings, clear errors, date options."""

from __future__ import annotations

import logging
import sys
from datetime import date
from typing import NoReturn

import typer
from rich.console import Console
from sqlalchemy.engine import Engine

from config.settings import get_settings

err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """Print `Error: message` on stderr and exit: users see a reason, never a traceback."""
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def engine_from_settings() -> Engine:
    """The migrated store named by EVENTLINE_DATABASE_URL (a new database upgrades itself)."""
    from timeline.store.engine import StoreError, open_store

    settings = get_settings()
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr)
    try:
        return open_store(settings.database_url)
    except StoreError as exc:
        fail(str(exc))


def parse_day(value: str | None, option: str) -> date | None:
    """An ISO date option, or a clear error naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a valid date (expected YYYY-MM-DD)", 2)
