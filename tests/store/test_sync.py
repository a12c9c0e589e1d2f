"""Incremental sync on SQLite and Postgres: `updated_at` moves with every change an API
client can see, merged-away events leave tombstones, and pages never skip or repeat."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from sqlalchemy.engine import Engine
from sqlmodel import select
from typer.testing import CliRunner

from config.settings import Settings, get_settings
from tests.timeline.conftest import Src, make_actor, make_article, make_event
from timeline.store import actors, events
from timeline.store.engine import session_scope
from timeline.store.models import Event, EventActor, EventLink, EventSource
from timeline.store.query import QueryError
from timeline.store.sync import changes_since

T0 = datetime(2025, 4, 21, 8, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def build(engine: Engine) -> dict[str, int]:
    """At T0: a truce, a violation linked to it, and a duplicate of the truce."""
    with freeze_time(T0), session_scope(engine) as s:
        a0 = make_article(s, "a0.txt", date(2025, 4, 21))
        a1 = make_article(s, "a1.txt", date(2025, 4, 21))
        putin = make_actor(s, "Vladimir Putin", kind="person")
        truce = make_event(s, "Putin declares a truce", date(2025, 4, 19), type="CEASEFIRE",
                           actors=[putin], sources=[Src(a0, "Putin declared a truce.")])  # fmt: skip
        dup = make_event(s, "Easter truce", date(2025, 4, 19), type="CEASEFIRE",
                         sources=[Src(a0, "Putin declared a truce."), Src(a1, "An Easter truce began.")])  # fmt: skip
        violation = make_event(s, "Ukraine reports violations", date(2025, 4, 20), type="ACCUSE")
        events.add_link(session=s, source_id=violation.id, target_id=dup.id, kind="violates")  # type: ignore[arg-type]
        assert truce.id and dup.id and violation.id
        return {"truce": truce.id, "dup": dup.id, "violation": violation.id, "a1": a1.id}  # type: ignore[dict-item]


def ids(engine: Engine, since: datetime) -> tuple[list[int], list[tuple[int, int | None]]]:
    with session_scope(engine) as s:
        page = changes_since(session=s, since=since)
        return [v.id for v in page.events], [(t.id, t.merged_into) for t in page.tombstones]


def test_changes_follow_every_write(engine: Engine) -> None:
    e = build(engine)
    assert ids(engine, T0 - timedelta(seconds=1)) == (
        sorted(e[k] for k in ("truce", "dup", "violation")),
        [],
    )
    assert ids(engine, T0) == ([], [])
    # A new source (what a merge of a new report does) moves the event forward.
    with freeze_time(at(5)), session_scope(engine) as s:
        events.add_source(session=s, source=EventSource(event_id=e["violation"], article_id=e["a1"],
                                                        sentence_index=7, quote="Kyiv said ..."))  # fmt: skip
    assert ids(engine, T0) == ([e["violation"]], [])
    # Saving a re-derived event, or changing its actors, does too.
    with freeze_time(at(10)), session_scope(engine) as s:
        truce = s.get(Event, e["truce"])
        assert truce is not None
        truce.title = "Putin declares a 30-hour Easter truce"
        events.save_event(session=s, event=truce)
    with freeze_time(at(12)), session_scope(engine) as s:
        actors.set_event_actors(session=s, event_id=e["dup"], actors=[
            (make_actor(s, "Russia"), "agent")])  # fmt: skip
    assert ids(engine, at(5)) == ([e["truce"], e["dup"]], [])
    with session_scope(engine) as s:
        (view,) = [v for v in changes_since(session=s, since=at(11)).events]
        assert view.updated_at == at(12)


def test_a_merge_leaves_a_tombstone_and_moves_everything(engine: Engine) -> None:
    e = build(engine)
    with freeze_time(at(20)), session_scope(engine) as s:
        events.merge_events(session=s, merged_id=e["dup"], into_id=e["truce"])
    changed, gone = ids(engine, at(19))
    assert gone == [(e["dup"], e["truce"])]
    # The survivor changed (new sources), and so did the event whose link now points at it.
    assert sorted(changed) == sorted([e["truce"], e["violation"]])
    with session_scope(engine) as s:
        assert s.get(Event, e["dup"]) is None
        quotes = sorted(src.quote for src in s.exec(
            select(EventSource).where(EventSource.event_id == e["truce"])))  # fmt: skip
        # The sentence both events had is kept once; the other report moved over.
        assert quotes == ["An Easter truce began.", "Putin declared a truce."]
        links = s.exec(select(EventLink)).all()
        assert [(lk.source_id, lk.target_id, lk.kind) for lk in links] == [
            (e["violation"], e["truce"], "violates")]  # fmt: skip
        assert s.exec(select(EventActor).where(EventActor.event_id == e["dup"])).all() == []


def test_pages_never_skip_or_repeat(engine: Engine) -> None:
    build(engine)
    with session_scope(engine) as s:
        more = [make_event(s, f"event {n}", date(2025, 4, 22)) for n in range(7)]  # same instant
        assert all(m.id for m in more)
    seen: list[int] = []
    cursor = None
    with session_scope(engine) as s:
        while True:
            page = changes_since(session=s, since=T0 - timedelta(days=1), limit=2, cursor=cursor)
            assert len(page.events) <= 2
            seen += [v.id for v in page.events]
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(seen) == len(set(seen)) == 10
        with pytest.raises(QueryError):
            changes_since(session=s, since=T0, cursor="not-a-cursor")


def test_api_and_cli_updated_since(
    store_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    e = build(engine)
    with freeze_time(at(20)), session_scope(engine) as s:
        events.merge_events(session=s, merged_id=e["dup"], into_id=e["truce"])
    from timeline.api import create_app

    with TestClient(create_app(Settings(database_url=store_url, use_spacy=False))) as client:
        body = client.get("/events", params={"updated_since": "2025-04-21T08:10:00Z"}).json()
        assert sorted(ev["id"] for ev in body["events"]) == sorted([e["truce"], e["violation"]])
        assert all(ev["updated_at"].startswith("2025-04-21T08:20:00") for ev in body["events"])
        assert [(t["id"], t["merged_into"]) for t in body["tombstones"]] == [(e["dup"], e["truce"])]
        # A naive time is UTC; the plain listing still works and carries updated_at too.
        assert (
            client.get("/events", params={"updated_since": "2025-04-21T08:30:00"}).json()["events"]
            == []
        )
        assert "updated_at" in client.get("/events").json()["events"][0]
        bad = client.get("/events", params={"updated_since": "2025-04-21", "actor": "Putin"})
        assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == [
            "query",
            "updated_since",
        ]
    from timeline.cli.main import app

    monkeypatch.setenv("EVENTLINE_DATABASE_URL", store_url)
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        out = runner.invoke(
            app, ["events", "--updated-since", "2025-04-21T08:10:00Z", "-f", "jsonl"]
        )
        assert out.exit_code == 0, out.stderr
        lines = [__import__("json").loads(line) for line in out.stdout.splitlines()]
        assert [x["id"] for x in lines if x.get("tombstone")] == [e["dup"]]
        assert sorted(x["id"] for x in lines if not x.get("tombstone")) == sorted(
            [e["truce"], e["violation"]]
        )
        table = runner.invoke(app, ["events", "--updated-since", "2025-04-21T08:10"])
        assert f"#{e['dup']} merged into #{e['truce']}" in table.stdout
        assert runner.invoke(app, ["events", "--updated-since", "yesterday"]).exit_code == 2
        assert (
            runner.invoke(app, ["events", "--updated-since", "2025-04-21", "-f", "csv"]).exit_code
            == 2
        )
    finally:
        get_settings.cache_clear()
