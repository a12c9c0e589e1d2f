"""The stories' word index: which main dated events hold a word, by precision and start.

A story update looks for the events near an article's events that share topic words with
them. Reading and stemming the document of every event of the days around them (~13k at 1M
events, to find a dozen) was nearly all of a story update's CPU; `eventword` answers it as
a bounded range per word instead (word = ? AND precision = ? AND start BETWEEN lo AND hi,
closed per precision by the longest span, as `stories._near` closes its date ranges).

Rows: for every main dated event, each stem of its title and quotes (`event_words`: the
stems of `document_stems`, of three letters or more, so every topic word the model can give
the event is among them, whatever its participants or the stop list), with the event's
precision, start and end. Stemming is Python, so the database cannot keep the rows itself:
triggers on `event` (insert; a change of title, dates, precision or `main`) and
`eventsource` (insert, delete, a change of quote or event) list the event in
`eventwordstale`, whoever writes (the WorkSet flush, merges, moves, re-dating, sync), and
`catch_up` rewrites the rows of the listed events in bulk before the index is read, in the
reader's transaction. A deleted event's rows go with it (trigger).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlmodel import col

from timeline.store.engine import connection_of
from timeline.store.models import Event, EventSource
from timeline.store.pgtriggers import create_row_triggers, drop_row_triggers
from timeline.store.spans import longest_spans
from timeline.stories.model import document_stems

if TYPE_CHECKING:
    from timeline.store.engine import Reader

_metadata = MetaData()  # the migration (0013) owns the schema
event_word = Table(
    "eventword",
    _metadata,
    Column("word", String, primary_key=True),
    Column("precision", String(16), primary_key=True),
    Column("start", Date, primary_key=True),
    Column("event_id", Integer, primary_key=True),
    Column("stop", Date, nullable=False),  # coalesce(end, start)
)
event_word_stale = Table("eventwordstale", _metadata, Column("event_id", Integer, primary_key=True))

CHUNK = 500  # events rewritten per round
FILL_CHUNK = 20_000  # events per round of `fill`
MIN_STEM = 3  # a topic word has three letters or more (`topic_words`), and so has its stem
SEPARATOR = "\x1f"  # between title and quotes: no word spans it

_CHANGED = (
    'old.title IS NOT new.title OR old.start IS NOT new.start OR old."end" IS NOT '
    'new."end" OR old.precision IS NOT new.precision OR old.main IS NOT new.main'
)
SQLITE_TRIGGERS = (
    ("eventword_event_ai", "AFTER INSERT ON event BEGIN INSERT OR IGNORE INTO eventwordstale "
     "(event_id) VALUES (new.id); END"),
    ("eventword_event_au", f"AFTER UPDATE ON event WHEN old.id IS NOT new.id OR {_CHANGED} "
     "BEGIN INSERT OR IGNORE INTO eventwordstale (event_id) VALUES (old.id); INSERT OR IGNORE "
     "INTO eventwordstale (event_id) VALUES (new.id); END"),
    ("eventword_event_ad", "AFTER DELETE ON event BEGIN DELETE FROM eventword WHERE event_id = "
     "old.id; DELETE FROM eventwordstale WHERE event_id = old.id; END"),
    ("eventword_source_ai", "AFTER INSERT ON eventsource BEGIN INSERT OR IGNORE INTO "
     "eventwordstale (event_id) VALUES (new.event_id); END"),
    ("eventword_source_ad", "AFTER DELETE ON eventsource BEGIN INSERT OR IGNORE INTO "
     "eventwordstale (event_id) VALUES (old.event_id); END"),
    ("eventword_source_au", "AFTER UPDATE OF event_id, quote ON eventsource WHEN old.event_id "
     "IS NOT new.event_id OR old.quote IS NOT new.quote BEGIN INSERT OR IGNORE INTO "
     "eventwordstale (event_id) VALUES (old.event_id); INSERT OR IGNORE INTO eventwordstale "
     "(event_id) VALUES (new.event_id); END"),
)  # fmt: skip

PG_FUNCTIONS = (
    """CREATE OR REPLACE FUNCTION eventword_event() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM eventword WHERE event_id = OLD.id;
        DELETE FROM eventwordstale WHERE event_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        INSERT INTO eventwordstale (event_id) VALUES (OLD.id) ON CONFLICT DO NOTHING;
    END IF;
    INSERT INTO eventwordstale (event_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
    """CREATE OR REPLACE FUNCTION eventword_source() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        INSERT INTO eventwordstale (event_id) VALUES (OLD.event_id) ON CONFLICT DO NOTHING;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO eventwordstale (event_id) VALUES (NEW.event_id) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql""",
)
PG_TRIGGERS = (
    ("eventword_event_ai", "event", "INSERT", None),
    ("eventword_event_ad", "event", "DELETE", None),
    ("eventword_event_au", "event", 'UPDATE OF id, title, start, "end", precision, main',
     'OLD.id <> NEW.id OR OLD.title IS DISTINCT FROM NEW.title OR OLD.start IS DISTINCT FROM '
     'NEW.start OR OLD."end" IS DISTINCT FROM NEW."end" OR OLD.precision IS DISTINCT FROM '
     "NEW.precision OR OLD.main IS DISTINCT FROM NEW.main"),
    ("eventword_source_ai", "eventsource", "INSERT", None),
    ("eventword_source_ad", "eventsource", "DELETE", None),
    ("eventword_source_au", "eventsource", "UPDATE OF event_id, quote",
     "OLD.event_id <> NEW.event_id OR OLD.quote IS DISTINCT FROM NEW.quote"),
)  # fmt: skip


def event_words(title: str | None, quotes: Iterable[str]) -> frozenset[str]:
    """The stems an event is indexed under: those of its document (title and quotes) long
    enough to be a topic word. The document is lower-cased here, in Python, as the model
    lower-cases it (Postgres's own lower() may fold a character otherwise)."""
    document = SEPARATOR.join([title or "", *quotes]).lower()
    return frozenset(s for s in document_stems(document) if len(s) >= MIN_STEM)


def install(conn: Connection) -> None:
    """Create the triggers and write every event's rows (the tables come from migration
    0013; a bulk load drops the triggers and calls this once after)."""
    uninstall(conn)
    if conn.dialect.name == "postgresql":
        create_row_triggers(conn, PG_FUNCTIONS, PG_TRIGGERS)
    else:
        for name, body in SQLITE_TRIGGERS:
            conn.execute(text(f"CREATE TRIGGER {name} {body}"))
    fill(conn)


def uninstall(conn: Connection) -> None:
    """Drop the triggers (the rows stay, and are rewritten by `install`)."""
    if conn.dialect.name == "postgresql":
        drop_row_triggers(conn, PG_TRIGGERS)
        for function in ("eventword_event()", "eventword_source()"):
            conn.execute(text(f"DROP FUNCTION IF EXISTS {function}"))
        return
    for name, _body in SQLITE_TRIGGERS:
        conn.execute(text(f"DROP TRIGGER IF EXISTS {name}"))


def fill(conn: Connection) -> None:
    """Rewrite the whole index from the stored events, FILL_CHUNK events at a time by id."""
    conn.execute(delete(event_word))
    conn.execute(delete(event_word_stale))
    top = conn.execute(select(col(Event.id)).order_by(col(Event.id).desc()).limit(1)).scalar()
    for lo in range(0, (top or 0) + 1, FILL_CHUNK):
        ids = col(Event.id).between(lo, lo + FILL_CHUNK - 1)
        quoted = col(EventSource.event_id).between(lo, lo + FILL_CHUNK - 1)
        _insert(conn, _rows(conn, ids, quoted))


def catch_up(conn: Connection) -> None:
    """Rewrite the rows of the events listed stale, and clear the list: after it the index
    holds exactly `event_words` of every main dated event."""
    stale = [r[0] for r in conn.execute(select(event_word_stale.c.event_id))]
    for chunk in _chunks(sorted(stale)):
        conn.execute(delete(event_word).where(event_word.c.event_id.in_(chunk)))
        rows = _rows(conn, col(Event.id).in_(chunk), col(EventSource.event_id).in_(chunk))
        _insert(conn, rows)
        conn.execute(delete(event_word_stale).where(event_word_stale.c.event_id.in_(chunk)))


def events_sharing(
    *, session: Reader, windows: Sequence[tuple[date, date]], words: Iterable[str]
) -> dict[int, tuple[date, date, frozenset[str]]]:
    """Main dated events overlapping one of `windows` whose documents hold one of `words`:
    id -> (start, end, the words of `words` it holds). Brings the index up to date first."""
    conn = connection_of(session)
    catch_up(conn)
    wanted = sorted(set(words))
    spans = longest_spans(session=conn)
    t = event_word
    # one row per event (its words joined by spaces, which no stem holds): the common words
    # of a window return an entry per event of it, grouped here in the database
    joined = (
        func.string_agg(t.c.word, " ")
        if conn.dialect.name == "postgresql"
        else func.group_concat(t.c.word, " ")
    )
    parts = []
    for lo, hi in windows:
        for precision, days in sorted(spans.items()):
            earliest = lo - timedelta(days=days) if lo.toordinal() > days else date.min
            for chunk in _chunks(wanted):
                parts.append(
                    select(t.c.event_id, t.c.start, t.c.stop, joined)
                    .where(
                        t.c.word.in_(chunk),
                        t.c.precision == precision,
                        t.c.start.between(earliest, hi),
                        t.c.stop >= lo,
                    )
                    .group_by(t.c.event_id, t.c.start, t.c.stop)
                )
    found: dict[int, tuple[date, date, set[str]]] = {}
    if not parts:
        return {}
    # one statement for every window and precision (an event comes once per window)
    for ident, start, stop, held in conn.execute(union_all(*parts)).all():
        found.setdefault(ident, (start, stop, set()))[2].update(held.split(" "))
    return {i: (start, stop, frozenset(got)) for i, (start, stop, got) in found.items()}


def _rows(conn: Connection, events_where: Any, quotes_where: Any) -> list[dict[str, Any]]:
    """The index rows of the main dated events matching `events_where` (their quotes read
    with `quotes_where`)."""
    events: Sequence[Any] = conn.execute(
        select(
            col(Event.id), col(Event.precision), col(Event.start), col(Event.end), col(Event.title)
        ).where(events_where, col(Event.start).is_not(None), col(Event.main).is_(True))
    ).all()
    if not events:
        return []
    quotes: dict[int, list[str]] = {}
    for ident, quote in conn.execute(
        select(col(EventSource.event_id), col(EventSource.quote)).where(quotes_where)
    ):
        quotes.setdefault(ident, []).append(quote)
    return [
        {"word": w, "precision": precision, "start": start, "event_id": ident,
         "stop": end or start}
        for ident, precision, start, end, title in events
        for w in sorted(event_words(title, quotes.get(ident, ())))
    ]  # fmt: skip


def _insert(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    if conn.dialect.name == "postgresql":  # a concurrent catch-up may have written them
        conn.execute(pg_insert(event_word).on_conflict_do_nothing(), rows)
    else:
        conn.execute(event_word.insert().prefix_with("OR IGNORE"), rows)


def _chunks(items: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]
