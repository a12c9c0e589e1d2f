"""Stories: text seeds, expansion along links, topological order (SQLite and Postgres)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.engine import Engine

from timeline.store.engine import session_scope
from timeline.store.query import EventView, LinkView
from timeline.story import build_story, chain


def story_ids(engine: Engine, query: str, **kw: int) -> list[int]:
    with session_scope(engine) as session:
        return [v.id for v in build_story(session=session, query=query, **kw).events]


def test_easter_truce_chain(engine: Engine, easter: dict[str, int]) -> None:
    e = easter
    with session_scope(engine) as session:
        story = build_story(session=session, query="Easter truce")
    steps = [(s.event.id, s.via.kind if s.via else None, s.seed) for s in story.steps]
    assert steps == [
        (e["truce"], None, True),  # the target first although the violations have a lower id
        (e["violations"], "violates", True),
        (e["proposal"], "follows", False),  # one link away
        (e["clarification"], "elaborates", False),  # two links away
    ]
    via = story.steps[2].via
    assert via is not None and via.other_id == e["truce"] and via.direction == "out"


def test_hops_bound_the_story(engine: Engine, easter: dict[str, int]) -> None:
    e = easter
    assert e["reaction"] not in story_ids(engine, "Easter truce")
    assert story_ids(engine, "Easter truce", hops=3)[-1] == e["reaction"]
    assert story_ids(engine, "Easter truce", hops=0) == [e["truce"], e["violations"]]
    # Not a text search: the Cairo truce shares a word, not the topic, and is not linked.
    assert e["gaza_truce"] not in story_ids(engine, "Easter truce", hops=3)
    assert story_ids(engine, "no such topic anywhere") == []


def test_story_from_the_middle_reaches_both_ways(engine: Engine, easter: dict[str, int]) -> None:
    e = easter
    got = story_ids(engine, "Peskov civilian")
    assert got == [e["truce"], e["proposal"], e["clarification"], e["reaction"]]


def view(ident: int, day: date | None, *links: tuple[str, int, int]) -> EventView:
    return EventView(
        id=ident,
        start=day,
        end=day,
        precision="day",
        date_inferred=False,
        type="STATEMENT",
        modality="occurred",
        title=f"event {ident}",
        links=[
            LinkView(kind, src, dst, dst if src == ident else src, "") for kind, src, dst in links
        ],
    )


def test_chain_orders_by_links_then_dates() -> None:
    d1, d2 = date(2025, 4, 20), date(2025, 4, 21)
    # 1 elaborates 3, although 1 is dated earlier; 2 is unrelated and in between by date.
    views = [view(1, d1, ("elaborates", 1, 3)), view(2, d1), view(3, d2, ("elaborates", 1, 3))]
    assert [s.event.id for s in chain(views)] == [2, 3, 1]


def test_chain_survives_a_cycle_and_undated_events() -> None:
    d = date(2025, 4, 20)
    views = [
        view(1, d, ("follows", 1, 2), ("follows", 2, 1)),
        view(2, d, ("follows", 1, 2), ("follows", 2, 1)),
        view(3, None),
    ]
    assert [s.event.id for s in chain(views)] == [1, 2, 3]
