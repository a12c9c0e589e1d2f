"""The schema comes from Alembic on SQLite and Postgres alike, and upgrading is idempotent."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from timeline.store.engine import current_revision, head_revision, session_scope, upgrade
from timeline.store.models import Article, EventSource

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


def test_text_document_downgrades_to_per_column_indexes_and_back(engine: Engine) -> None:
    """0010 (Postgres): the per-event documents replace the title and quote trigram indexes;
    its downgrade restores them, and upgrading again writes the documents of every event,
    those stored before and while at 0009. 0011 (Postgres): actorevent goes and comes back
    filled. SQLite keeps its documents (0009) throughout and never has actorevent."""
    from alembic import command

    from tests.timeline.conftest import Src, make_actor, make_article, make_event
    from timeline.store.engine import alembic_config
    from timeline.store.query import EventFilter, search_events

    def found(text: str) -> list[str]:
        with session_scope(engine) as session:
            page = search_events(session=session, filters=EventFilter(text=text))
            return [e.title for e in page.events]

    def indexes() -> set[str]:
        tables = ("event", "eventsource", "eventtext")
        present = set(inspect(engine).get_table_names())
        return {ix["name"] for t in tables if t in present for ix in inspect(engine).get_indexes(t)}

    with session_scope(engine) as session:
        art = make_article(session, "a.txt", date(2025, 4, 1))
        make_event(session, "Truce agreed", date(2025, 4, 1), sources=[Src(art, "Guns fell.")])
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0009")
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        assert "eventtext" not in inspect(engine).get_table_names()
        assert {"ix_event_title_trgm", "ix_eventsource_quote_trgm"} <= indexes()
    else:
        assert "eventtext" in inspect(engine).get_table_names()
    assert "actorevent" not in inspect(engine).get_table_names()
    with session_scope(engine) as session:
        other = make_article(session, "b.txt", date(2025, 4, 2))
        kyiv = make_actor(session, "Kyiv")
        talks = make_event(session, "Talks", date(2025, 4, 2), actors=[kyiv])
        # the columns 0009 has (the model's later ones, e.g. 0012's links, are not there yet)
        session.execute(
            insert(EventSource).values(
                event_id=talks.id, article_id=other.id, sentence_index=0, quote="An envoy spoke."
            )
        )
    upgrade(engine)
    assert ("actorevent" in inspect(engine).get_table_names()) == postgres
    with session_scope(engine) as session:
        page = search_events(session=session, filters=EventFilter(actor="kyiv"))
        assert [e.title for e in page.events] == ["Talks"]
    assert current_revision(engine) == head_revision()
    assert "eventtext" in inspect(engine).get_table_names()
    if postgres:
        assert "ix_eventtext_body_trgm" in indexes()
        assert not {"ix_event_title_trgm", "ix_eventsource_quote_trgm"} & indexes()
    assert found("guns") == ["Truce agreed"]
    assert found("talks envoy") == ["Talks"]
    assert found("truce envoy") == []


def test_text_links_stored_before_0012_get_their_mentions(engine: Engine) -> None:
    """0012 gives each text link stored before it to a pair of mentions of one article on its
    two events (eventsource.links), so re-deriving the links keeps it; its downgrade drops the
    column (SQLite without a table rebuild: eventtext's triggers name eventsource)."""
    from alembic import command

    from tests.timeline.conftest import link, make_article, make_event
    from timeline.store.engine import alembic_config

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0011")
    assert "links" not in {c["name"] for c in inspect(engine).get_columns("eventsource")}
    with session_scope(engine) as session:
        art = make_article(session, "a.txt", date(2025, 4, 21))
        hint = make_event(session, "Putin hints at talks", date(2025, 4, 21))
        truce = make_event(session, "Easter truce", date(2025, 4, 20))
        for event, start, quote in ((hint, 6, "Putin has hinted"), (truce, 60, "a failed truce")):
            session.execute(  # the columns 0011 has
                insert(EventSource).values(
                    event_id=event.id, article_id=art.id, quote=quote, trigger_start=start
                )
            )
        link(session, hint, "follows", truce)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with Session(engine) as session:
        rows = {s.trigger_start: s.links for s in session.exec(select(EventSource))}
    assert rows == {6: [[60, "follows"]], 60: None}
