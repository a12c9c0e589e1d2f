"""The longest event span per precision: what makes every date-overlap query two-sided.

`start <= hi AND end >= lo` alone is an open-ended range on the (start, end) index: the
database reads every event that starts before `hi`, so a week in 2025 costs more than a week
in 2017. An event of precision p that overlaps [lo, hi] also starts no earlier than
lo - longest_span(p), which closes the range. The `eventspan` table holds that longest span
per precision; triggers on `event` keep it in step on every insert and update, whoever
writes. It only grows (an edit that shortens an event leaves it conservative, never wrong);
`recompute` brings it back to the exact maximum.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.engine import Connection

from timeline.store.engine import connection_of
from timeline.store.tables import event_span

if TYPE_CHECKING:
    from timeline.store.engine import Reader

# Example: an event stored 2025-04-01..2025-04-03 with precision "day" makes
# eventspan("day") at least 2.
SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER eventspan_{when} AFTER {what} ON event
    WHEN new.start IS NOT NULL
    BEGIN
        INSERT INTO eventspan (precision, days)
        VALUES (new.precision,
                CAST(julianday(coalesce(new."end", new.start)) - julianday(new.start) AS INTEGER))
        ON CONFLICT (precision) DO UPDATE SET days = max(days, excluded.days);
    END
    """
    for when, what in (("ai", "INSERT"), ("au", 'UPDATE OF start, "end", precision'))
]

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION eventspan_keep() RETURNS trigger AS $$
BEGIN
    IF NEW.start IS NOT NULL THEN
        INSERT INTO eventspan (precision, days)
        VALUES (NEW.precision, coalesce(NEW."end", NEW.start) - NEW.start)
        ON CONFLICT (precision) DO UPDATE SET days = greatest(eventspan.days, excluded.days);
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""
POSTGRES_TRIGGER = """
CREATE TRIGGER eventspan_keep AFTER INSERT OR UPDATE OF start, "end", precision ON event
FOR EACH ROW EXECUTE FUNCTION eventspan_keep()
"""


def install(conn: Connection) -> None:
    """Create the triggers (the table comes from the migration) and fill the table.

    Call again after any migration that rebuilds the `event` table (SQLite batch mode drops
    a table's triggers with it).
    """
    if conn.dialect.name == "postgresql":
        conn.execute(text(POSTGRES_FUNCTION))
        conn.execute(text("DROP TRIGGER IF EXISTS eventspan_keep ON event"))
        conn.execute(text(POSTGRES_TRIGGER))
    else:
        for name in ("eventspan_ai", "eventspan_au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        for ddl in SQLITE_TRIGGERS:
            conn.execute(text(ddl))
    recompute(conn)


def uninstall(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER IF EXISTS eventspan_keep ON event"))
        conn.execute(text("DROP FUNCTION IF EXISTS eventspan_keep()"))
    else:
        for name in ("eventspan_ai", "eventspan_au"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def recompute(conn: Connection) -> None:
    """Set every precision's bound to the exact longest span stored (one scan of `event`)."""
    days = (
        'coalesce("end", start) - start'
        if conn.dialect.name == "postgresql"
        else 'CAST(julianday(coalesce("end", start)) - julianday(start) AS INTEGER)'
    )
    conn.execute(text("DELETE FROM eventspan"))
    conn.execute(
        text(
            f"INSERT INTO eventspan (precision, days) SELECT precision, max({days}) "
            "FROM event WHERE start IS NOT NULL GROUP BY precision"
        )
    )


def longest_spans(*, session: Reader) -> dict[str, int]:
    """Precision -> longest span in days, for every precision a dated event has."""
    rows = connection_of(session).execute(select(event_span.c.precision, event_span.c.days))
    return {p: d for p, d in rows}
