"""`HEAD` answered as `GET` would be, without the body (RFC 9110 9.3.2: every general-purpose server supports both).

A monitor that probes `/healthz` with `HEAD` (many do by default), `curl -I`, or a client asking whether a page image
changed, got 405. The request goes through the app as a `GET` (the same authentication, headers and status, the
`Content-Length` the body would have), and only the answer's start is sent, then an empty body that ends it. Once
that end is sent, uvicorn tells the app the client is gone, so an event stream stops as when a client leaves it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_END: Message = {"type": "http.response.body", "body": b"", "more_body": False}


class HeadAsGet:
    """ASGI middleware: a `HEAD` request is served as `GET` and answered with the start of that answer alone."""

    def __init__(self, app: ASGIApp) -> None:
        """Wrap `app`."""
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass a `HEAD` on as `GET`, sending its answer's start and an empty body; anything else as it came."""
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        ended = False

        async def start_only(message: Message) -> None:
            nonlocal ended
            if message["type"] == "http.response.start":
                await send(message)
            elif message["type"] == "http.response.body" and not ended:
                ended = True
                await send(_END)

        await self.app({**scope, "method": "GET"}, receive, start_only)
