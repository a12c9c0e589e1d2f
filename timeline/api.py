"""The HTTP API and the timeline page: FastAPI over timeline.store.query and timeline.story.

Reads are open; writes (POST /ingest) need `Authorization: Bearer <EVENTLINE_API_TOKEN>` and
are off while no token is set. The engine is opened by the app's lifespan (never at import) and
each request gets its own session through a dependency.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import Body, Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session

from config.settings import Settings, get_settings
from timeline.export import story_to_dict
from timeline.export_stories import stories_to_dict, summary_to_dict
from timeline.guards import RequestGuard, validation_error
from timeline.serialize import date_label, event_to_dict, raw_page_json, to_json_bytes
from timeline.store import query as q
from timeline.store.engine import connection_scope, ping
from timeline.store.rawpage import read_page, reads_page
from timeline.store.sync import changes_since
from timeline.story import DEFAULT_HOPS, build_story, list_stories, stored_story, story_events
from timeline.summary import summarise

WEB = Path(__file__).parent / "web"
MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER on Postgres
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; frame-ancestors 'none'"
)

# --- response models (the JSON contract, as OpenAPI) ------------------------------------------


class TriggerOut(BaseModel):
    text: str = Field(description="The trigger words, as in the article body.")
    start: int = Field(description="Character offset of the trigger in the article body.")
    end: int = Field(description="Offset just after it.")


class SourceOut(BaseModel):
    article: str = Field(description="Path or URL of the article.")
    published: date | None = Field(description="The article's publication date.")
    quote: str = Field(description="The verbatim sentence reporting the event.")
    time_text: str | None = Field(description="The time expression in the sentence, if any.")
    time_value: str | None = Field(description="Its resolved value (TIMEX3 style).")
    article_title: str | None
    url: str | None = Field(None, description="The original web address, when known.")
    sentence_index: int
    trigger: TriggerOut | None = Field(None, description="The words naming the happening.")
    agents: list[str] = Field(default_factory=list, description="Who did it (this mention).")
    patients: list[str] = Field(default_factory=list, description="Who or what underwent it.")
    places: list[str] = Field(default_factory=list, description="Where it happened.")
    position: str = Field("body", description="headline | lead | body")
    main: bool = Field(True, description="The sentence's main happening (not a clause's).")


class LinkOut(BaseModel):
    kind: str = Field(description="follows | responds_to | violates | elaborates")
    source: int = Field(description="The event that <kind> the target.")
    target: int
    direction: Literal["in", "out"] = Field(description="out: this event is the source.")
    other_id: int
    other_title: str
    origin: Literal["text", "story"] = Field(
        "text", description="text: a connective said so; story: inferred by the story model."
    )


class EventOut(BaseModel):
    id: int
    start: date | None = Field(description="First day (null: undated).")
    end: date | None = Field(description="Last day, inclusive.")
    precision: str = Field(description="day | week | month | year | unknown")
    date_inferred: bool = Field(description="Dated from the article, not a time expression.")
    label: str = Field(description="The date as the log shows it: 2025-04, 2025-W17, ~2025-04-21.")
    type: str
    modality: str
    title: str
    actors: list[str]
    sources: list[SourceOut]
    links: list[LinkOut] = []
    updated_at: str | None = Field(None, description="When the event last changed (ISO 8601, UTC).")


class TombstoneOut(BaseModel):
    id: int = Field(description="The event that no longer exists.")
    merged_into: int | None = Field(description="The event that took its sources, if any.")
    removed_at: datetime


class EventPage(BaseModel):
    events: list[EventOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page.")
    tombstones: list[TombstoneOut] = Field(
        [], description="With `updated_since`: events removed since then (merged away)."
    )


class StoryEvent(EventOut):
    step: int
    seed: bool = Field(description="Found by the text query (else reached through links).")
    via: LinkOut | None = Field(description="The link to an earlier step.")


class StoryInfoOut(BaseModel):
    id: int
    title: str = Field(description="The headline of its most reported event.")
    start: date
    end: date
    events: int
    articles: int = Field(description="Distinct articles reporting its events.")
    matches: int = Field(description="Its events that matched the query (0 without one).")


class StoryOut(BaseModel):
    query: str
    events: list[StoryEvent]
    stories: list[StoryInfoOut] = Field(
        [], description="The stored stories these events belong to, the main one first."
    )


class StoriesOut(BaseModel):
    stories: list[StoryInfoOut]


class SummaryDate(BaseModel):
    date: date
    score: float = Field(description="The day's score divided by the best day's (top = 1.0).")
    events: list[EventOut] = Field(description="The day's top events, best first.")


class SummaryOut(BaseModel):
    dates: list[SummaryDate]


class DayCount(BaseModel):
    date: date
    events: int


class DaysOut(BaseModel):
    days: list[DayCount]


class LogDay(BaseModel):
    label: str
    events: list[EventOut]


class LogOut(BaseModel):
    days: list[LogDay]
    next_cursor: str | None


class TypeCount(BaseModel):
    type: str
    count: int


class ActorCount(BaseModel):
    name: str
    kind: str
    count: int


class FacetsOut(BaseModel):
    types: list[TypeCount]
    actors: list[ActorCount]


class Health(BaseModel):
    status: str
    database: str


class ArticleIn(BaseModel):
    """An article record, as in the .json/.jsonl files `eventline ingest` reads."""

    text: str = Field(min_length=1, max_length=5_000_000)
    url: str | None = Field(None, max_length=2048, description="Where the article lives.")
    location: str | None = Field(None, max_length=2048, description="Alias of url.")
    title: str | None = Field(None, max_length=1024)
    published: date | None = Field(None, description="Publication date (the DCT).")


class IngestOut(BaseModel):
    run_id: int
    seen: int
    new: int
    skipped: int
    failed: int
    events_new: int
    events_merged: int
    items: list[dict[str, Any]]


# --- app factory, engine and sessions ------------------------------------------------------------


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API and page for `settings` (default: the environment's)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        _engine(app)
        yield
        engine = getattr(app.state, "engine", None)
        if engine is not None:
            engine.dispose()

    # FastAPIOffline serves Swagger UI at /docs from files in its package (pinned), not a
    # CDN: the docs work with no network, and the browser is never sent elsewhere.
    app = FastAPIOffline(
        title="eventline",
        version="0.1.0",
        summary="A dated, de-duplicated event timeline built from news articles.",
        lifespan=lifespan,
        docs_url="/docs",
        redoc_url=None,
        static_url="/docs-assets",
    )
    app.state.settings = settings
    app.state.engine_lock = threading.Lock()
    app.include_router(_routes())
    app.add_middleware(RequestGuard, max_body=settings.max_request_bytes)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(q.QueryError, _query_error)
    app.add_exception_handler(OperationalError, _database_down)
    app.add_exception_handler(InterfaceError, _database_down)
    app.mount("/static", StaticFiles(directory=WEB), name="static")
    return app


def _page_limiter(app: FastAPI) -> anyio.CapacityLimiter:
    """How many GET /events pages are read at once (`Settings.api_threads`; the rest wait on
    the event loop). Python runs one thread at a time and sqlite3 hands the GIL over around
    every call into SQLite (each row of a fetch), so with a thread per request (FastAPI's
    pool holds 40) much of the server's CPU went to passing the GIL between threads. Made
    on first use, inside the event loop it belongs to; other routes keep FastAPI's pool, so
    a long POST /ingest does not hold the pages up (and see _on_loop)."""
    limiter: anyio.CapacityLimiter | None = getattr(app.state, "page_limiter", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(app.state.settings.api_threads)
        app.state.page_limiter = limiter
    return limiter


def _on_loop(app: FastAPI, filters: q.EventFilter) -> bool:
    """Whether a page is read on the event loop itself rather than in a limiter thread:
    on SQLite, the pages rawpage reads (no words, actor or types: an index range, at most
    `limit` rows, no network). Handing such a page to a thread cost more than reading it:
    sqlite3 releases the GIL around each row it steps, and every release let the loop or
    the other page thread in, a switch each time (week pages at concurrency 20: 5.7-6.0 ms
    of server CPU in a thread, 4.7-5.3 on the loop, more requests per second and a lower
    p99). The loop waits for the page meanwhile (a few ms for 100 rows). Postgres pages
    wait on the network: they stay in threads."""
    return _engine(app).dialect.name == "sqlite" and reads_page(filters)


def _engine(app: FastAPI) -> Engine:
    """The app's engine, opened (and migrated) once: by the lifespan, or by the first request
    when the server runs without lifespan events (some test clients)."""
    engine: Engine | None = getattr(app.state, "engine", None)
    if engine is None:
        from timeline.store.engine import open_store

        with app.state.engine_lock:
            engine = getattr(app.state, "engine", None)
            if engine is None:
                engine = open_store(app.state.settings.database_url)
                app.state.engine = engine
    return engine


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; reads only, so nothing to commit."""
    with Session(_engine(request.app), expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]
bearer = HTTPBearer(auto_error=False, description="EVENTLINE_API_TOKEN")


def require_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    """Write endpoints: the configured bearer token, compared in constant time."""
    token = request.app.state.settings.api_token
    if token is None or not token.get_secret_value():  # empty is off, never a known token
        raise HTTPException(403, "write endpoints are disabled: set EVENTLINE_API_TOKEN")
    given = credentials.credentials if credentials else ""
    if not secrets.compare_digest(given.encode(), token.get_secret_value().encode()):
        raise HTTPException(
            401, "missing or wrong bearer token", headers={"WWW-Authenticate": "Bearer"}
        )


async def _query_error(_request: Request, exc: Exception) -> JSONResponse:
    """Query errors look like FastAPI's own validation errors: one shape for clients."""
    param = getattr(exc, "param", "query")
    error = {"loc": ["query", param], "msg": str(exc), "type": "value_error"}
    return JSONResponse({"detail": [error]}, status_code=422)


async def _database_down(_request: Request, exc: Exception) -> JSONResponse:
    """A lost or refused connection is the database's state, not a bug: 503, try again."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return JSONResponse(
        {"detail": f"database unavailable: {first}"},
        status_code=503,
        headers={"Retry-After": "5"},
    )


def _page_body(app: FastAPI, filters: q.EventFilter, limit: int, cursor: str | None) -> bytes:
    """One page of GET /events as the response body, serialised once by orjson. The route's
    response_model still documents it (OpenAPI), but FastAPI skips validating and
    re-encoding a Response: that was most of the CPU of a page of 100 events. The payload
    must be what the model would give (a test compares them). Read on a plain Connection:
    no Session or ORM object; the common pages (a week, the first page, a next page) as the
    driver's rows, with no view or SQLAlchemy row between (timeline.store.rawpage)."""
    with connection_scope(_engine(app)) as conn:
        raw = read_page(conn, filters, limit, cursor)
        if raw is None:
            page = q.search_events(
                session=conn, filters=filters, limit=limit, cursor=cursor, with_links=True
            )
    if raw is not None:
        return raw_page_json(raw)
    return to_json_bytes(
        {
            "events": [event_to_dict(v, links=True) for v in page.events],
            "next_cursor": page.next_cursor,
            "tombstones": [],
        }
    )


def _changes_body(app: FastAPI, since: datetime, limit: int, cursor: str | None) -> dict[str, Any]:
    """GET /events?updated_since=: the changes after `since`, validated by the route's model."""
    with connection_scope(_engine(app)) as conn:
        changes = changes_since(session=conn, since=since, limit=limit, cursor=cursor)
    return {
        "events": [event_to_dict(v, links=True) for v in changes.events],
        "tombstones": [
            {"id": t.id, "merged_into": t.merged_into, "removed_at": t.removed_at}
            for t in changes.tombstones
        ],
        "next_cursor": changes.next_cursor,
    }


# --- routes ------------------------------------------------------------------------------------

From = Annotated[
    date | None,
    Query(alias="from", description="Events overlapping the range from this day (YYYY-MM-DD)."),
]
To = Annotated[date | None, Query(description="... up to this day, inclusive (YYYY-MM-DD).")]
Actor = Annotated[str | None, Query(max_length=200, description="Actor name or alias.")]
Type = Annotated[str | None, Query(max_length=200, description="Event type(s), comma-separated.")]
Text = Annotated[str | None, Query(max_length=500, description="Words in titles or quotes.")]
Limit = Annotated[int, Query(ge=1, le=q.MAX_LIMIT, description="Events per page.")]
Cursor = Annotated[str | None, Query(max_length=200, description="next_cursor of the last page.")]
All = Annotated[bool, Query(alias="all", description="Every event, not only the salient ones.")]


def _filters(
    date_from: date | None,
    to: date | None,
    actor: str | None = None,
    type_: str | None = None,
    text: str | None = None,
    everything: bool = False,
) -> q.EventFilter:
    return q.EventFilter.build(
        start=date_from, end=to, actor=actor, type=type_, text=text, everything=everything
    )


def _routes() -> Any:
    from fastapi import APIRouter

    router = APIRouter()

    @router.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB / "index.html", headers={"Content-Security-Policy": PAGE_CSP})

    @router.get("/healthz", response_model=Health, tags=["meta"])
    def healthz(session: SessionDep) -> JSONResponse | dict[str, str]:
        """Liveness plus a round trip to the database (503 when it does not answer)."""
        try:
            ping(session)
        except Exception as exc:  # any driver error means "not healthy", not a 500
            return JSONResponse(
                {"status": "error", "database": type(exc).__name__}, status_code=503
            )
        return {"status": "ok", "database": session.get_bind().dialect.name}

    @router.get("/events", response_model=EventPage, tags=["events"])
    async def list_events(
        request: Request,
        date_from: From = None,
        to: To = None,
        actor: Actor = None,
        type: Type = None,
        q_: Annotated[str | None, Query(alias="q", max_length=500)] = None,
        limit: Limit = 100,
        cursor: Cursor = None,
        updated_since: Annotated[
            datetime | None,
            Query(
                description="Incremental sync: only what changed after this moment (ISO 8601, "
                "UTC if no offset), in the order it changed, with `tombstones` for events "
                "merged away. Not combined with the other filters."
            ),
        ] = None,
        all_: All = False,
    ) -> Any:
        """Events overlapping the range and matching every filter, in date order (undated
        last), a page at a time: follow `next_cursor` until it is null. Only salient events
        (each sentence's main happening, the headline and lead, happenings dated in their own
        words) unless `all=true`. With
        `updated_since`, the changes after that moment instead (a downstream copy keeps the
        largest `updated_at`/`removed_at` it has seen and asks again from there)."""
        if updated_since is not None and any(
            v is not None for v in (date_from, to, actor, type, q_)
        ):
            raise q.QueryError(
                "updated_since returns every change; it takes only limit and cursor",
                param="updated_since",
            )
        app = request.app
        if updated_since is not None:
            return await anyio.to_thread.run_sync(_changes_body, app, updated_since, limit, cursor)
        filters = _filters(date_from, to, actor, type, q_, all_)
        if _on_loop(app, filters):
            body = _page_body(app, filters, limit, cursor)
        else:
            body = await anyio.to_thread.run_sync(
                _page_body, app, filters, limit, cursor, limiter=_page_limiter(app)
            )
        return Response(body, media_type="application/json")

    @router.get(
        "/events/{event_id}",
        response_model=EventOut,
        tags=["events"],
        responses={404: {"description": "No such event"}},
    )
    def one_event(
        session: SessionDep, event_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]
    ) -> dict[str, Any]:
        """One event with its sources and links (404 when there is none)."""
        view = q.get_event(session=session, event_id=event_id)
        if view is None:
            raise HTTPException(404, f"no event {event_id}")
        return event_to_dict(view, links=True)

    @router.get("/story", response_model=StoryOut, tags=["stories"])
    def story_by_topic(
        session: SessionDep,
        q_: Annotated[str, Query(alias="q", min_length=1, max_length=500, description="Topic.")],
        hops: Annotated[int, Query(ge=0, le=6)] = DEFAULT_HOPS,
    ) -> dict[str, Any]:
        """The chain of events around a topic, in story order, each with the link to an
        earlier step (no events when nothing matches), and the stored stories it is in."""
        return story_to_dict(build_story(session=session, query=q_, hops=hops))

    @router.get("/stories", response_model=StoriesOut, tags=["stories"])
    def stories(
        session: SessionDep,
        date_from: From = None,
        to: To = None,
        q_: Annotated[
            str | None, Query(alias="q", max_length=500, description="Words or an actor.")
        ] = None,
        min_events: Annotated[int, Query(ge=1, le=10_000)] = 2,
        limit: Annotated[int, Query(ge=1, le=q.MAX_LIMIT)] = 100,
    ) -> dict[str, Any]:
        """Stored stories overlapping the range (latest first), or those about `q` (the most
        matching first); single-event stories only with min_events=1."""
        if date_from and to and date_from > to:
            raise q.QueryError(f"the range starts after it ends ({date_from} > {to})", param="to")
        found = list_stories(
            session=session,
            start=date_from,
            end=to,
            query=q_,
            min_events=min_events,
            limit=limit,
        )
        return stories_to_dict(found)

    @router.get(
        "/stories/{story_id}",
        response_model=StoryOut,
        tags=["stories"],
        responses={404: {"description": "No such story"}},
    )
    def one_story(
        session: SessionDep, story_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]
    ) -> dict[str, Any]:
        """Every event of a stored story, chained in story order, with its links."""
        found = stored_story(session=session, story_id=story_id)
        if found is None:
            raise HTTPException(404, f"no story {story_id}")
        return story_to_dict(found)

    @router.get("/summary", response_model=SummaryOut, tags=["stories"])
    def summary(
        session: SessionDep,
        date_from: From = None,
        to: To = None,
        story: Annotated[
            str | None, Query(max_length=500, description="A story id or a topic.")
        ] = None,
        dates: Annotated[
            int | None, Query(ge=1, le=366, description="How many dates (default: the knee).")
        ] = None,
    ) -> dict[str, Any]:
        """The summary timeline: the most important dates, each with its top events."""
        if date_from and to and date_from > to:
            raise q.QueryError(f"the range starts after it ends ({date_from} > {to})", param="to")
        event_ids = None
        if story is not None and story.strip():
            event_ids = story_events(session=session, ref=story)
            if event_ids is None:
                return {"dates": []}
        rows = summarise(session=session, start=date_from, end=to, event_ids=event_ids, dates=dates)
        return summary_to_dict(rows)

    @router.get("/days", response_model=DaysOut, tags=["events"])
    def days(
        session: SessionDep,
        date_from: From = None,
        to: To = None,
        actor: Actor = None,
        type: Type = None,
        q_: Annotated[str | None, Query(alias="q", max_length=500)] = None,
    ) -> dict[str, Any]:
        """Day-precision events per day (the page's time axis), in date order."""
        counts = q.day_counts(session=session, filters=_filters(date_from, to, actor, type, q_))
        return {"days": [{"date": d, "events": n} for d, n in counts]}

    @router.get("/log", response_model=LogOut, tags=["events"])
    def event_log(
        session: SessionDep,
        date_from: From = None,
        to: To = None,
        limit: Limit = 500,
        cursor: Cursor = None,
    ) -> dict[str, Any]:
        """The dated log: events grouped by their date label, a page at a time."""
        page = q.search_events(
            session=session, filters=_filters(date_from, to), limit=limit, cursor=cursor
        )
        days: list[dict[str, Any]] = []
        for view in page.events:
            label = date_label(view, marker=False)
            if not days or days[-1]["label"] != label:
                days.append({"label": label, "events": []})
            days[-1]["events"].append(event_to_dict(view))
        return {"days": days, "next_cursor": page.next_cursor}

    @router.get("/facets", response_model=FacetsOut, tags=["events"])
    def event_facets(session: SessionDep) -> dict[str, Any]:
        """Event types and actors with counts, for filter menus."""
        return q.facets(session=session)

    @router.post(
        "/ingest",
        response_model=IngestOut,
        tags=["write"],
        dependencies=[Depends(require_token)],
        responses={401: {"description": "Missing or wrong token"}, 403: {"description": "Off"}},
    )
    def ingest(
        request: Request,
        records: Annotated[list[ArticleIn], Body(min_length=1, max_length=100)],
    ) -> dict[str, Any]:
        """Ingest article records now (one transaction each); needs the bearer token."""
        from ingest.article import ArticleInput
        from ingest.pipeline import ingest_batch

        items = []
        for r in records:
            digest = ArticleInput(location="", text=r.text).content_hash
            items.append(
                ArticleInput(
                    location=r.url or r.location or f"api:{digest[:16]}",
                    text=r.text,
                    title=r.title,
                    published=r.published,
                    published_source="metadata" if r.published else "none",
                    text_source="api",
                )
            )
        settings: Settings = request.app.state.settings
        run = ingest_batch(
            items, engine=_engine(request.app), source="api", use_spacy=settings.use_spacy
        )
        return {
            "run_id": run.id,
            "seen": run.seen,
            "new": run.new,
            "skipped": run.skipped,
            "failed": run.failed,
            "events_new": run.events_new,
            "events_merged": run.events_merged,
            "items": run.items,
        }

    return router
