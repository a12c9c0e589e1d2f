"""Issue 10 faults 1, 3 and 8 and the 422 echo: the API's edges, on real stores and a real
uvicorn server process where the transport matters (streamed bodies, start-up messages)."""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlmodel import Session, func, select

from config.settings import Settings
from timeline.api import create_app
from timeline.store.engine import make_engine
from timeline.store.models import Article

TOKEN = "s3cret-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """A factory-free live server: `eventline serve` in its own process, with extra env."""
    procs: list[subprocess.Popen[bytes]] = []

    def start(**env: str) -> tuple[str, subprocess.Popen[bytes], Path]:
        port = free_port()
        log = tmp_path / f"serve-{port}.log"
        full = {
            **os.environ,
            "EVENTLINE_DATABASE_URL": f"sqlite:///{tmp_path / 'served.db'}",
            "EVENTLINE_USE_SPACY": "false",
            **env,
        }
        cmd = [sys.executable, "-c", "from timeline.cli.main import main; main()",
               "serve", "--port", str(port)]  # fmt: skip
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=full, stdout=log.open("wb"),
                                stderr=subprocess.STDOUT)  # fmt: skip
        procs.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    return base, proc, log
            except httpx.HTTPError:
                time.sleep(0.1)
        raise AssertionError(f"server did not start:\n{log.read_text()}")

    yield start  # type: ignore[misc]
    for proc in procs:
        proc.terminate()
        proc.wait(10)


# --- fault 1: an empty token must mean "writes off" ----------------------------------------


def test_empty_token_setting_is_off(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVENTLINE_API_TOKEN", "")
    settings = Settings(_env_file=None, database_url=sqlite_url, use_spacy=False)  # type: ignore[call-arg]
    assert settings.api_token is None
    with TestClient(create_app(settings)) as client:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer x"}):
            response = client.post(
                "/ingest", json=[{"text": "The minister resigned."}], headers=headers
            )
            assert response.status_code == 403, response.text
            assert "disabled" in response.json()["detail"]
    with Session(make_engine(sqlite_url)) as session:
        assert session.exec(select(func.count()).select_from(Article)).one() == 0


def test_empty_token_served_says_writes_are_off(served) -> None:  # type: ignore[no-untyped-def]
    base, _proc, log = served(EVENTLINE_API_TOKEN="")
    response = httpx.post(base + "/ingest", json=[{"text": "The minister resigned."}], timeout=10)
    assert response.status_code == 403, response.text
    assert "writes (POST /ingest) are off" in log.read_text()


# --- fault 3: NUL and out-of-range cursors are 422 on both stores --------------------------


def cursor(ident: int, start: str | None = "2025-04-20") -> str:
    raw = json.dumps([start, start, ident], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


HOSTILE = [
    "/events?type=%00",
    "/events?type=PROTEST,%00",
    "/events?actor=%00",
    "/events?q=a%00b",
    "/events?%00=1",
    "/stories?q=%00",
    f"/events?cursor={cursor(2**31)}",
    f"/events?cursor={cursor(2**63 - 1)}",
    f"/events?cursor={cursor(2**31, None)}",
    f"/log?cursor={cursor(2**31)}",
]


@pytest.mark.parametrize("path", HOSTILE)
def test_hostile_parameters_are_422_on_both_stores(
    path: str, store_url: str, easter: dict[str, int]
) -> None:
    app = create_app(Settings(database_url=store_url, use_spacy=False))
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get(path)
    assert response.status_code == 422, (path, response.status_code, response.text[:300])
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail[0]["loc"][0] == "query"


def test_largest_valid_cursor_id_still_pages(store_url: str, easter: dict[str, int]) -> None:
    with TestClient(create_app(Settings(database_url=store_url, use_spacy=False))) as client:
        response = client.get(f"/events?cursor={cursor(2**31 - 1)}")
    assert response.status_code == 200, response.text


# --- fault 8: the request body is capped (413) ----------------------------------------------


def test_declared_huge_body_is_413_unread(sqlite_url: str) -> None:
    settings = Settings(
        database_url=sqlite_url,
        api_token=SecretStr(TOKEN),
        use_spacy=False,
        max_request_bytes=1_000_000,
    )
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/ingest",
            content=b"[" + b" " * 2_000_000 + b"]",
            headers={**AUTH, "Content-Type": "application/json"},
        )
    assert response.status_code == 413
    assert "1,000,000 byte limit" in response.json()["detail"]


def test_streamed_100mb_body_is_413_on_a_real_server(served) -> None:  # type: ignore[no-untyped-def]
    """Chunked, no Content-Length, with a valid token: the server stops at the cap (default
    8 MB) and answers 413 instead of reading 100 MB."""
    base, proc, log = served(EVENTLINE_API_TOKEN=TOKEN)

    def chunks() -> Iterator[bytes]:
        yield b'[{"text": "'
        for _ in range(100):
            yield b"x" * (1 << 20)
        yield b'"}]'

    try:
        response = httpx.post(
            base + "/ingest",
            content=chunks(),
            headers={**AUTH, "Content-Type": "application/json"},
            timeout=30,
        )
        status = response.status_code
    except httpx.HTTPError:  # the server may close while we still send: that is a refusal too
        status = 413
    assert status == 413, status
    assert proc.poll() is None, log.read_text()  # still serving
    assert httpx.get(base + "/healthz", timeout=5).status_code == 200


def test_small_bodies_still_ingest(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, api_token=SecretStr(TOKEN), use_spacy=False)
    with TestClient(create_app(settings)) as client:
        response = client.post(
            "/ingest", json=[{"text": "The minister resigned on Monday."}], headers=AUTH
        )
    assert response.status_code == 200, response.text


# --- smaller: a 422 never echoes a huge field whole -----------------------------------------


def test_422_does_not_echo_a_5mb_field(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, api_token=SecretStr(TOKEN), use_spacy=False)
    huge = "t" * 5_000_000
    with TestClient(create_app(settings)) as client:
        body = client.post("/ingest", json=[{"text": "x", "title": huge}], headers=AUTH)
        query = client.get("/events", params={"actor": "a" * 60_000})
    for response in (body, query):
        assert response.status_code == 422
        assert len(response.content) < 5_000, len(response.content)
        assert "characters" in response.text  # says how long the input was


def test_title_given_as_an_object_is_refused(sqlite_url: str) -> None:
    settings = Settings(database_url=sqlite_url, api_token=SecretStr(TOKEN), use_spacy=False)
    with TestClient(create_app(settings)) as client:
        response = client.post("/ingest", json=[{"text": "x y z", "title": {"a": 1}}], headers=AUTH)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == "title"
