"""Headers every answer of the REST API carries: not kept by caches, not sniffed as another type.

Runs, reviews and their fields are a company's documents: a shared cache or a browser's must not keep them after a
token is revoked, and a body must be read as the type it says. The review pages set their own (`web.render`); an
answer that sets its own `Cache-Control` (a page image, kept for a while) keeps it.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_PREFIX = "/v1/"

API_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class ApiHeaders:
    """ASGI middleware: each answer under /v1/ gets the headers of API_HEADERS it does not set itself."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on, adding the headers to an API answer's start."""
        path = str(scope.get("path", "")).removeprefix(str(scope.get("root_path", "")))
        if scope["type"] != "http" or not path.startswith(API_PREFIX):
            await self.app(scope, receive, send)
            return

        async def sent(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in API_HEADERS.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        await self.app(scope, receive, sent)
