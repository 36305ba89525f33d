"""The most a request body may hold: 413 with `{"message": ...}` past it, before the body is read.

Every body this server reads but an upload is a small form or JSON object (a decision, an assignment, a sign-in):
a real one is a few kilobytes. Without a cap, a client could make the server read, parse and keep a body of any
size. An upload (`POST /v1/documents`) may hold its document, up to CLAIMFLOW_MAX_DOCUMENT_BYTES, and the form
around it (FORM_ALLOWANCE_BYTES): past that it is refused as it comes, before the multipart parser spools it.
A document over its limit within the allowance is read, and its run fails saying so (the route's docstring).

Under `/v1/` every route takes a bearer token, and a caller without a valid one is told only that (401, as
`current_principal` answers it), whatever the size of its body: the token is checked when the cap is passed,
before the 413, so only a known caller learns the limits. Nothing more of the body is read for that check.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from claimflow.runtime.service.deps import bearer_refusal

__all__ = [
    "FORM_ALLOWANCE_BYTES",
    "MAX_REQUEST_BYTES",
    "UPLOAD",
    "WITH_BODY",
    "BodyLimit",
    "too_large",
    "upload_too_large",
]

MAX_REQUEST_BYTES = 1_000_000
"""The most bytes a request body may have, uploads of documents excepted."""

UPLOAD = ("POST", "/v1/documents")
"""The one request whose body has another cap: its document's limit and FORM_ALLOWANCE_BYTES."""
FORM_ALLOWANCE_BYTES = MAX_REQUEST_BYTES
"""What an upload's body may hold beyond CLAIMFLOW_MAX_DOCUMENT_BYTES: the multipart framing (a few hundred bytes),
and room for a document somewhat over its limit to be told so by its failed run rather than by a bare 413."""
WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})
"""The methods whose bodies are counted (a body sent with another is never read)."""
BEARER_PATHS = "/v1/"
"""Where every route takes `Authorization: Bearer` (the review pages sign in with a cookie, and keep their 413)."""


def too_large(limit: int) -> str:
    """What a 413 says."""
    return f"the request body is over {limit:,} bytes, the most this server reads; send a smaller one"


def upload_too_large(document_limit: int) -> str:
    """What a 413 to an upload says, for documents of at most `document_limit` bytes."""
    return (
        f"the upload is over {document_limit + FORM_ALLOWANCE_BYTES:,} bytes: documents up to {document_limit:,}"
        f" bytes are accepted (CLAIMFLOW_MAX_DOCUMENT_BYTES), with up to {FORM_ALLOWANCE_BYTES:,} bytes of form"
        " around one; send a smaller document"
    )


def _declared(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    return int(value) if value is not None and value.isdigit() else None


async def _refusal(scope: Scope, path: str, says: str) -> HTTPException:
    """The answer to a body over its cap: 401 under BEARER_PATHS without a valid token, else 413 saying `says`."""
    if path.startswith(BEARER_PATHS):
        unknown = await bearer_refusal(scope["app"].state.engine, HTTPConnection(scope))
        if unknown is not None:
            return unknown
    return HTTPException(413, says)


class BodyLimit:
    """ASGI middleware: a request whose body is over its cap is answered 413, the rest passed on.

    The cap is `limit` bytes, or for an upload `document_limit` and FORM_ALLOWANCE_BYTES. A body that declares its
    length is refused before any of it is read; one sent in chunks is refused at the chunk that passes the cap (an
    HTTPException from `receive`, answered by the app's error handler). Under BEARER_PATHS a caller without a
    valid token is answered 401 there instead.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_REQUEST_BYTES, *, document_limit: int) -> None:
        """Wrap `app`; `document_limit` is CLAIMFLOW_MAX_DOCUMENT_BYTES, as the engine applies it."""
        self.app = app
        self.limit = limit
        self.upload_limit = document_limit + FORM_ALLOWANCE_BYTES
        self.upload_message = upload_too_large(document_limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, counting its body."""
        method = scope.get("method")
        if scope["type"] != "http" or method not in WITH_BODY:
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", "")).removeprefix(str(scope.get("root_path", "")))
        cap, says = (
            (self.upload_limit, self.upload_message)
            if (method, path) == UPLOAD
            else (self.limit, too_large(self.limit))
        )
        declared = _declared(scope)
        if declared is not None and declared > cap:
            refused = await _refusal(scope, path, says)
            await JSONResponse({"message": refused.detail}, refused.status_code, refused.headers)(scope, receive, send)
            return
        read = 0

        async def counted() -> Message:
            nonlocal read
            message = await receive()
            if message["type"] == "http.request":
                read += len(message.get("body", b""))
                if read > cap:
                    raise await _refusal(scope, path, says)
            return message

        await self.app(scope, counted, send)
