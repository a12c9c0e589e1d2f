"""Shared fixtures: real stores (a SQLite file, and a throw-away Postgres schema).

Postgres: `EVENTLINE_TEST_POSTGRES_URL` (default: the local server CI provides). Each test
session creates its own schema and drops it at the end, so runs never see each other's rows.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from timeline.store.engine import make_engine, upgrade

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A fresh SQLite file per test."""
    return f"sqlite:///{tmp_path / 'eventline.db'}"


@pytest.fixture(scope="session")
def _postgres_schema() -> Iterator[str]:
    base = os.environ.get("EVENTLINE_TEST_POSTGRES_URL", DEFAULT_PG)
    schema = f"el_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT", pool_pre_ping=True)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # no server: the Postgres tests skip, saying why
        pytest.skip(f"Postgres not reachable at {base}: {type(exc).__name__}")
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def postgres_url(_postgres_schema: str) -> Iterator[str]:
    """A Postgres URL whose schema is empty at the start of each test."""
    engine = create_engine(_postgres_schema)
    with engine.begin() as conn:
        tables = (
            conn.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
            .scalars()
            .all()
        )
        if tables:
            conn.execute(text("DROP TABLE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    engine.dispose()
    yield _postgres_schema


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest) -> str:
    """Run a store test on SQLite and on Postgres."""
    name = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    return str(request.getfixturevalue(name))


@pytest.fixture
def engine(store_url: str) -> Iterator[Engine]:
    """A migrated engine on each store."""
    eng = make_engine(store_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """`slow` tests run only when asked for (`-m slow`), as pyproject.toml's marker says."""
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
