"""Over real HTTP, a body over its cap is 401 to a caller without a valid token, as any unauthenticated request
is, and 413 only to a caller with one: the size limits are told only to a known caller, and the body is not read.
"""

from __future__ import annotations

import asyncio
import http.client
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.service.body_limit import MAX_REQUEST_BYTES, too_large, upload_too_large
from claimflow.runtime.settings import Settings
from tests.integration._stores import stored_blobs
from tests.service._live import live_server

UPLOAD = "/v1/documents"
DECISION = "/v1/reviews/no-such-run/decision"
MISSING = {"message": "missing Authorization: Bearer <token>"}
WRONG = {"message": "the token sent is not valid (unknown or revoked): send one `claimflow token create` made"}


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, dict[str, str]]]:
    """The app on a real port, and an admin's and a reviewer's token (both may decide; the admin may upload)."""

    async def make_tokens() -> dict[str, str]:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            return {role: (await engine.create_token(role, role))[0] for role in ("admin", "reviewer")}

    tokens = asyncio.run(make_tokens())
    with live_server(create_app(settings, types=BUILTIN_TYPES)) as base:
        yield base, tokens


def _declared(base: str, path: str, length: int, headers: dict[str, str]) -> tuple[int, dict[str, Any], str | None]:
    """POST declaring a `length`-byte body and sending none of it: the status, JSON body and WWW-Authenticate.

    Only an answer that reads none of the body comes back at all (the body never comes).
    """
    address = urlsplit(base)
    conn = http.client.HTTPConnection(str(address.hostname), address.port, timeout=10)
    try:
        conn.putrequest("POST", path)
        for name, value in {"Content-Type": "application/json", **headers, "Content-Length": str(length)}.items():
            conn.putheader(name, value)
        conn.endheaders()
        answer = conn.getresponse()
        return answer.status, json.loads(answer.read()), answer.getheader("WWW-Authenticate")
    finally:
        conn.close()


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("path", [UPLOAD, DECISION])
def test_a_declared_oversized_body_without_a_valid_token_is_401_like_any_other(
    served: tuple[str, dict[str, str]], settings: Settings, path: str
) -> None:
    base, _ = served
    huge = 50_000_000

    missing = _declared(base, path, huge, {})
    wrong = _declared(base, path, huge, _bearer("not-a-token"))
    basic = _declared(base, path, huge, {"Authorization": "Basic dXNlcjpwYXNz"})
    # The same request, small: what any unauthenticated caller is told.
    small = httpx.post(base + path, json={}, headers=_bearer("not-a-token"))

    assert missing == (401, MISSING, "Bearer")
    assert wrong == (401, WRONG, "Bearer")
    assert basic == (401, MISSING, "Bearer")  # not a bearer token at all: as if none was sent
    assert (small.status_code, small.json(), small.headers["WWW-Authenticate"]) == wrong
    assert stored_blobs(settings.data_dir) == set()


def test_a_declared_oversized_body_with_a_valid_token_is_still_413(
    served: tuple[str, dict[str, str]], settings: Settings
) -> None:
    base, tokens = served
    document_limit = settings.limits.max_bytes

    upload = _declared(base, UPLOAD, document_limit + 50_000_000, _bearer(tokens["admin"]))
    decision = _declared(base, DECISION, MAX_REQUEST_BYTES + 1, _bearer(tokens["reviewer"]))

    assert upload == (413, {"message": upload_too_large(document_limit)}, None)
    assert decision == (413, {"message": too_large(MAX_REQUEST_BYTES)}, None)


def test_a_chunked_oversized_decision_is_401_without_a_valid_token_and_413_with_one(
    served: tuple[str, dict[str, str]],
) -> None:
    base, tokens = served
    body = json.dumps({"interrupt_id": "x", "action": "reject", "reason": "r" * (MAX_REQUEST_BYTES + 10)}).encode()

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        for start in range(0, len(body), 65_536):
            yield body[start : start + 65_536]

    def post(headers: dict[str, str]) -> httpx.Response:
        return httpx.post(base + DECISION, content=chunks(), headers={"Content-Type": "application/json", **headers})

    missing, wrong, known = post({}), post(_bearer("not-a-token")), post(_bearer(tokens["reviewer"]))

    assert (missing.status_code, missing.json(), missing.headers["WWW-Authenticate"]) == (401, MISSING, "Bearer")
    assert (wrong.status_code, wrong.json(), wrong.headers["WWW-Authenticate"]) == (401, WRONG, "Bearer")
    assert (known.status_code, known.json()) == (413, {"message": too_large(MAX_REQUEST_BYTES)})
