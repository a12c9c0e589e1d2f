"""SQLModel tables: what eventline stores.

Every table is created by the Alembic migrations in `timeline/store/migrations`, never by
`create_all`, so SQLite and Postgres databases evolve the same way.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timestamps are tz-aware UTC; one helper so tests can freeze it."""
    return datetime.now(UTC)


class Article(SQLModel, table=True):
    """One ingested article. `location` (path or URL) and `content_hash` are each unique, so
    re-ingesting the same file, the same URL or the same text under another name is a no-op."""

    id: int | None = Field(default=None, primary_key=True)
    location: str = Field(unique=True, max_length=2048)
    # The original web address when the article came from a file or feed that names one;
    # `location` stays the path or URL it was read from (what exports cite).
    url: str | None = Field(default=None, max_length=2048, index=True)
    content_hash: str = Field(unique=True, max_length=64)
    title: str | None = Field(default=None, max_length=1024)
    published: date | None = Field(default=None, index=True)
    published_source: str = Field(default="none", max_length=32)
    text: str = Field(sa_column=Column(Text, nullable=False))
    feed_id: int | None = Field(default=None, foreign_key="feed.id", index=True)
    ingest_run_id: int | None = Field(default=None, foreign_key="ingestrun.id")
    ingested_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # Where the text came from: "file", "feed" (the entry's own text), "page" (the linked
    # page), "api"; a fallback says why, e.g. "feed (page failed: fetch: HTTP 404 Not Found)".
    text_source: str = Field(default="file", max_length=256)


class Event(SQLModel, table=True):
    """One real-world happening, whatever number of articles report it."""

    __table_args__ = (
        Index("ix_event_start_end", "start", "end"),
        Index("ix_event_updated_at", "updated_at", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    start: date | None = None
    end: date | None = None
    precision: str = Field(default="unknown", max_length=16)
    date_inferred: bool = False
    type: str = Field(default="STATEMENT", max_length=32, index=True)
    modality: str = Field(default="occurred", max_length=16)
    title: str = Field(max_length=1024)
    # Shown by the default view: a source is the main happening of its sentence, stands in
    # the headline or lead, or carries its own date; or the event has several sources.
    # Everything else (clause-level mentions) is listed on request (`--all`).
    salient: bool = Field(
        default=True
    )  # indexed with start, end (and id on Postgres): ix_event_salient_start
    # Some source is its sentence's main happening or dated in its own words (not only
    # clause-level mentions): what stories are built from.
    main: bool = Field(default=True)
    created_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    # Moved forward by the store functions whenever the event, its sources, actors or links
    # change: what `GET /events?updated_since=` and `events --updated-since` select on.
    updated_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class EventTombstone(SQLModel, table=True):
    """An event that is gone, so a downstream copy can drop it: merged into another event
    (`merged_into`) or removed (None). Written by `timeline.store.events.merge_events`."""

    __table_args__ = (Index("ix_eventtombstone_removed_at", "removed_at", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int
    merged_into: int | None = None
    removed_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class EventSource(SQLModel, table=True):
    """Provenance: one article's sentence that reports an event. Never deleted by a merge."""

    __table_args__ = (
        # a sentence may report several happenings: one source per trigger
        UniqueConstraint(
            "event_id", "article_id", "sentence_index", "trigger_start", name="uq_source"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="event.id", index=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    sentence_index: int = 0
    quote: str = Field(sa_column=Column(Text, nullable=False))
    time_text: str | None = Field(default=None, max_length=256)
    time_value: str | None = Field(default=None, max_length=64)
    # What this sentence alone says; the event's own fields are derived from all its sources
    # (see ingest.merge.summarise), so the result does not depend on ingest order.
    start: date | None = None
    end: date | None = None
    precision: str = Field(default="unknown", max_length=16)
    date_inferred: bool = False
    type: str = Field(default="STATEMENT", max_length=32)
    modality: str = Field(default="occurred", max_length=16)
    title: str = Field(default="", max_length=1024)
    agents: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    actors: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    # The words that name the happening, as offsets into Article.text (the reader's text).
    trigger_text: str | None = Field(default=None, max_length=256)
    trigger_start: int = -1
    trigger_end: int = -1
    trigger_lemma: str | None = Field(default=None, max_length=64, index=True)
    patients: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    places: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    headline: bool = False  # the sentence is (part of) the article's headline
    lead: bool = False  # the article's first body sentence
    main: bool = True  # the sentence's main happening (not a clause-level mention)
    # What the coreference score reads of this mention (ingest.coref.MentionView as JSON),
    # kept so a stored mention is compared again without re-analysing its article.
    coref: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # The text links this mention originates, as [target trigger_start, kind] pairs (the
    # target: the source of the same article at that trigger); NULL when it has none. The
    # store derives the events' origin="text" links from these (workset.WorkSet relinks).
    links: list[list[Any]] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )


class EventKey(SQLModel, table=True):
    """The coreference block: an event is found again by the trigger roots and names of its
    mentions ("r:announce", "e:jackman"), within its date span, without scanning events."""

    __table_args__ = (Index("ix_eventkey_key_start", "key", "start"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    key: str = Field(primary_key=True, max_length=128)
    start: date | None = None
    end: date | None = None


class Actor(SQLModel, table=True):
    """A person, organisation or state under its canonical name."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(unique=True, max_length=256)
    kind: str = Field(default="unknown", max_length=16)


class ActorAlias(SQLModel, table=True):
    """Another name of an actor ("Zelensky", "the Kremlin"), stored lower-cased."""

    id: int | None = Field(default=None, primary_key=True)
    alias: str = Field(unique=True, max_length=256)
    actor_id: int = Field(foreign_key="actor.id", index=True)


class EventActor(SQLModel, table=True):
    """Who took part in an event, and as what (agent, target, participant)."""

    # (actor_id, event_id): an actor's events straight from the index (migration 0009)
    __table_args__ = (Index("ix_eventactor_actor_event", "actor_id", "event_id"),)

    event_id: int = Field(foreign_key="event.id", primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", primary_key=True)
    role: str = Field(default="participant", max_length=16)


class EventLink(SQLModel, table=True):
    """A typed edge between events (follows, responds_to, violates, elaborates): stories."""

    __table_args__ = (UniqueConstraint("source_id", "target_id", "kind", name="uq_link"),)

    id: int | None = Field(default=None, primary_key=True)
    source_id: int = Field(foreign_key="event.id", index=True)
    target_id: int = Field(foreign_key="event.id", index=True)
    kind: str = Field(max_length=16)
    # "text": a connective in an article said so ("following the truce"); "story": the story
    # model inferred it from order, types and participants (rebuilt with the story).
    origin: str = Field(default="text", max_length=8)


class Story(SQLModel, table=True):
    """Events that belong together across days and outlets (timeline.stories.model).

    `title`, the span and the counts are derived from the members whenever they change.
    """

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=1024)
    start: date = Field(index=True)
    end: date = Field(index=True)
    events: int = 0
    articles: int = 0
    updated_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class StoryEvent(SQLModel, table=True):
    """Membership: every dated event is in exactly one story (most are alone in theirs)."""

    event_id: int = Field(
        sa_column=Column(Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True)
    )
    story_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("story.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )


class Feed(SQLModel, table=True):
    """A polled RSS/Atom feed with its own schedule, HTTP validators and error state."""

    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(unique=True, max_length=2048)
    name: str | None = Field(default=None, max_length=256)
    # Categories ("world", "economy"): `feeds list --tag`, OPML's category attribute.
    tags: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    interval_seconds: int = 900
    cron: str | None = Field(default=None, max_length=128)
    etag: str | None = Field(default=None, max_length=512)
    last_modified: str | None = Field(default=None, max_length=128)
    checked_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    next_check_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True, index=True)
    )
    error_count: int = 0
    last_error: str | None = Field(default=None, max_length=1024)
    paused: bool = False
    disabled: bool = False
    created_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class IngestRun(SQLModel, table=True):
    """What one ingest run saw, stored, skipped and why; `items` holds one row per input."""

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(default="cli", max_length=256)
    started_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )
    finished_at: datetime | None = Field(
        default=None, sa_column=Column(DateTime(timezone=True), nullable=True)
    )
    seen: int = 0
    new: int = 0
    skipped: int = 0
    failed: int = 0
    events_new: int = 0
    events_merged: int = 0
    items: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON))
    # Who runs it, so the next start on this host can tell a crashed run from a live one.
    host: str | None = Field(default=None, max_length=256)
    pid: int | None = None
    crashed: bool = False  # its process died before finishing (marked at a later start)


class EntryFailure(SQLModel, table=True):
    """A feed entry that failed for a reason retrying cannot fix (no article text on its
    page, an analysis error): polls pass it over until the entry itself changes, i.e. until
    its `fingerprint` (content and eventline version) differs."""

    __table_args__ = (UniqueConstraint("feed_id", "location", name="uq_entryfailure"),)

    id: int | None = Field(default=None, primary_key=True)
    feed_id: int = Field(foreign_key="feed.id", index=True)
    location: str = Field(max_length=2048)
    fingerprint: str = Field(max_length=64)
    reason: str = Field(max_length=1024)
    failed_at: datetime | None = Field(
        default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False)
    )


class EventSpan(SQLModel, table=True):
    """The longest span (end - start, in days) of any event of one precision.

    What bounds date-overlap queries on both sides: an event overlapping [lo, hi] starts no
    earlier than lo minus this. Kept in step by database triggers (timeline.store.spans), so
    every writer keeps it right; it only grows, and `spans.recompute` shrinks it again.
    """

    precision: str = Field(primary_key=True, max_length=16)
    days: int = 0
