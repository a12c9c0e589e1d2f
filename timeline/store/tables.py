"""The tables the read side selects from, as SQLAlchemy Core tables.

`models.py` (SQLModel) is the schema; this module restates the columns that queries read, so
that reading needs neither SQLModel nor the ORM: importing them costs more CPU than all the
rest of `eventline events` on a small store. A test checks every column here against the
model's (name, type, nullability, primary key), so the two cannot drift apart; a column a
writer adds to a model does not need to appear here until a query reads it.

Example: `select(event.c.id).where(event.c.salient.is_(True))` is the same SQL as
`select(Event.id).where(Event.salient.is_(True))` on the model.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Integer, MetaData, String, Table, Text

metadata = MetaData()  # never used to create anything: the migrations own the schema

event = Table(
    "event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("start", Date),
    Column("end", Date),
    Column("precision", String(16), nullable=False),
    Column("date_inferred", Boolean, nullable=False),
    Column("type", String(32), nullable=False),
    Column("modality", String(16), nullable=False),
    Column("title", String(1024), nullable=False),
    Column("salient", Boolean, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

event_source = Table(
    "eventsource",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, nullable=False),
    Column("article_id", Integer, nullable=False),
    Column("sentence_index", Integer, nullable=False),
    Column("quote", Text, nullable=False),
    Column("time_text", String(256)),
    Column("time_value", String(64)),
    Column("trigger_text", String(256)),
    Column("trigger_start", Integer, nullable=False),
    Column("trigger_end", Integer, nullable=False),
    Column("agents", JSON),
    Column("patients", JSON),
    Column("places", JSON),
    Column("headline", Boolean, nullable=False),
    Column("lead", Boolean, nullable=False),
    Column("main", Boolean, nullable=False),
)

article = Table(
    "article",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("location", String(2048), nullable=False),
    Column("url", String(2048)),
    Column("title", String(1024)),
    Column("published", Date),
)

actor = Table(
    "actor",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(256), nullable=False),
    Column("kind", String(16), nullable=False),
)

actor_alias = Table(
    "actoralias",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("alias", String(256), nullable=False),
    Column("actor_id", Integer, nullable=False),
)

event_actor = Table(
    "eventactor",
    metadata,
    Column("event_id", Integer, primary_key=True),
    Column("actor_id", Integer, primary_key=True),
    Column("role", String(16), nullable=False),
)

event_link = Table(
    "eventlink",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, nullable=False),
    Column("target_id", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("origin", String(8), nullable=False),
)

event_span = Table(
    "eventspan",
    metadata,
    Column("precision", String(16), primary_key=True),
    Column("days", Integer, nullable=False),
)

event_tombstone = Table(
    "eventtombstone",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", Integer, nullable=False),
    Column("merged_into", Integer),
    Column("removed_at", DateTime(timezone=True), nullable=False),
)
