"""What a request no route takes is answered: a redirect to its slash twin, or a 404 that says where the routes are.

A path that differs from a route's by its trailing slash (`/v1/runs/`) is redirected there, by a relative `Location`.
Starlette's own redirect writes the whole URL, its host from the request's `Host` header: a request sent with
`Host: evil.example` was sent on to `http://evil.example/v1/runs`, and a cache or a link checker that kept that
answer would send others there too. A path alone names the same place on whatever host the client reached.
"""

from __future__ import annotations

from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.routing import Match, Router
from starlette.types import Receive, Scope, Send

from claimflow.runtime.visible import visible


def relative_location(path: str, query_string: bytes) -> str:
    """A `Location` for `path` and the query, relative to the server: never `//host`, which names another host."""
    location = "/" + quote(path, safe="/:@!$&'()*+,;=-._~").lstrip("/")
    return f"{location}?{query_string.decode('latin-1')}" if query_string else location


class Unrouted:
    """What `router` answers for a path none of its routes takes (its `default`): 307 to its slash twin, or 404.

    The twin is the path with the trailing slash added or removed, when a route takes that one. The 404 names the
    request and where the routes are listed, where Starlette said only "Not Found".
    """

    def __init__(self, router: Router) -> None:
        """Redirect to `router`'s routes; `router.redirect_slashes` must be off, so that this answers instead."""
        self.router = router

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer an unrouted request: 307 to its slash twin if a route takes it, else 404."""
        path: str = scope["path"]
        if scope["type"] == "http" and path.rstrip("/"):
            twin = dict(scope, path=path.rstrip("/") if path.endswith("/") else path + "/")
            if any(route.matches(twin)[0] is not Match.NONE for route in self.router.routes):
                location = relative_location(twin["path"], scope.get("query_string", b""))
                await RedirectResponse(location)(scope, receive, send)
                return
        if scope["type"] != "http":
            await self.router.not_found(scope, receive, send)
            return
        # Raised, not answered: the app's handler makes it `{"message": ...}` with the API's headers, as every 404.
        raise HTTPException(404, f"no route {scope['method']} {visible(path[:200])}; the routes are listed at /docs")
