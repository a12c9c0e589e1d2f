"""What the API refuses before any route runs, and how refusals are worded.

- A request body over `Settings.max_request_bytes` gets 413: a declared Content-Length is
  refused unread, a chunked body as soon as it passes the cap, so memory stays bounded.
- A NUL character in a query parameter gets 422 (Postgres cannot hold NUL in text, SQLite
  would silently differ), for every parameter present and future.
- Validation errors (422) never echo a huge input back whole: inputs are cut to a preview.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import HTTPException, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PREVIEW = 200  # characters of an offending input shown in a 422


class BodyTooLarge(HTTPException):
    """The body passed the cap while it was being read. An HTTPException, so FastAPI's body
    parsing lets it through (anything else there becomes a 400) and it is answered as 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, _too_large_text(limit), headers={"Connection": "close"})


def _too_large_text(limit: int) -> str:
    return f"request body is over the {limit:,} byte limit (EVENTLINE_MAX_REQUEST_BYTES)"


class RequestGuard:
    """Pure ASGI middleware: body cap (413) and NUL-free query parameters (422)."""

    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bad = _nul_parameter(scope.get("query_string", b""))
        if bad is not None:
            error = {"loc": ["query", bad], "msg": "NUL is not allowed", "type": "value_error"}
            await JSONResponse({"detail": [error]}, status_code=422)(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_body:
            await self._too_large(scope, receive, send)
            return
        await self._capped(scope, receive, send)

    async def _capped(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, counting body bytes as it reads them; past the cap, answer 413."""
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge(self.max_body)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = JSONResponse(
            {"detail": _too_large_text(self.max_body)},
            status_code=413,
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _nul_parameter(query_string: bytes) -> str | None:
    """The name of the first query parameter holding a NUL (in its name or value), if any."""
    if b"%00" not in query_string and b"\x00" not in query_string:
        return None
    for key, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        if "\x00" in key or "\x00" in value:
            return key.replace("\x00", "") or "query"
    return None


async def validation_error(_request: Request, exc: Exception) -> JSONResponse:
    """FastAPI's 422 shape, with every offending input cut to a short preview."""
    assert isinstance(exc, RequestValidationError)
    errors = [{**e, "input": _preview(e.get("input"))} if "input" in e else e for e in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(errors)}, status_code=422)


def _preview(value: Any) -> Any:
    """Short values as they are; long strings and big containers cut, saying how long they were."""
    if isinstance(value, str | bytes) and len(value) > PREVIEW:
        return f"{value[:PREVIEW]!s}... ({len(value):,} characters)"
    if isinstance(value, dict | list) and len(repr(value)) > PREVIEW:
        return f"{type(value).__name__} of {len(value)} items (not shown)"
    return value
