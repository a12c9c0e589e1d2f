"""The schema comes from Alembic on SQLite and Postgres alike, and upgrading is idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from timeline.store.engine import current_revision, head_revision, session_scope, upgrade
from timeline.store.models import Article

TABLES = {
    "article",
    "event",
    "eventsource",
    "actor",
    "actoralias",
    "eventactor",
    "eventlink",
    "feed",
    "ingestrun",
    "eventspan",
    "story",
    "storyevent",
    "entryfailure",
    "alembic_version",
}


def test_new_database_is_at_head_with_every_table(engine: Engine) -> None:
    assert current_revision(engine) == head_revision()
    assert set(inspect(engine).get_table_names()) >= TABLES
    upgrade(engine)  # a second upgrade is a no-op
    assert current_revision(engine) == head_revision()


def test_event_date_index_exists(engine: Engine) -> None:
    names = {ix["name"] for ix in inspect(engine).get_indexes("event")}
    assert "ix_event_start_end" in names


def test_article_location_and_hash_are_unique(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Article(location="a", content_hash="h1", text="x", published=date(2025, 1, 1)))
    for location, digest in (("a", "h2"), ("b", "h1")):
        with Session(engine) as session:
            session.add(Article(location=location, content_hash=digest, text="y"))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
            else:
                raise AssertionError(f"duplicate {location}/{digest} was accepted")


def test_span_and_text_indexes_downgrade_and_upgrade_again(engine: Engine) -> None:
    from alembic import command

    from timeline.store.engine import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert "eventspan" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert "eventspan" in inspect(engine).get_table_names()
