"""Fixtures for the feed tests: a real HTTP server on 127.0.0.1 and settings that reach it.

The server serves files from tests/feeds/data (with `{base}` replaced by its own URL), answers
conditional GETs with 304, and records every request so tests can assert on what was sent.
Special behaviours (sleeping, hanging, redirecting, huge bodies) are small handler functions.
"""

from __future__ import annotations

import gzip
import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from config.settings import Settings
from timeline.store.engine import make_engine, upgrade

DATA = Path(__file__).parent / "data"
LAST_MODIFIED = "Mon, 21 Apr 2025 12:00:00 GMT"
Handler = Callable[[BaseHTTPRequestHandler], None]


@dataclass(frozen=True, slots=True)
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Route:
    body: bytes
    content_type: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    validators: bool = True
    gzip: bool = False


class FeedServer:
    """A threaded HTTP server on a random loopback port with a route table and request log."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.log: list[Seen] = []
        self.release = threading.Event()  # set at teardown: hanging handlers return
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                server.log.append(Seen(path, {k.lower(): v for k, v in self.headers.items()},
                                       time.monotonic()))  # fmt: skip
                route = server.routes.get(path)
                if route is None:
                    self._send(404, b"not found", "text/plain")
                elif callable(route):
                    route(self)
                else:
                    self._serve(route)

            def _serve(self, route: Route) -> None:
                etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                extra = dict(route.headers)
                if route.validators:
                    extra.update({"ETag": etag, "Last-Modified": LAST_MODIFIED})
                    if self.headers.get("If-None-Match") == etag or (
                        self.headers.get("If-Modified-Since") == LAST_MODIFIED
                        and "If-None-Match" not in self.headers
                    ):
                        self._send(304, b"", None, extra)
                        return
                body = route.body
                if route.gzip and "gzip" in self.headers.get("Accept-Encoding", ""):
                    body = gzip.compress(body)
                    extra["Content-Encoding"] = "gzip"
                self._send(route.status, body, route.content_type, extra)

            def _send(
                self,
                status: int,
                body: bytes,
                ctype: str | None,
                extra: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                if ctype:
                    self.send_header("Content-Type", ctype)
                for k, v in (extra or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def file(self, path: str, name: str, content_type: str | None = None, **kw: object) -> str:
        """Serve tests/feeds/data/<name> at `path` ({base} replaced); returns the URL."""
        body = (DATA / name).read_bytes().replace(b"{base}", self.base.encode())
        if content_type is None:
            content_type = {
                ".xml": "application/rss+xml; charset=utf-8",
                ".atom": "application/atom+xml; charset=utf-8",
                ".html": "text/html; charset=utf-8",
            }.get(Path(name).suffix, "application/octet-stream")
        self.routes[path] = Route(body, content_type, **kw)  # type: ignore[arg-type]
        return self.url(path)

    def handler(self, path: str, fn: Handler) -> str:
        self.routes[path] = fn
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        return [s for s in self.log if s.path == path]

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def send(h: BaseHTTPRequestHandler, status: int, body: bytes = b"", **headers: str) -> None:
    """Write a whole response from a custom handler."""
    h.send_response(status)
    for k, v in headers.items():
        h.send_header(k.replace("_", "-"), v)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body)


@pytest.fixture
def server() -> Iterator[FeedServer]:
    srv = FeedServer()
    yield srv
    srv.close()


def make_settings(url: str, **overrides: object) -> Settings:
    """Settings for tests: reach 127.0.0.1, short timeouts, no spaCy (speed), no .env."""
    values: dict[str, object] = {
        "database_url": url,
        "allow_private_urls": True,
        "fetch_timeout": 2.0,
        "use_spacy": False,
        "max_feed_errors": 3,
        "default_feed_interval": 900,
        "feed_jitter": 0.0,  # exact schedules here; test_poll checks the jitter on its own
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture
def settings(sqlite_url: str) -> Settings:
    return make_settings(sqlite_url)


@pytest.fixture
def store(settings: Settings) -> Iterator[Engine]:
    engine = make_engine(settings.database_url)
    upgrade(engine)
    yield engine
    engine.dispose()


class Clock:
    """An injected `now` that tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        # Feeds added through the library are due at the real "now"; start there.
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        from datetime import timedelta

        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()
