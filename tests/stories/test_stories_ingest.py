"""Stories built by the real pipeline, article by article, on SQLite files.

- The stories do not depend on the order articles arrive in, and the incremental update gives
  what a rebuild from scratch gives (the invariant timeline.stories.update relies on).
- A three-day story written for this test (tests/data/chains/port_strike: a threat, the other
  side's rejection, a meeting; no connective links the steps) comes out as one chain with
  inferred links of the right kinds.
- The seeds' chain C1 (Easter truce -> violations -> talk proposal) holds with the shared
  scorer, run as a user would: `eventline ingest`, `events`, `story "Easter truce"`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from ingest.pipeline import ingest_batch
from ingest.sources.files import read_articles
from tests.conftest import ROOT, SEEDS
from timeline.store.engine import open_store, session_scope
from timeline.store.models import Event, EventLink, Story, StoryEvent
from timeline.stories.update import rebuild_stories
from timeline.story import find_stories, stored_story

CHAIN = ROOT / "tests" / "data" / "chains" / "port_strike"
STORIES = ROOT / "tests" / "data" / "stories"
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
GOLD = ROOT.parent / "shared" / "eval" / "seeds_gold.json"


def ingest(engine: Engine, paths: list[Path]) -> None:
    items = [a for p in paths for a in read_articles(p, max_bytes=5_000_000)]
    run = ingest_batch(items, engine=engine)
    assert run.failed == 0, run.items


Snapshot = tuple[frozenset[frozenset[tuple[str, str]]], frozenset[tuple[str, str, str]]]


def snapshot(engine: Engine) -> Snapshot:
    """Stories and inferred links in terms of event content (ids differ between orders)."""
    with Session(engine) as session:
        # stories are made of main and self-dated happenings (clause-level mentions stay out)
        events = {
            e.id: (str(e.start), e.title)
            for e in session.exec(select(Event).where(col(Event.main).is_(True)))
        }
        groups: dict[int, set[tuple[str, str]]] = {}
        for member in session.exec(select(StoryEvent)):
            groups.setdefault(member.story_id, set()).add(events[member.event_id])
        links = frozenset(
            (events[link.source_id][1], events[link.target_id][1], link.kind)
            for link in session.exec(select(EventLink).where(col(EventLink.origin) == "story"))
        )
        dated = {i for i, (day, _) in events.items() if day != "None"}
        assert sum(len(g) for g in groups.values()) == len(dated)  # every dated event, once
        return frozenset(frozenset(g) for g in groups.values()), links


def seed_paths() -> list[Path]:
    return sorted(SEEDS.glob("*.txt"))


def both_orders(tmp_path: Path) -> list[Snapshot]:
    """The seeds and the port strike ingested one article at a time, forwards and backwards;
    each store's stories checked against a rebuild from scratch."""
    paths = [*seed_paths(), *sorted(CHAIN.glob("*.txt"))]
    results = []
    for n, order in enumerate((paths, paths[::-1])):
        engine = open_store(f"sqlite:///{tmp_path / f'order{n}.db'}")
        for path in order:  # one article at a time: the incremental path
            ingest(engine, [path])
        results.append(snapshot(engine))
        with session_scope(engine) as session:
            rebuild_stories(session=session)
        assert snapshot(engine) == results[-1]  # incremental == from scratch
        engine.dispose()
    return results


def test_stories_do_not_depend_on_the_order_of_articles(tmp_path: Path) -> None:
    results = both_orders(tmp_path)
    assert results[0][0] == results[1][0]
    groups, _ = results[0]
    big = sorted((g for g in groups if len(g) > 1), key=len)
    assert len(big) >= 2  # the port strike and the Easter truce stay apart
    assert not any(
        {day[:4] for day, _ in g} >= {"2024", "2025"} for g in groups
    )  # no story mixes the two


def test_story_links_do_not_depend_on_the_order_of_articles(tmp_path: Path) -> None:
    results = both_orders(tmp_path)
    assert results[0][1] == results[1][1]


def test_three_day_story_without_connectives(tmp_path: Path) -> None:
    engine = open_store(f"sqlite:///{tmp_path / 'chain.db'}")
    ingest(engine, sorted(CHAIN.glob("*.txt"))[::-1])  # newest first: order must not matter
    with session_scope(engine) as session:
        assert not session.exec(
            select(EventLink).where(col(EventLink.origin) == "text")
        ).all()  # nothing in the text links the steps
        [info] = find_stories(session=session, query="FNV Havens", limit=1)
        story = stored_story(session=session, story_id=info.id)
    assert story is not None
    steps = [(str(s.event.start), s.event.type, s.via.kind if s.via else None) for s in story.steps]
    assert steps == [
        ("2024-03-04", "THREATEN", None),
        ("2024-03-06", "REJECT", "responds_to"),  # the employers answer the union
        ("2024-03-08", "CONSULT", "follows"),
    ]
    assert story.steps[1].via is not None and story.steps[1].via.other_id == story.steps[0].event.id
    engine.dispose()


def test_real_story_sets_each_make_one_main_story(tmp_path: Path) -> None:
    """All real sets in one store: each set's biggest story holds most of its dated events,
    and no story takes events from two sets."""
    engine = open_store(f"sqlite:///{tmp_path / 'sets.db'}")
    sets = sorted(p for p in STORIES.iterdir() if p.is_dir())
    for folder in sets:
        ingest(engine, sorted(folder.glob("*.txt")))
    with Session(engine) as session:
        stories = session.exec(select(Story).order_by(col(Story.events).desc())).all()
        years = [(s.start.year, s.end.year) for s in stories]
    assert all(a == b for a, b in years)  # 2009 and 2010 never meet
    top = {s.start.year: s for s in reversed(stories)}
    assert {2009, 2010} <= set(top)
    for story in top.values():
        assert story.articles == 3  # every outlet of the set is in its main story
    engine.dispose()


@pytest.mark.skipif(not SCORER.is_file(), reason="the shared scorer is absent")
def test_seeds_chain_c1_holds_with_the_scorer(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("eventline")
    env = {**os.environ, "EVENTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'seeds.db'}"}

    def run(*args: str) -> str:
        proc = subprocess.run(
            [str(exe), *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    run("ingest", str(SEEDS))
    (tmp_path / "e.json").write_text(run("events", "--format", "json"), encoding="utf-8")
    (tmp_path / "s.json").write_text(
        run("story", "Easter truce", "--format", "json"), encoding="utf-8"
    )
    proc = subprocess.run(
        [
            sys.executable,
            str(SCORER),
            "--gold",
            str(GOLD),
            "--events",
            str(tmp_path / "e.json"),
            "--story",
            f"C1={tmp_path / 's.json'}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout
    assert "C1   ok" in proc.stdout
    story = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert story["stories"] and story["stories"][0]["events"] >= 3


def test_a_merged_away_event_leaves_its_story(tmp_path: Path) -> None:
    """store.events.merge_events (coreference folding one event into another): the merged
    event's membership goes with it, inferred links keep their origin, and re-grouping the
    survivor gives what a rebuild gives."""
    from timeline.store import events as store_events
    from timeline.stories.update import update_stories

    engine = open_store(f"sqlite:///{tmp_path / 'merge.db'}")
    ingest(engine, sorted(CHAIN.glob("*.txt")))
    with session_scope(engine) as session:
        rows = {e.type: e.id for e in session.exec(select(Event))}
        store_events.merge_events(
            session=session, merged_id=rows["CONSULT"], into_id=rows["REJECT"]
        )
        assert session.get(StoryEvent, rows["CONSULT"]) is None
        origins = {link.origin for link in session.exec(select(EventLink))}
        assert origins == {"story"}
        update_stories(session=session, event_ids=[rows["REJECT"]])
    incremental = snapshot(engine)
    with session_scope(engine) as session:
        rebuild_stories(session=session)
    assert snapshot(engine) == incremental
    engine.dispose()
