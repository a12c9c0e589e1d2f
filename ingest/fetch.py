"""HTTP fetching for feeds and article pages: one configured client, bounded in every way.

Every fetch has a deadline for the whole request (connect, headers and body: ingest.deadline)
and ends within a fraction of a second of the client's stop event; a size cap applies to the
decoded body while it streams (so a gzip bomb or a 100 MB page stops at the cap); redirects are
limited, with the URL policy checked on every hop; a clear User-Agent; conditional GET (a 304
costs a few hundred bytes). Redirects are followed here rather than by httpx so a redirect's
own body is never read. Errors come out as `FetchError` with a short reason ("timeout after
20s"), which callers store as data. Habits from lemon24/reader `_parser/http.py` and miniflux.
"""

from __future__ import annotations

import threading
import time
import zlib
from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urljoin

import httpcore
import httpx

from config.settings import Settings
from ingest.deadline import DeadlineBackend, FetchCancelled, within
from ingest.feed_schedule import Hints, cache_max_age, retry_after
from ingest.netsafety import GuardedBackend, UnsafeURL, UrlPolicy, check_url
from ingest.transport import PoolTransport
from timeline.store.models import utcnow

FEED_ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT_REDIRECTS = frozenset({301, 308})


class FetchError(Exception):
    """A fetch that produced no usable body; the message is the short reason stored."""

    def __init__(self, message: str, *, status: int | None = None, hints: Hints | None = None):
        super().__init__(message)
        self.status = status
        self.hints = hints or Hints()


class FetchStopped(FetchError):
    """The fetch was abandoned because the process is stopping (not the server's fault)."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """A response worth looking at: a body (200) or `not_modified` (304)."""

    url: str
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    hints: Hints = field(default_factory=Hints)
    moved_to: str | None = None  # the new address after permanent redirects only

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


class SafeClient(httpx.Client):
    """An httpx client that also carries eventline's fetch limits and URL policy."""

    policy: UrlPolicy
    max_bytes: int
    redirect_limit: int
    total_timeout: float
    stop: threading.Event | None
    transport: PoolTransport  # what it connects through (tests look at its backend)


def make_client(
    settings: Settings,
    *,
    allowed_hosts: frozenset[str] = frozenset(),
    stop: threading.Event | None = None,
) -> SafeClient:
    """The one client a process fetches with (use as a context manager to close its sockets).

    Setting `stop` ends any fetch in flight within a fraction of a second (FetchStopped)."""
    policy = UrlPolicy(settings.allow_private_urls, frozenset(h.lower() for h in allowed_hosts))
    # Connect only to vetted addresses, and give every socket operation no more than what is
    # left of the request's deadline: both live in the network backend under the pool.
    backend = httpcore.SyncBackend() if policy.allow_private else GuardedBackend(policy)
    transport = PoolTransport(DeadlineBackend(backend))
    client = SafeClient(
        transport=transport,
        timeout=httpx.Timeout(settings.fetch_timeout),
        follow_redirects=False,
        headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
        trust_env=False,
    )
    client.policy = policy
    client.max_bytes = settings.max_response_bytes
    client.redirect_limit = settings.max_redirects
    client.total_timeout = settings.fetch_timeout
    client.stop = stop
    client.transport = transport
    return client


def fetch(
    client: SafeClient,
    url: str,
    *,
    accept: str = FEED_ACCEPT,
    etag: str | None = None,
    last_modified: str | None = None,
    now: datetime | None = None,
) -> FetchResult:
    """GET `url` (following up to `redirect_limit` redirects); raise FetchError on failure."""
    headers = {"Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    # Where the resource now lives when every redirect so far was permanent (301/308): a
    # feed's stored URL follows it (RFC 9110 15.4.2); one temporary hop breaks the chain.
    moved: str | None = None
    try:
        # One deadline for the whole fetch, redirects included.
        with within(client.total_timeout, client.stop) as deadline:
            for hop in range(client.redirect_limit + 1):
                check_url(url, client.policy)
                with client.stream("GET", url, headers=headers) as response:
                    if response.status_code in REDIRECTS:
                        location = response.headers.get("location")
                        if not location:
                            raise FetchError(f"HTTP {response.status_code} without a Location")
                        url = urljoin(str(response.url), location.strip())
                        permanent = response.status_code in PERMANENT_REDIRECTS
                        moved = url if permanent and (hop == 0 or moved is not None) else None
                        continue
                    result = _result(client, response, deadline.at, now or utcnow())
                    return replace(result, moved_to=moved)
            raise FetchError(f"too many redirects (more than {client.redirect_limit})")
    except FetchCancelled:
        raise FetchStopped("stopped: the process is shutting down") from None
    except httpx.TimeoutException:
        raise FetchError(f"timeout after {client.total_timeout:g}s") from None
    except UnsafeURL as exc:
        raise FetchError(str(exc)) from None
    except httpx.ConnectError as exc:
        raise FetchError(f"cannot connect to {httpx.URL(url).host}: {exc}") from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from None


def _result(
    client: SafeClient, response: httpx.Response, deadline: float, now: datetime
) -> FetchResult:
    headers = {k.lower(): v for k, v in response.headers.items()}
    hints = Hints(
        max_age=cache_max_age(headers.get("cache-control")),
        retry_after=retry_after(headers.get("retry-after"), now),
    )
    status = response.status_code
    if status == 304:
        return FetchResult(str(response.url), status, b"", headers, hints)
    if status >= 400 or status < 200:
        reason = response.reason_phrase or ""
        raise FetchError(f"HTTP {status} {reason}".strip(), status=status, hints=hints)
    body = read_capped(response, max_bytes=client.max_bytes, deadline=deadline)
    return FetchResult(str(response.url), status, body, headers, hints)


def read_capped(response: httpx.Response, *, max_bytes: int, deadline: float) -> bytes:
    """The decoded body, streamed; stops at `max_bytes` (decoded) or at the deadline."""
    limit_text = f"{max_bytes / 1e6:g} MB"
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FetchError(f"response of {int(declared) / 1e6:g} MB is over the {limit_text} limit")
    decoder = _decoder(response.headers.get("content-encoding", ""))
    chunks: list[bytes] = []
    total = 0
    for raw in response.iter_raw():
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("total time exceeded")
        for piece in decoder(raw, max_bytes - total + 1):
            total += len(piece)
            if total > max_bytes:
                raise FetchError(f"response is over the {limit_text} limit")
            chunks.append(piece)
    return b"".join(chunks)


def _decoder(encoding: str) -> _Decode:
    """A bounded decoder for the body's Content-Encoding (we only ask for gzip and deflate)."""
    name = encoding.strip().lower()
    if name in ("", "identity"):
        return _identity
    if name in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if name == "deflate":
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True)
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")


class _Decode:
    def __call__(self, data: bytes, room: int) -> list[bytes]:
        raise NotImplementedError


class _Identity(_Decode):
    def __call__(self, data: bytes, room: int) -> list[bytes]:
        return [data]


_identity = _Identity()


class _Zlib(_Decode):
    """zlib with `max_length`, so one small compressed chunk cannot inflate past the cap."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self.obj = zlib.decompressobj(wbits)
        self.raw_fallback = raw_fallback
        self.started = False

    def __call__(self, data: bytes, room: int) -> list[bytes]:
        out: list[bytes] = []
        try:
            while data:
                piece = self.obj.decompress(data, max(1, room))
                self.started = True
                out.append(piece)
                room -= len(piece)
                if room <= 0:
                    break  # the caller sees the overflow and stops
                data = self.obj.unconsumed_tail
        except zlib.error as exc:
            if self.raw_fallback and not self.started:  # "deflate" sent without zlib header
                self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
                self.raw_fallback = False
                return self(data, room)
            raise FetchError(f"corrupt compressed body: {exc}") from None
        return out
