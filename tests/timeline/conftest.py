"""Factories and stores for the timeline tests: plain functions writing model rows directly.

`easter` builds the "Easter truce" story of the seed articles by hand (no ingest), so query,
story, export, CLI and API tests do not depend on the ingest pipeline's current accuracy.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from timeline.store.engine import make_engine, session_scope, upgrade
from timeline.store.models import (
    Actor,
    ActorAlias,
    Article,
    Event,
    EventActor,
    EventLink,
    EventSource,
)

A000 = "seeds/000_cb83dc8ea2603296.txt"
A001 = "seeds/001_5d60efc459c9e1f5.txt"


def make_article(session: Session, location: str, published: date | None) -> Article:
    article = Article(
        location=location,
        content_hash=f"hash-{location}",
        title=Path(location).stem,
        published=published,
        published_source="text" if published else "none",
        text=f"text of {location}",
    )
    session.add(article)
    session.flush()
    return article


def make_actor(session: Session, name: str, *aliases: str, kind: str = "state") -> Actor:
    actor = Actor(name=name, kind=kind)
    session.add(actor)
    session.flush()
    assert actor.id is not None
    for alias in {name.lower(), *(a.lower() for a in aliases)}:
        session.add(ActorAlias(alias=alias, actor_id=actor.id))
    return actor


@dataclass(frozen=True)
class Src:
    """A source to attach: article, verbatim quote, time expression."""

    article: Article
    quote: str
    time_text: str | None = None
    time_value: str | None = None


def make_event(
    session: Session,
    title: str,
    start: date | None,
    end: date | None = None,
    *,
    type: str = "STATEMENT",
    modality: str = "occurred",
    precision: str | None = None,
    inferred: bool = False,
    actors: Iterable[tuple[Actor, str] | Actor] = (),
    sources: Iterable[Src] = (),
) -> Event:
    event = Event(
        title=title,
        start=start,
        end=end if end is not None else start,
        precision=precision or ("day" if start else "unknown"),
        date_inferred=inferred,
        type=type,
        modality=modality,
    )
    session.add(event)
    session.flush()
    assert event.id is not None
    for item in actors:
        actor, role = item if isinstance(item, tuple) else (item, "participant")
        assert actor.id is not None
        session.add(EventActor(event_id=event.id, actor_id=actor.id, role=role))
    for n, src in enumerate(sources):
        assert src.article.id is not None
        session.add(
            EventSource(
                event_id=event.id,
                article_id=src.article.id,
                sentence_index=n,
                quote=src.quote,
                time_text=src.time_text,
                time_value=src.time_value,
            )
        )
    session.flush()
    return event


def link(session: Session, source: Event, kind: str, target: Event) -> None:
    """`source` <kind> `target`, e.g. link(violations, "violates", truce)."""
    assert source.id is not None and target.id is not None
    session.add(EventLink(source_id=source.id, target_id=target.id, kind=kind))
    session.flush()


def easter_data(session: Session) -> dict[str, int]:
    """The Easter truce chain plus neighbours and distractors; returns ids by name.

    The violations are created before the truce, with the same dates, so only the link
    (violations violates truce) can put the truce first in the story.
    """
    a0 = make_article(session, A000, date(2025, 4, 21))
    a1 = make_article(session, A001, date(2025, 4, 21))
    putin = make_actor(session, "Vladimir Putin", "Putin", kind="person")
    russia = make_actor(session, "Russia", "Moscow", "the Kremlin", "Kremlin")
    ukraine = make_actor(session, "Ukraine", "Kyiv", "Kiev")
    peskov = make_actor(session, "Dmitry Peskov", "Peskov", "Dmitri Peskov", kind="person")
    zelensky = make_actor(
        session, "Volodymyr Zelenskyy", "Zelensky", "Zelenskiy", "Zelenskyy", kind="person"
    )
    trump = make_actor(session, "Donald Trump", "Trump", kind="person")
    easter = (date(2025, 4, 19), date(2025, 4, 20))
    monday = date(2025, 4, 21)
    ids: dict[str, Event] = {}
    ids["violations"] = make_event(
        session,
        "Ukraine reports nearly 3,000 Russian violations of the truce",
        *easter,
        type="ACCUSE",
        modality="claimed",
        actors=[(ukraine, "agent"), (russia, "target")],
        sources=[
            Src(
                a0,
                "Despite the temporary Easter truce, Ukraine reported nearly 3,000 violations "
                "by Russian forces, including heavy attacks along the Pokrovsk section.",
                "the weekend",
                "2025-W16-WE",
            )
        ],
    )
    ids["truce"] = make_event(
        session,
        "Putin declares a 30-hour Easter truce",
        *easter,
        type="CEASEFIRE",
        actors=[(putin, "agent"), (russia, "participant")],
        sources=[
            Src(
                a0,
                "Putin also indicated that he would consider additional ceasefires following "
                "a unilateral 30-hour Easter truce declared over the weekend.",
                "over the weekend",
                "2025-W16-WE",
            )
        ],
    )
    ids["trump_warning"] = make_event(
        session,
        "Trump and Rubio warn the US could abandon peace efforts",
        date(2025, 4, 18),
        type="THREATEN",
        actors=[(trump, "agent")],
        sources=[
            Src(
                a0,
                "On Friday, U.S. President Donald Trump and Secretary of State Marco Rubio "
                "cautioned that Washington could abandon its support for peace negotiations.",
                "On Friday",
                "2025-04-18",
            )
        ],
    )
    ids["proposal"] = make_event(
        session,
        "Putin says Moscow is open to talks with Ukraine",
        monday,
        type="CONSULT",
        modality="announced",
        actors=[(putin, "agent"), (ukraine, "participant")],
        sources=[
            Src(
                a0,
                "Russian President Vladimir Putin stated on Monday that Moscow is open to "
                "bilateral negotiations with Ukraine.",
                "on Monday",
                "2025-04-21",
            ),
            Src(
                a1,
                "On Monday, April 21, 2025, Russian President Vladimir Putin declared his "
                "openness to direct peace talks with Ukraine.",
                "On Monday, April 21, 2025",
                "2025-04-21",
            ),
        ],
    )
    ids["clarification"] = make_event(
        session,
        "Peskov says Putin meant talks on not striking civilian targets",
        monday,
        type="STATEMENT",
        modality="announced",
        inferred=True,
        actors=[(peskov, "agent")],
        sources=[
            Src(
                a1,
                "Kremlin spokesman Dmitry Peskov said the president had in mind negotiations "
                "with the Ukrainian side on not striking civilian targets.",
            )
        ],
    )
    ids["reaction"] = make_event(  # three links from the seeds: outside a 2-hop story
        session,
        "Zelenskiy says Kyiv is eager to discuss a halt to attacks on civilian targets",
        monday,
        type="CONSULT",
        modality="announced",
        actors=[(zelensky, "agent"), (ukraine, "participant")],
        sources=[Src(a1, "Zelenskiy also said Kyiv is eager to discuss a halt to attacks.")],
    )
    ids["london"] = make_event(
        session,
        "Ukrainian delegation to travel to London for talks",
        date(2025, 4, 23),
        type="CONSULT",
        modality="planned",
        actors=[(zelensky, "agent"), (ukraine, "participant")],
        sources=[
            Src(a0, "A delegation from Kyiv will travel to London on Wednesday.", "Wednesday")
        ],
    )
    ids["deal_week"] = make_event(
        session,
        "Trump says a deal could be reached this week",
        date(2025, 4, 21),
        precision="week",
        type="AGREE",
        modality="claimed",
        actors=[(trump, "agent")],
        sources=[Src(a0, "Trump suggested that a deal could be reached “this week.”", "this week")],
    )
    ids["invasion"] = make_event(
        session,
        "Russia’s February 2022 invasion",
        date(2022, 2, 1),
        precision="month",
        type="ASSAULT",
        actors=[(russia, "agent"), (ukraine, "target")],
        sources=[
            Src(
                a1,
                "There have been no direct talks since the early weeks after Russia’s "
                "February 2022 invasion.",
                "February 2022",
                "2022-02",
            )
        ],
    )
    ids["gaza_truce"] = make_event(  # shares a word with the topic, not the topic
        session,
        "Truce talks resume in Cairo",
        date(2025, 3, 2),
        type="CONSULT",
        sources=[Src(a0, "Negotiators met in Cairo on a truce, officials said.")],
    )
    ids["undated"] = make_event(
        session,
        "Reuters notes battlefield claims could not be verified",
        None,
        sources=[Src(a0, "Reuters noted that claims from both sides could not be verified.")],
    )
    link(session, ids["violations"], "violates", ids["truce"])
    link(session, ids["proposal"], "follows", ids["truce"])
    link(session, ids["clarification"], "elaborates", ids["proposal"])
    link(session, ids["reaction"], "responds_to", ids["clarification"])
    return {name: e.id for name, e in ids.items() if e.id is not None}


@pytest.fixture
def easter(engine: Engine) -> dict[str, int]:
    """The Easter data in each store (SQLite file; Postgres schema when reachable)."""
    with session_scope(engine) as session:
        return easter_data(session)


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    eng = make_engine(sqlite_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def easter_sqlite(sqlite_engine: Engine) -> dict[str, int]:
    """The Easter data in a SQLite file (front-end tests: CLI, API)."""
    with session_scope(sqlite_engine) as session:
        return easter_data(session)
