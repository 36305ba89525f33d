"""The most a request body may hold: 413 with `{"message": ...}` past it, before the body is read.

Every body this server reads but an upload is a small form or JSON object (a decision, an assignment, a sign-in):
a real one is a few kilobytes. Without a cap, a client could make the server read, parse and keep a body of any
size. Uploads (`POST /v1/documents`) have their own cap, CLAIMFLOW_MAX_DOCUMENT_BYTES, and are not counted here.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MAX_REQUEST_BYTES", "UPLOAD", "WITH_BODY", "BodyLimit", "too_large"]

MAX_REQUEST_BYTES = 1_000_000
"""The most bytes a request body may have, uploads of documents excepted."""

UPLOAD = ("POST", "/v1/documents")
"""The one request whose body is not counted: its document has its own cap."""
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""The methods whose bodies are counted (a body sent with another is never read)."""


def too_large(limit: int) -> str:
    """What a 413 says."""
    return f"the request body is over {limit:,} bytes, the most this server reads; send a smaller one"


def _declared(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.isdigit() else None


class BodyLimit:
    """ASGI middleware: a request whose body is over `limit` bytes is answered 413, the rest passed on.

    A body that declares its length is refused before any of it is read; one sent in chunks is refused at the
    chunk that passes the limit (an HTTPException from `receive`, answered by the app's error handler).
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES) -> None:
        """Wrap `app`."""
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body."""
        method = scope.get("method")
        path = str(scope.get("path", "")).removeprefix(str(scope.get("root_path", "")))
        if scope["type"] != "http" or method not in WITH_BODY or (method, path) == UPLOAD:
            await self.app(scope, receive, send)
            return
        declared = _declared(scope)
        if declared is not None and declared > self.limit:
            await JSONResponse({"message": too_large(self.limit)}, status_code=413)(scope, receive, send)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > self.limit:
                    raise HTTPException(413, too_large(self.limit))
            return message

        await self.app(scope, counted, send)
