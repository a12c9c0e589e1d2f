"""The HTTP API through FastAPI's TestClient (httpx) over a real SQLite file."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from config.settings import Settings
from timeline.api import EventPage, create_app
from timeline.serialize import event_to_dict
from timeline.store.engine import session_scope
from timeline.store.query import get_event
from timeline.stories.update import rebuild_stories

TOKEN = "s3cret-token"


@pytest.fixture
def client(sqlite_url: str, easter_sqlite: dict[str, int]) -> Iterator[TestClient]:
    settings = Settings(database_url=sqlite_url, api_token=SecretStr(TOKEN), use_spacy=False)
    with TestClient(create_app(settings)) as client:
        yield client


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [e["id"] for e in response.json()["events"]]


def test_health_docs_and_page(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "sqlite"}
    assert client.get("/openapi.json").json()["info"]["title"] == "eventline"
    assert client.get("/docs").status_code == 200
    page = client.get("/")
    assert page.status_code == 200 and '<ol id="timeline"' in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")


def test_events_filters(client: TestClient, easter_sqlite: dict[str, int]) -> None:
    e = easter_sqlite
    assert len(ids(client.get("/events"))) == 11
    got = ids(client.get("/events", params={"from": "2025-04-20", "to": "2025-04-20"}))
    assert got == [e["violations"], e["truce"]]
    assert ids(client.get("/events", params={"actor": "Kremlin", "type": "CEASEFIRE"})) == [
        e["truce"]
    ]
    assert ids(client.get("/events", params={"q": "Pokrovsk"})) == [e["violations"]]
    assert ids(client.get("/events", params={"q": "", "actor": ""})) == ids(client.get("/events"))


@pytest.mark.parametrize(
    "params",
    [{}, {"limit": 3}, {"q": "truce"}, {"from": "2025-04-20", "to": "2025-04-21"}, {"all": "true"}],
)
def test_events_body_is_what_the_response_model_gives(
    client: TestClient, params: dict[str, str]
) -> None:
    """GET /events serialises its payload itself (orjson): the body must be exactly what
    FastAPI's validation through EventPage would have sent, key for key."""
    response = client.get("/events", params=params)
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["events"], params
    assert body == EventPage.model_validate(body).model_dump(mode="json")


def test_events_pages_with_cursor(client: TestClient) -> None:
    everything = ids(client.get("/events"))
    seen, params = [], {"limit": 4}
    while True:
        body = client.get("/events", params=params).json()
        seen += [e["id"] for e in body["events"]]
        if body["next_cursor"] is None:
            break
        params = {"limit": 4, "cursor": body["next_cursor"]}
    assert seen == everything


@pytest.mark.parametrize(
    ("params", "needle"),
    [
        ({"from": "2025-13-40"}, "date"),
        ({"to": "nope"}, "date"),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "starts after it ends"),
        ({"limit": 0}, "greater than or equal to 1"),
        ({"limit": 5000}, "less than or equal to 1000"),
        ({"cursor": "garbage"}, "invalid cursor"),
    ],
)
def test_bad_parameters_are_422(client: TestClient, params: dict[str, object], needle: str) -> None:
    response = client.get("/events", params=params)
    assert response.status_code == 422
    assert needle in json.dumps(response.json())


def test_one_event_matches_the_contract(client: TestClient, engine_of_client: Engine) -> None:
    body = client.get("/events/4").json()
    with session_scope(engine_of_client) as session:
        view = get_event(session=session, event_id=4)
        assert view is not None
        assert body == json.loads(json.dumps(event_to_dict(view, links=True)))
    assert {link["kind"] for link in body["links"]} == {"follows", "elaborates"}
    missing = client.get("/events/999999")
    assert missing.status_code == 404 and missing.json() == {"detail": "no event 999999"}
    assert client.get("/events/abc").status_code == 422
    assert client.get("/events/0").status_code == 422


@pytest.fixture
def engine_of_client(client: TestClient) -> Engine:
    return client.app.state.engine  # type: ignore[attr-defined,no-any-return]


def test_stories_and_log(client: TestClient, easter_sqlite: dict[str, int]) -> None:
    e = easter_sqlite
    story = client.get("/story", params={"q": "Easter truce"}).json()
    assert [ev["id"] for ev in story["events"]] == [
        e["truce"],
        e["violations"],
        e["proposal"],
        e["clarification"],
    ]
    assert story["events"][1]["via"]["kind"] == "violates"
    assert story["events"][1]["via"]["origin"] == "text"
    assert client.get("/story").status_code == 422
    assert client.get("/story", params={"q": "..."}).json()["events"] == []
    assert client.get("/story", params={"q": "zzz"}).json()["events"] == []
    log = client.get("/log", params={"from": "2025-04-21", "to": "2025-04-21"}).json()
    assert [d["label"] for d in log["days"]] == ["2025-04-21", "2025-W17"]
    facets = client.get("/facets").json()
    assert {"type": "ACCUSE", "count": 1} in facets["types"]


def test_ingest_needs_the_token(client: TestClient) -> None:
    record = [{"text": "On Monday, April 21, 2025, Putin said something.", "url": "http://x/1"}]
    assert client.post("/ingest", json=record).status_code == 401
    wrong = client.post("/ingest", json=record, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    assert client.post("/ingest", json=[], headers=auth()).status_code == 422
    assert client.post("/ingest", json=[{"url": "x"}], headers=auth()).status_code == 422


def auth() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}"}


def test_ingest_through_the_pipeline(client: TestClient) -> None:
    text = (
        "MOSCOW, April 21, 2025 - Russian President Vladimir Putin said on Monday that Moscow "
        "is open to bilateral talks with Ukraine."
    )
    record = {"text": text, "url": "https://example.org/putin-talks", "published": "2025-04-21"}
    response = client.post("/ingest", json=[record], headers=auth())
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["seen"], body["new"], body["failed"]) == (1, 1, 0)
    found = client.get("/events", params={"q": "bilateral talks"}).json()["events"]
    assert any(s["article"] == record["url"] for e in found for s in e["sources"])
    again = client.post("/ingest", json=[record], headers=auth()).json()
    assert (again["new"], again["skipped"]) == (0, 1)


def test_writes_are_off_without_a_token(sqlite_url: str) -> None:
    with TestClient(create_app(Settings(database_url=sqlite_url, api_token=None))) as client:
        response = client.post("/ingest", json=[{"text": "x"}], headers=auth())
    assert response.status_code == 403
    assert "EVENTLINE_API_TOKEN" in response.json()["detail"]


def test_engine_opens_without_lifespan(sqlite_url: str, easter_sqlite: dict[str, int]) -> None:
    client = TestClient(create_app(Settings(database_url=sqlite_url)))  # no `with`: no lifespan
    assert len(client.get("/events").json()["events"]) == 11


def test_a_lost_database_is_a_503(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    from sqlalchemy.exc import OperationalError

    def down(*_args: object, **_kw: object) -> None:
        raise OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr("timeline.store.query.search_events", down)
    for params in ({"q": "truce"}, {}):  # the general path, then rawpage's
        if params == {}:
            monkeypatch.setattr("timeline.api.read_page", down)
        response = client.get("/events", params=params)
        assert response.status_code == 503
        assert response.headers["retry-after"] == "5"
        assert response.json()["detail"].startswith("database unavailable")


def test_stored_stories_and_summary(
    client: TestClient, sqlite_engine: Engine, easter_sqlite: dict[str, int]
) -> None:
    """/stories lists the stored stories, /stories/{id} chains one, /summary picks dates."""
    e = easter_sqlite
    assert client.get("/stories").json() == {"stories": []}  # made by hand: nothing grouped yet
    with session_scope(sqlite_engine) as session:
        rebuild_stories(session=session)
    listed = client.get("/stories").json()["stories"]
    assert listed and listed[0]["events"] >= 4
    main = next(s for s in listed if s["events"] == max(x["events"] for x in listed))
    chain = client.get(f"/stories/{main['id']}").json()
    got = [ev["id"] for ev in chain["events"]]
    for before, after in [
        ("truce", "violations"),
        ("truce", "proposal"),
        ("proposal", "clarification"),
    ]:
        assert got.index(e[before]) < got.index(e[after])
    assert chain["stories"][0]["id"] == main["id"]
    assert client.get("/stories/999999").status_code == 404
    about = client.get("/stories", params={"q": "Peskov"}).json()["stories"]
    assert about and about[0]["id"] == main["id"] and about[0]["matches"] >= 1
    assert (
        client.get("/stories", params={"from": "2025-05-01", "to": "2025-04-01"}).status_code == 422
    )

    summary = client.get("/summary", params={"dates": 2}).json()["dates"]
    assert len(summary) == 2 and max(r["score"] for r in summary) == 1.0
    for row in summary:
        assert all(ev["start"] == row["date"] for ev in row["events"])
    of_story = client.get("/summary", params={"story": str(main["id"])}).json()["dates"]
    assert of_story and {r["date"] for r in of_story} <= {ev["start"] for ev in chain["events"]}
    assert client.get("/summary", params={"story": "zzz nothing"}).json() == {"dates": []}
    assert client.get("/summary", params={"dates": 0}).status_code == 422

    days = client.get("/days").json()["days"]
    assert {"date": "2025-04-18", "events": 1} in days
    assert [d["date"] for d in days] == sorted(d["date"] for d in days)
    ranged = client.get("/days", params={"from": "2025-04-18", "to": "2025-04-19"}).json()
    assert ranged["days"] and {d["date"] for d in ranged["days"]} <= {"2025-04-18", "2025-04-19"}
    assert (
        client.get("/days", params={"from": "2025-04-21"}).json()["days"][0]["date"] >= "2025-04-21"
    )
    assert client.get("/days", params={"type": "CEASEFIRE"}).json()["days"] == [
        {"date": "2025-04-19", "events": 1}
    ]
