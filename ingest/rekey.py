"""Re-file every stored event under this version's coreference search keys.

An event is found again by the keys of its mentions (`coref.search_keys`: trigger roots,
names, types, verb senses), written when the event changes. A version that adds keys (the
verb-synonym keys "s:collar.v.01") leaves the events stored before it under the old ones, so a
new report would not find an old event through them; `eventline db rekey` writes every
event's keys again from its sources' stored mention views. Nothing else changes.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from ingest import coref
from timeline.store import events

BATCH = 500


def rekey_events(engine: Engine, *, batch: int = BATCH) -> int:
    """Write every event's search keys again; returns how many events have keys. One
    transaction per batch of events, so a long pass over a big store can be interrupted and
    run again (it is idempotent)."""
    filed, after = 0, 0
    while True:
        with Session(engine) as session:
            page = events.event_spans_after(session=session, after_id=after, limit=batch)
            if not page:
                return filed
            stored = events.sources_of(session=session, event_ids=[e for e, _, _ in page])
            for event_id, start, end in page:
                keys = coref.filed_keys(s.coref for s in stored[event_id])
                if keys:  # events stored before mention views keep what they have
                    events.set_event_keys(
                        session=session, event_id=event_id, keys=keys, start=start, end=end
                    )
                    filed += 1
            session.commit()
            after = page[-1][0]
