"""ingest.transport: httpcore's errors reach fetch() as the httpx errors it catches."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

import httpcore
import httpx
import pytest

from config.settings import Settings
from ingest.fetch import FetchError, fetch, make_client
from ingest.transport import EXCEPTIONS, PoolTransport
from tests.feeds.conftest import FeedServer


def test_every_httpcore_error_maps_to_the_httpx_error_of_its_name() -> None:
    """The table names each httpcore exception class once, before any of its bases, and maps
    it to httpx's class of the same name (what httpx's own transport raises)."""
    cores = [core for core, _ in EXCEPTIONS]
    public = {
        c
        for c in vars(httpcore).values()
        if isinstance(c, type) and issubclass(c, Exception) and c.__module__.startswith("httpcore")
    }
    assert set(cores) == public - {httpcore.ConnectionNotAvailable}  # internal to the pool
    for i, (core, mapped) in enumerate(EXCEPTIONS):
        assert mapped.__name__ == core.__name__ and issubclass(mapped, httpx.HTTPError)
        assert not any(issubclass(core, earlier) for earlier in cores[:i]), core


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_refused_connection_is_an_httpx_connect_error() -> None:
    transport = PoolTransport(httpcore.SyncBackend())
    with httpx.Client(transport=transport) as client, pytest.raises(httpx.ConnectError):
        client.get(f"http://127.0.0.1:{_closed_port()}/")


def test_a_body_cut_short_is_a_protocol_error_while_streaming(
    server: FeedServer, settings: Settings
) -> None:
    def short(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"<rss>")
        h.close_connection = True

    url = server.handler("/short", short)
    with make_client(settings) as client:
        with pytest.raises(FetchError, match="RemoteProtocolError"):
            fetch(client, url)
        # the error came from the body, after the headers: the mapping covers streaming too
        with client.stream("GET", url) as response:
            assert response.status_code == 200
            with pytest.raises(httpx.RemoteProtocolError):
                response.read()


def test_fetch_reports_a_refused_connection_in_one_line(settings: Settings) -> None:
    with make_client(settings) as client, pytest.raises(FetchError, match="cannot connect to"):
        fetch(client, f"http://127.0.0.1:{_closed_port()}/feed.xml")
