"""`eventline db rekey`: events stored before a version's new coreference keys get them."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, delete, select
from typer.testing import CliRunner

from config.settings import get_settings
from ingest.pipeline import ingest_batch
from ingest.rekey import rekey_events
from tests.pipeline.test_seeds import seed_articles
from timeline.cli.main import app
from timeline.store.engine import open_store
from timeline.store.models import EventKey


def keys(engine: Engine) -> list[tuple[int, str, object, object]]:
    with Session(engine) as session:
        rows = session.exec(select(EventKey.event_id, EventKey.key, EventKey.start, EventKey.end))
        return sorted((e, k, s, t) for e, k, s, t in rows)


def forget_synonym_keys(engine: Engine) -> None:
    """As a store written before the verb-synonym keys ("s:...") existed."""
    with Session(engine) as session:
        session.exec(delete(EventKey).where(col(EventKey.key).startswith("s:")))  # type: ignore[call-overload]
        session.commit()


def test_rekey_restores_the_keys_ingest_writes(engine: Engine) -> None:
    ingest_batch(seed_articles(), engine=engine)
    written = keys(engine)
    assert any(k.startswith("s:") for _, k, _, _ in written)
    forget_synonym_keys(engine)
    assert keys(engine) != written
    assert rekey_events(engine, batch=7) > 0  # several pages
    assert keys(engine) == written
    rekey_events(engine)  # again: nothing changes
    assert keys(engine) == written


def test_db_rekey_command(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = open_store(sqlite_url)
    ingest_batch(seed_articles(), engine=engine)
    written = keys(engine)
    forget_synonym_keys(engine)
    monkeypatch.setenv("EVENTLINE_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "rekey"], catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0
    assert result.output.startswith("re-filed ")
    assert keys(engine) == written
