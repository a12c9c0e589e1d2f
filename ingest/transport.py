"""An httpx transport over an httpcore connection pool whose network backend we choose.

`httpx.HTTPTransport` builds its httpcore pool itself and takes no network backend, yet the
backend is where eventline vets the address it connects to (ingest.netsafety) and bounds
every socket operation by the request's deadline (ingest.deadline). So this transport is the
public pieces put together: `httpx.BaseTransport` around `httpcore.ConnectionPool(
network_backend=...)`, with httpcore's exceptions turned into httpx's as httpx's own
transport does, so callers keep catching `httpx.TimeoutException`, `httpx.ConnectError`...
"""

from __future__ import annotations

import ssl
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import httpcore
import httpx

# httpcore exception -> the httpx exception it becomes; the first match wins, so each class
# comes before its base (a ConnectTimeout is an httpx.ConnectTimeout, not just a timeout).
# Example: httpcore.ReadTimeout("timed out") is raised as httpx.ReadTimeout("timed out").
EXCEPTIONS: tuple[tuple[type[Exception], type[httpx.HTTPError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.TimeoutException, httpx.TimeoutException),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.NetworkError, httpx.NetworkError),
    (httpcore.ProxyError, httpx.ProxyError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.ProtocolError, httpx.ProtocolError),
)


_MAPPED = tuple(core for core, _ in EXCEPTIONS)


@contextmanager
def httpx_errors() -> Iterator[None]:
    """Re-raise httpcore's exceptions as the matching httpx ones; anything else (our own
    UnsafeURL, FetchCancelled) passes through unchanged."""
    try:
        yield
    except _MAPPED as exc:
        mapped = next(target for core, target in EXCEPTIONS if isinstance(exc, core))
        raise mapped(str(exc)) from exc


class _Body(httpx.SyncByteStream):
    """The response body as httpx reads it, with httpcore's errors mapped while it streams."""

    def __init__(self, stream: Iterable[bytes]) -> None:
        self.stream = stream

    def __iter__(self) -> Iterator[bytes]:
        with httpx_errors():
            yield from self.stream

    def close(self) -> None:
        close = getattr(self.stream, "close", None)
        if close is not None:
            close()


class PoolTransport(httpx.BaseTransport):
    """HTTP/1.1 over `httpcore.ConnectionPool` with the given network backend; no proxies,
    no retries (the limits are httpx's defaults)."""

    def __init__(
        self,
        network_backend: httpcore.NetworkBackend,
        *,
        ssl_context: ssl.SSLContext | None = None,
        max_connections: int = 20,
        max_keepalive_connections: int = 10,
        keepalive_expiry: float = 5.0,
    ) -> None:
        self.network_backend = network_backend
        self.pool = httpcore.ConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(trust_env=False),
            max_connections=max_connections,
            max_keepalive_connections=max_keepalive_connections,
            keepalive_expiry=keepalive_expiry,
            network_backend=network_backend,
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert isinstance(request.stream, httpx.SyncByteStream)
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with httpx_errors():
            response = self.pool.handle_request(core_request)
        assert isinstance(response.stream, Iterable)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    def close(self) -> None:
        with httpx_errors():
            self.pool.close()
