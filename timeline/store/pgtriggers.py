"""Postgres row triggers that keep a derived table in step (`eventtext`, `actorevent`).

A trigger is (name, table, events, condition); its function is named after it without the
last part (`eventtext_event_ai` runs `eventtext_event()`), so a table's insert, update and
delete triggers share one function."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

RowTrigger = tuple[str, str, str, str | None]  # name, table, "INSERT OR UPDATE OF x", WHEN


def create_row_triggers(
    conn: Connection, functions: Sequence[str], triggers: Sequence[RowTrigger]
) -> None:
    """Create the trigger functions (their full DDL), then one AFTER ... FOR EACH ROW trigger
    per entry."""
    for ddl in functions:
        conn.execute(text(ddl))
    for name, table_name, what, condition in triggers:
        when = f"WHEN ({condition}) " if condition else ""
        function = name.rsplit("_", 1)[0]  # eventtext_event_ai -> eventtext_event()
        conn.execute(
            text(
                f"CREATE TRIGGER {name} AFTER {what} ON {table_name} FOR EACH ROW "
                f"{when}EXECUTE FUNCTION {function}()"
            )
        )


def drop_row_triggers(conn: Connection, triggers: Sequence[RowTrigger]) -> None:
    for name, table_name, _what, _condition in triggers:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name} ON {table_name}"))
