"""A cap on the size of a model server's answer, enforced while it arrives.

The SDKs read a whole response body into memory before looking at it: a server that sends 300 MB costs
gigabytes. The HTTP client given to each SDK counts the body's bytes as they come and gives up at the cap,
without reading the rest; a `Content-Length` over the cap is refused before any of the body is read. The
answer is asked for uncompressed, so the bytes counted are the bytes the SDK parses.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, TypeVar

import httpx2

_E = TypeVar("_E", bound=BaseException)


class ResponseTooLargeError(Exception):
    """The server's answer is larger than the cap; it was not read to the end."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer is larger than {limit:,} bytes (CLAIMFLOW_MODEL_MAX_RESPONSE_BYTES)")
        self.limit = limit


class _CappedStream(httpx2.AsyncByteStream):
    """The body as it arrives, ended with `ResponseTooLargeError` once it passes `limit` bytes."""

    def __init__(self, inner: httpx2.AsyncByteStream, limit: int) -> None:
        self._inner = inner
        self._limit = limit

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        async for chunk in self._inner:
            received += len(chunk)
            if received > self._limit:
                raise ResponseTooLargeError(self._limit)
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


def capped_client(
    client_class: type[httpx2.AsyncClient],
    limit: int,
    checks: Sequence[Callable[[httpx2.Response], Awaitable[None]]] = (),
    **options: Any,
) -> httpx2.AsyncClient:
    """An SDK's default HTTP client (`client_class`) whose responses stop at `limit` bytes.

    `checks` are response hooks run after the cap is in place, so a check that reads the body reads it capped.
    """

    async def uncompressed(request: httpx2.Request) -> None:
        request.headers["Accept-Encoding"] = "identity"

    async def cap(response: httpx2.Response) -> None:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise ResponseTooLargeError(limit)
        if isinstance(response.stream, httpx2.AsyncByteStream):
            response.stream = _CappedStream(response.stream, limit)

    return client_class(event_hooks={"request": [uncompressed], "response": [cap, *checks]}, **options)


def cause_of(error: BaseException | None, kind: type[_E]) -> _E | None:
    """The `kind` error behind an SDK's error (which wraps what the HTTP client's hooks raise), if there is one."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, kind):
            return error
        error, seen = error.__cause__ or error.__context__, seen + 1
    return None


def too_large(error: BaseException | None) -> ResponseTooLargeError | None:
    """The `ResponseTooLargeError` behind an SDK's error, if that is what it was."""
    return cause_of(error, ResponseTooLargeError)
