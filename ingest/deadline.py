"""A whole-request deadline for fetches, enforced on every socket operation.

httpx's timeouts are per operation: a read that receives one byte restarts the clock, so a
server that sends its headers one byte per second keeps a request alive forever. Here every
connect, read, write and TLS handshake is given at most the time left before the request's
deadline (set by `fetch` with `within`), so the whole exchange (connect, headers, body) ends
by then. Reads are also cut into short slices so that a stop event (SIGTERM in `eventline
schedule`) ends a fetch in flight soon instead of at its deadline: after STOP_GRACE seconds,
so a page that is nearly there still completes the article in hand.
"""

from __future__ import annotations

import contextvars
import ssl
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpcore

SLICE = 0.25  # seconds a read waits before looking at the stop event again
STOP_GRACE = 2.0  # seconds a fetch in flight may still take once a stop is asked for


class FetchCancelled(Exception):
    """The stop event was set while a fetch was in flight."""


@dataclass(slots=True)
class Deadline:
    """When the current request must be over (time.monotonic()), and what may stop it sooner."""

    at: float
    stop: threading.Event | None = None
    stopped_at: float | None = None  # when this request first saw the stop event set

    def left(self) -> float:
        """Seconds left; raises once the deadline (or the grace after a stop) has passed."""
        now = time.monotonic()
        if self.stop is not None and self.stop.is_set():
            if self.stopped_at is None:
                self.stopped_at = now
            if now >= self.stopped_at + STOP_GRACE:
                raise FetchCancelled("stopped while fetching")
            return min(self.at, self.stopped_at + STOP_GRACE) - now
        left = self.at - now
        if left <= 0:
            raise httpcore.ReadTimeout("the request's total time is up")
        return left


_current: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "eventline_fetch_deadline", default=None
)


@contextmanager
def within(seconds: float, stop: threading.Event | None = None) -> Iterator[Deadline]:
    """Run the block's requests under one deadline `seconds` from now."""
    deadline = Deadline(time.monotonic() + seconds, stop)
    token = _current.set(deadline)
    try:
        yield deadline
    finally:
        _current.reset(token)


def _bounded(timeout: float | None) -> float | None:
    """The operation's own timeout, cut to what is left of the request's deadline."""
    deadline = _current.get()
    if deadline is None:
        return timeout
    left = deadline.left()
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        op_end = None if timeout is None else time.monotonic() + timeout
        while True:
            deadline = _current.get()
            wait = _bounded(None if op_end is None else max(0.0, op_end - time.monotonic()))
            if deadline is None or deadline.stop is None:
                return self.inner.read(max_bytes, wait)
            sliced = SLICE if wait is None else min(wait, SLICE)
            try:
                return self.inner.read(max_bytes, sliced)
            except httpcore.ReadTimeout:
                # Nothing arrived in this slice (a timed-out recv consumes nothing): go on
                # unless the operation's own time is up too.
                if op_end is not None and time.monotonic() >= op_end:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _bounded(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        inner = self.inner.start_tls(ssl_context, server_hostname, _bounded(timeout))
        return DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self.inner.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps a network backend so its connections honour the request deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_tcp(
            host,
            port,
            timeout=_bounded(timeout),
            local_address=local_address,
            socket_options=socket_options,
        )
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self.inner.connect_unix_socket(
            path, timeout=_bounded(timeout), socket_options=socket_options
        )
        return DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)
