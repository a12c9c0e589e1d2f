"""One article end to end, and batches of them: analyse, then store in one transaction.

Analysis is pure and runs outside the transaction; the transaction then checks for a
duplicate article, stores the article, merges each candidate into the stored events, links
them, and commits, so a failure leaves nothing half-written and never touches other articles.
Every batch records an IngestRun: what was seen, stored, skipped and why.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlmodel import Session

from config.settings import get_settings
from ingest import coref
from ingest.actors import load_actor_table
from ingest.analysis import AnalysedArticle, analyse
from ingest.article import ArticleInput, SourceProblem
from ingest.coref import MentionView
from ingest.events import Candidate
from ingest.lexicon import Lexicon, load_lexicon
from ingest.merge import (
    WEAK_TYPES,
    SourceFacts,
    StoredEvent,
    best_match,
    summarise,
    title_source,
)
from timeline.dates import shift
from timeline.store import articles, events, runs
from timeline.store.engine import optimize, session_scope
from timeline.store.events import StoredSource
from timeline.store.models import Article, IngestRun
from timeline.store.workset import ActorCache, EventState, WorkSet
from timeline.stories.update import update_stories

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """The outcome of one input: new, skipped (already stored) or failed, and why."""

    location: str
    status: str
    reason: str | None = None
    events_new: int = 0
    events_merged: int = 0
    article_id: int | None = None


def ingest_batch(
    items: Iterable[ArticleInput | SourceProblem],
    *,
    engine: Engine,
    source: str = "cli",
    on_item: Callable[[ItemResult], None] | None = None,
    use_spacy: bool = True,
    jobs: int = 1,
    on_analysed: Callable[[str], None] | None = None,
) -> IngestRun:
    """Ingest every item, one transaction each; one bad item never stops the batch.

    With `jobs` > 1 the analysis (pure, most of the CPU) runs in that many worker processes
    while this process writes, in input order, one article per transaction as before.

    Articles are analysed `coref.COVERAGE_WINDOW` at a time before any of them is written: the
    coverage groups (which articles report one happening, `coref.coverage`) of each decision
    are decided over its own articles and the window's articles near them (`coref.Window`),
    not over the few articles it sees alone. `on_analysed` hears of each item (its location)
    as it is analysed, `on_item` of each outcome as it is stored.
    """
    with session_scope(engine) as session:
        run = runs.start_run(session=session, source=source)
    assert run.id is not None
    results: list[ItemResult] = []
    known = ActorCache()  # actors ensured by this run's articles: looked up once per run
    stream = _prepared(items, engine=engine, use_spacy=use_spacy, jobs=jobs)
    if on_analysed is not None:
        stream = _told(stream, on_analysed)
    for window in _windows(stream):
        near = window_stories(window)
        for prepared in window:
            if isinstance(prepared, ItemResult):
                result = prepared
            else:
                result = store_article(
                    prepared, engine=engine, run_id=run.id, actors=known, window=near
                )
            results.append(result)
            if on_item is not None:
                on_item(result)
    return finish_run(engine, run.id, results)


def _windows(
    prepared: Iterable[Prepared], size: int = coref.COVERAGE_WINDOW
) -> Iterator[list[Prepared]]:
    """The prepared items in input order, `size` at a time."""
    window: list[Prepared] = []
    for item in prepared:
        window.append(item)
        if len(window) >= size:
            yield window
            window = []
    if window:
        yield window


def _told(prepared: Iterable[Prepared], tell: Callable[[str], None]) -> Iterator[Prepared]:
    """The items unchanged, each location told as it comes (the progress of the analysis)."""
    for item in prepared:
        tell(item.location if isinstance(item, ItemResult) else item.article.location)
        yield item


def window_stories(window: Sequence[Prepared]) -> coref.Window:
    """The story terms of the window's analysed articles, by article (`MentionView.doc`)."""
    return coref.Window(
        {v.doc: v.story for a in window if isinstance(a, AnalysedArticle) for v in a.views}
    )


Prepared = AnalysedArticle | ItemResult  # analysed, or already decided (failed, skipped)


def _prepared(
    items: Iterable[ArticleInput | SourceProblem], *, engine: Engine, use_spacy: bool, jobs: int
) -> Iterator[Prepared]:
    """Each item analysed (or its outcome when it needs no analysis), in input order."""
    screened = (_screen(item, engine=engine) for item in items)
    if jobs <= 1:
        for item in screened:
            yield item if isinstance(item, ItemResult) else analyse_item(item, use_spacy)
        return
    # A bounded window of submitted analyses: results stream in order, memory stays flat.
    window: deque[Prepared | Future[Prepared]] = deque()
    spawn = multiprocessing.get_context("spawn")  # no fork of a process holding connections
    with ProcessPoolExecutor(max_workers=jobs, mp_context=spawn) as pool:
        for item in screened:
            if isinstance(item, ItemResult):
                window.append(item)
            else:
                window.append(pool.submit(analyse_item, item, use_spacy))
            while len(window) > 4 * jobs:
                yield _done(window.popleft())
        while window:
            yield _done(window.popleft())


def _done(entry: Prepared | Future[Prepared]) -> Prepared:
    return entry.result() if isinstance(entry, Future) else entry


def _screen(item: ArticleInput | SourceProblem, *, engine: Engine) -> ArticleInput | ItemResult:
    """Failed sources and articles already stored are decided before any analysis, so
    re-ingesting costs one query per article (store_article checks again, atomically)."""
    if isinstance(item, SourceProblem):
        return ItemResult(item.location, "failed", item.reason)
    with session_scope(engine) as session:
        return already_stored(item, session=session) or item


def analyse_item(article: ArticleInput, use_spacy: bool) -> Prepared:
    """analyse(), with a failure turned into the article's result (runs in workers too)."""
    try:
        return analyse(article, use_spacy=use_spacy)
    except Exception as exc:  # a bug or odd input in one article must not stop the batch
        log.exception("analysis failed for %s", article.location)
        return ItemResult(article.location, "failed", f"analysis: {type(exc).__name__}: {exc}")


def finish_run(engine: Engine, run_id: int, results: list[ItemResult]) -> IngestRun:
    """Store the run's counts and per-item reasons; refresh planner statistics."""
    with session_scope(engine) as session:
        run = runs.finish_run(
            session=session,
            run_id=run_id,
            seen=len(results),
            new=sum(r.status == "new" for r in results),
            skipped=sum(r.status == "skipped" for r in results),
            failed=sum(r.status == "failed" for r in results),
            events_new=sum(r.events_new for r in results),
            events_merged=sum(r.events_merged for r in results),
            items=[
                {"location": r.location, "status": r.status, "reason": r.reason} for r in results
            ],
        )
    optimize(engine)
    return run


def ingest_article(
    article: ArticleInput, *, engine: Engine, run_id: int | None = None, use_spacy: bool = True
) -> ItemResult:
    """Store one article and merge its events; idempotent by location and content hash."""
    prepared = _screen(article, engine=engine)
    if isinstance(prepared, ItemResult):
        return prepared
    analysed = analyse_item(prepared, use_spacy)
    if isinstance(analysed, ItemResult):
        return analysed
    return store_article(analysed, engine=engine, run_id=run_id)


def already_stored(article: ArticleInput, *, session: Session) -> ItemResult | None:
    """The "skipped" result when this article (location, URL or text) is already stored."""
    known = articles.find_article(
        session=session,
        location=article.location,
        content_hash=article.content_hash,
        url=article.url,
    )
    if known is None:
        return None
    why = (
        "same location"
        if known.location == article.location
        else "same URL"
        if article.url and known.url == article.url
        else "same text"
    )
    return ItemResult(article.location, "skipped", f"already ingested ({why} as #{known.id})")


def store_article(
    analysed: AnalysedArticle,
    *,
    engine: Engine,
    run_id: int | None,
    actors: ActorCache | None = None,
    window: coref.Window | None = None,
) -> ItemResult:
    """One transaction: check for a duplicate, store the article, merge its events.
    `actors` carries the actors known to earlier articles of the run (no query for them);
    `window` the articles analysed with it (`window_stories`)."""
    article = analysed.article
    cache = actors if actors is not None else ActorCache()
    try:
        with session_scope(engine) as session:
            events.lock_for_merge(session=session)
            skipped = already_stored(article, session=session)
            if skipped is not None:
                return skipped
            result = store_analysed(
                analysed, session=session, run_id=run_id, actors=cache, window=window
            )
        cache.commit()
        return result
    except IntegrityError:
        # Another worker stored the same article between our check and our insert.
        return ItemResult(article.location, "skipped", "already ingested (concurrently)")
    except (OperationalError, InterfaceError):
        raise  # the connection is gone: the transaction rolled back, the caller may retry
    except Exception as exc:
        log.exception("storing failed for %s", article.location)
        return ItemResult(article.location, "failed", f"store: {type(exc).__name__}: {exc}")
    finally:
        cache.discard()  # what a rolled-back transaction created does not exist


def store_analysed(
    analysed: AnalysedArticle,
    *,
    session: Session,
    run_id: int | None,
    actors: ActorCache | None = None,
    window: coref.Window | None = None,
) -> ItemResult:
    """Write the article and merge its candidates inside the caller's transaction.

    The merge runs on a WorkSet: the stored events its mentions can meet are read in a few
    queries up front, the decisions are taken in memory, mention by mention as before, and
    the changes are written in bulk at the end (`WorkSet.flush`)."""
    art = analysed.article
    row = Article(
        location=art.location,
        url=art.url or (art.location if art.location.startswith(("http://", "https://")) else None),
        content_hash=art.content_hash,
        title=analysed.title,
        published=analysed.dct,
        published_source=analysed.dct_source,
        text_source=art.text_source,
        text=analysed.body,
        feed_id=art.feed_id,
        ingest_run_id=run_id,
    )
    article_id = articles.add_article(session=session, article=row)
    lex = load_lexicon()
    ws = WorkSet(session, actors=actors)
    event_ids: list[int] = []
    changed: set[int] = set()  # stored events a learned decision re-clustered
    new = merged = 0
    if get_settings().coref_merge == "learned":
        event_ids, created, changed = merge_mentions(
            analysed, article_id=article_id, ws=ws, window=window
        )
        new, merged = len(created), len(event_ids) - len(created)
    else:
        load_rule_candidates(analysed.candidates, ws=ws)
        for candidate in analysed.candidates:
            event_id, made = merge_candidate(candidate, article_id=article_id, ws=ws, lex=lex)
            event_ids.append(event_id)
            new += made
            merged += not made
        # a second reading of a sentence's mention has no source: the one kept stands in
        cands = analysed.candidates
        links = text_links(cands, stand_ins(cands, event_ids))
        ws.set_links(article_id, {cands[i].trigger_start: pairs for i, pairs in links.items()})
    ws.flush(describe_actor)  # re-derives the text links of every event whose sources changed
    # the re-clustered events too: one that lost its sources or was merged away must leave its
    # story, one that gained some may join another
    update_stories(session=session, event_ids=sorted({ws.real(i) for i in [*event_ids, *changed]}))
    return ItemResult(art.location, "new", None, new, merged, article_id)


def candidate_events(
    views: list[MentionView], *, session: Session, model: coref.Model
) -> list[int]:
    """The stored events the article's mentions may report: for each mention, the events
    that share most of its block keys (trigger root, names) within its date window, and those
    sharing its trigger root (`coref.candidates_for`). Mentions
    of one article share most keys and windows: each (key, window) is asked once."""
    chosen: set[int] = set()
    asked: dict[tuple[str, tuple[date, date] | None], list[int]] = {}
    for view in views:
        window = coref.date_window(view)
        by_key: dict[str, list[int]] = {}
        for key in coref.search_keys(view):
            found = asked.get((key, window))
            if found is None:
                found = asked[(key, window)] = events.events_by_key(
                    session=session, key=key, window=window, limit=model.max_candidates
                )
            by_key[key] = found
        chosen.update(coref.candidates_for(view, by_key, model.max_candidates))
    return sorted(chosen)


def merge_mentions(
    analysed: AnalysedArticle,
    *,
    article_id: int,
    ws: WorkSet,
    window: coref.Window | None = None,
) -> tuple[list[int], set[int], set[int]]:
    """Cluster the article's mentions with the mentions of their candidate events and write
    the result: new sources, sources moved by a merge or a split, events created or removed.
    Returns each candidate's event id and the ids of the events created (ids of `ws`: map
    them with `ws.real` once flushed)."""
    model = coref.load_model()
    candidates = candidate_events(analysed.views, session=ws.session, model=model)
    stored = events.sources_of(session=ws.session, event_ids=candidates)
    ws.load_events(candidates)
    # Sources stored before mention views existed stay where they are, unseen by the score.
    viewed = {e: [s for s in stored[e] if s.coref is not None] for e in stored}
    legacy = {e: [s for s in stored[e] if s.coref is None] for e in stored}
    decision = coref.resolve(
        [coref.canonical(v) for v in analysed.views],  # equal views, shared objects
        {e: [MentionView.from_json(s.coref or {}) for s in viewed[e]] for e in viewed if viewed[e]},
        model,
        window,
    )
    created: set[int] = set()
    event_of_candidate: list[int] = [0] * len(analysed.candidates)
    links = text_links(analysed.candidates, list(range(len(analysed.candidates))))
    touched: dict[int, list[StoredSource]] = {}
    final: list[int] = []  # the event each group ends up as
    for members, continued in zip(decision.groups, decision.events, strict=True):
        olds = [
            viewed[e][decision.origin[i]] for i in members if (e := decision.owner[i]) is not None
        ]
        news = [decision.origin[i] for i in members if decision.owner[i] is None]
        if continued is None:  # new mentions, or stored ones split off their event
            first = analysed.candidates[news[0]] if news else olds[0]
            event = ws.create_event(title=first.title, type=first.type, modality=first.modality)
            continued = event.id
            created.add(continued)
        final.append(continued)
        ws.move_sources([s.id for s in olds if s.event_id != continued], continued)
        sources: list[StoredSource] = list(olds)
        # Every mention is a source, two of one sentence included ("indicated he would
        # consider additional ceasefires following a ... truce"): dropping the second would
        # make the stored sources depend on whether the two met as new mentions or as a
        # stored one moved by a later decision, i.e. on the order of ingestion.
        for i in news:
            c, view = analysed.candidates[i], analysed.views[i]
            event_of_candidate[i] = continued
            row = source_row(
                c, event_id=continued, article_id=article_id, view=view, links=links.get(i)
            )
            sources.append(ws.add_source(row))
        if news or {s.id for s in viewed.get(continued, [])} != {s.id for s in olds}:
            touched[continued] = [*legacy.get(continued, []), *sources]
    # Re-clustered events that continue no group were merged into others (or split).
    continuing = {e for e in decision.events if e is not None}
    for old in sorted(decision.compared() - continuing):
        if legacy.get(old):
            touched[old] = list(legacy[old])
            continue
        into = coref.heir(decision, old, final)
        # its sources have moved: this leaves the tombstone and moves links and actors
        ws.merge_events(merged_id=old, into_id=into, describe=describe_actor)
    for event_id in sorted(touched):
        refresh_event(ws.event(event_id), touched[event_id], ws=ws)
        sources = touched[event_id]
        agents = {a for s in sources for a in (s.agents or [])}
        others = {a for s in sources for a in (s.actors or [])} - agents
        ws.set_actors(event_id, _roles(agents, others))
    return event_of_candidate, created, set(touched) | decision.compared()


def load_rule_candidates(candidates: list[Candidate], *, ws: WorkSet) -> None:
    """Read, in a few queries, every stored event one of these mentions may join by the
    rules: the date windows and trigger lemmas `merge_candidate` looks in, and the clause
    pools `_merge_clause` looks for."""
    windows: list[tuple[date, date]] = []
    lemmas: set[str] = set()
    pools: set[tuple[str, str, date, date | None]] = set()
    for c in candidates:
        if _clause_level(c):
            if c.dating.start is not None:  # undated ones pool within this (new) article
                pools.add((c.trigger_lemma, c.type, c.dating.start, c.dating.end))
        elif c.dating.start is None:
            lemmas.add(c.trigger_lemma)
        else:
            windows.append(_window(c, c.dating.start))
    ws.load_nearby(windows, lemmas)
    ws.load_clause_pools(pools)


def _window(c: Candidate, start: date) -> tuple[date, date]:
    # One day wider than the candidate: an inferred date on either side has a day of slack
    # (merge.overlaps decides exactly).
    return shift(start, -1), shift(c.dating.end or start, 1)


def merge_candidate(
    c: Candidate, *, article_id: int, ws: WorkSet, lex: Lexicon
) -> tuple[int, bool]:
    """Attach the candidate to the event it reports, or create one. Returns (id, created)."""
    if _clause_level(c):
        return _merge_clause(c, article_id=article_id, ws=ws)
    # its own family, plus the weak types that may join it across families
    types = None if c.type in WEAK_TYPES else [*lex.family_types(c.type), *WEAK_TYPES]
    if c.dating.start is None:
        # No date to narrow the candidates: the indexed trigger lemma does (a stopgap block
        # until ingest/coref.py blocks on keys; the cost per mention stays flat).
        nearby = ws.with_lemma(c.trigger_lemma, types)
    else:
        nearby = ws.nearby(*_window(c, c.dating.start), types)
    stored = [
        StoredEvent(
            id=e.id,
            type=e.type,
            start=e.start,
            end=e.end,
            agents=frozenset(a for s in ws.sources(e.id) for a in (s.agents or [])),
            quotes=tuple(s.quote for s in ws.sources(e.id)),
            inferred=e.date_inferred,
        )
        for e in nearby
        if not _clause_pool(ws.sources(e.id))
    ]
    match = best_match(c, stored, lex)
    created = match is None
    if match is None:
        event = ws.create_event(title=c.title, type=c.type, modality=c.modality)
    else:
        event = ws.event(match.id)
    existing = list(ws.sources(event.id))
    if any(s.article_id == article_id and s.sentence_index == c.sentence_index for s in existing):
        return event.id, created  # one sentence, two readings of one event: keep one source
    source = ws.add_source(source_row(c, event_id=event.id, article_id=article_id))
    refresh_event(event, [*existing, source], ws=ws)
    return event.id, created


def text_links(candidates: list[Candidate], stand_in: list[int]) -> dict[int, list[list[Any]]]:
    """The text links of an article's mentions as provenance: for the index of the mention
    whose source stands for a link's origin, the [target trigger_start, kind] pairs (the
    target's stand-in). "Putin has hinted at bilateral negotiations, following a failed
    Easter truce": hinted gets [[start of "truce"], "follows"]."""
    out: dict[int, list[list[Any]]] = {}
    for index, c in enumerate(candidates):
        for target, kind in c.links:
            pair = [candidates[stand_in[target]].trigger_start, kind]
            pairs = out.setdefault(stand_in[index], [])
            if pair not in pairs:
                pairs.append(pair)
    return {i: sorted(pairs) for i, pairs in out.items()}


def stand_ins(candidates: list[Candidate], event_ids: list[int]) -> list[int]:
    """Rules mode: each mention's index, or for a second reading of a sentence's mention on
    one event (no source of its own: `merge_candidate` keeps one), the first such mention."""
    first: dict[tuple[int, int], int] = {}
    return [first.setdefault((event_ids[i], c.sentence_index), i) for i, c in enumerate(candidates)]


def source_row(
    c: Candidate,
    *,
    event_id: int,
    article_id: int,
    view: MentionView | None = None,
    links: list[list[Any]] | None = None,
) -> dict[str, Any]:
    """The stored form of a mention (EventSource's columns); `links`: see `text_links`."""
    return {
        "event_id": event_id,
        "article_id": article_id,
        "sentence_index": c.sentence_index,
        "quote": c.quote,
        "time_text": c.dating.time_text,
        "time_value": c.dating.time_value,
        "start": c.dating.start,
        "end": c.dating.end,
        "precision": c.dating.precision,
        "date_inferred": c.dating.inferred,
        "type": c.type,
        "modality": c.modality,
        "title": c.title,
        "agents": list(c.agents),
        "actors": list(c.actors),
        "trigger_text": c.trigger[:256],
        "trigger_start": c.trigger_start,
        "trigger_end": c.trigger_end,
        "trigger_lemma": c.trigger_lemma[:64] or None,
        "patients": list(c.patients),
        "places": list(c.places),
        "headline": c.headline,
        "lead": c.lead,
        "main": c.primary,
        "coref": view.to_json() if view is not None else None,
        "links": links or None,
    }


def _merge_clause(c: Candidate, *, article_id: int, ws: WorkSet) -> tuple[int, bool]:
    """Clause-level mentions without a date of their own form a pool of their own,
    clustered by key (same trigger lemma, type and date): an equivalence, so ingest order
    cannot change the result, and one look-up per mention however large the event.
    Main and self-dated mentions never join these events, nor these theirs."""
    event, here = ws.clause_event(
        lemma=c.trigger_lemma,
        type=c.type,
        start=c.dating.start,
        end=c.dating.end,
        article_id=article_id,
        sentence_index=c.sentence_index,
    )
    if event is not None and here:
        return event.id, False  # one sentence, two readings of one event: keep one source
    created = event is None
    if event is None:
        event = ws.create_event(title=c.title, type=c.type, modality=c.modality)
    source = ws.add_source(source_row(c, event_id=event.id, article_id=article_id))
    if created:
        refresh_event(event, [source], ws=ws)
        return event.id, True
    # The key fixes dates and type; salience and title (the smallest, a stable choice)
    # follow from the set of sources, not from their order.
    if (salient([source]) and not event.salient) or c.title < event.title:
        event.salient = event.salient or salient([source])
        event.title = min(event.title, c.title)
        ws.save(event)
    ws.add_actors(event.id, _roles(set(c.agents), set(c.actors) - set(c.agents)))
    return event.id, False


def _clause_level(c: Candidate) -> bool:
    """A clause-level mention (not its sentence's main one) with no date in its own words."""
    return not c.primary and c.dating.time_text is None


def _clause_pool(sources: list[StoredSource]) -> bool:
    """Whether an event holds clause-level mentions only (see _merge_clause)."""
    return all(not s.main and s.time_text is None for s in sources)


def _roles(agents: set[str], others: set[str]) -> list[tuple[str, str]]:
    """(name, role) rows for these names: agents first, each group sorted."""
    return [(n, "agent") for n in sorted(agents)] + [(n, "participant") for n in sorted(others)]


def describe_actor(name: str) -> tuple[str, list[str]]:
    """A new actor's kind and aliases, from the alias table."""
    table = load_actor_table()
    entry = table.canonical(name)
    kind = entry[1] if entry else "person" if " " in name else "unknown"
    return kind, list(table.aliases_of(name))


def salient(sources: list[StoredSource]) -> bool:
    """Whether the default view shows the event: some source is its sentence's main
    happening, stands in the headline or lead, or dates it in its own words. Clause-level
    mentions in the body without a date of their own are there on request (`--all`), so
    that more mentions never flood the timeline. (How many articles share a clause-level
    word is no sign of importance: two reports of one story share most of their words.)"""
    return any(s.main or s.headline or s.lead or s.time_text is not None for s in sources)


def refresh_event(event: EventState, sources: list[StoredSource], *, ws: WorkSet) -> None:
    """Derive the event's fields and actors from all its sources (order-independent)."""
    facts = [
        SourceFacts(
            s.start,
            s.end,
            s.precision,
            s.date_inferred,
            s.type,
            s.modality,
            s.title,
            s.quote,
            s.main,
        )
        for s in sources
    ]
    best = summarise(facts)
    event.start, event.end = best.start, best.end
    event.precision, event.date_inferred = best.precision, best.date_inferred
    event.type, event.modality = best.type, best.modality
    event.title = title_source(facts, best).title
    event.salient = salient(sources)
    event.main = any(s.main or s.time_text is not None for s in sources)
    ws.save(event)
    keys = coref.filed_keys(s.coref for s in sources)
    if keys:
        ws.set_keys(event.id, keys)
    agents = {a for s in sources for a in (s.agents or [])}
    others = {a for s in sources for a in (s.actors or [])} - agents
    before = sources[:-1]  # the new source is the last one
    if (
        before
        and agents == {a for s in before for a in (s.agents or [])}
        and others == ({a for s in before for a in (s.actors or [])} - agents)
    ):
        return  # the new report names no one new: the actor rows stand
    if not before and not agents and not others:
        return  # a new event naming no one: no actor rows to write
    ws.set_actors(event.id, _roles(agents, others))
