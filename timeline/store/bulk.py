"""Large loads: the store's derived structures dropped for the load and rebuilt once after.

Row by row, the triggers that keep `eventspan`, the text index and (on Postgres) the actors'
date index `actorevent` in step, and the trigram GIN index, cost more than the rows
themselves: a million events took 19 minutes into Postgres at 200k-event scale, mostly GIN
maintenance. Inside `bulk_load` they
are gone; at the end they are created again and filled from what is stored, in one pass
each (the same code the migrations run), so the store is exactly what row-by-row writes
would have left. Nothing else may write meanwhile: use it on a store no one else uses.

Example: `with engine.begin() as conn, bulk_load(conn): conn.execute(insert(event), rows)`
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection

from timeline.store import actordates, spans, storywords, textsearch


@contextmanager
def bulk_load(conn: Connection) -> Iterator[None]:
    """Drop the span triggers, the text index, the stories' word index and (Postgres) the
    actors' date index for the block, rebuild them after it."""
    spans.uninstall(conn)
    textsearch.uninstall(conn)
    actordates.uninstall(conn)
    storywords.uninstall(conn)
    yield
    spans.install(conn)
    textsearch.install(conn)
    actordates.install(conn)
    storywords.install(conn)
