"""An upload's body is counted as it comes, over real HTTP: past the document's limit and the form's allowance it
is refused (413) before it is read or stored; within them a document over its limit still fails its run, saying why.
"""

from __future__ import annotations

import asyncio
import json
import select
import socket
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

import httpx
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.service import create_app
from claimflow.runtime.service.body_limit import FORM_ALLOWANCE_BYTES, upload_too_large
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text
from tests.integration._stores import stored_blobs
from tests.service._live import live_server

LIMIT = 1000
"""CLAIMFLOW_MAX_DOCUMENT_BYTES here: the body's cap is this and FORM_ALLOWANCE_BYTES."""
BOUNDARY = "claimflow-test-boundary"
HEAD = (
    f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
    "Content-Type: text/plain\r\n\r\n"
).encode()
TAIL = f"\r\n--{BOUNDARY}--\r\n".encode()


@pytest.fixture
def served(settings: Settings) -> Iterator[tuple[str, str, Settings]]:
    """A server whose documents may have LIMIT bytes, its base URL, a submitter-and-more (admin) token."""
    limited = replace(settings, limits=IngestLimits(max_bytes=LIMIT))

    async def make_token() -> str:
        async with open_engine(limited, types=BUILTIN_TYPES) as engine:
            token, _ = await engine.create_token("root", "admin")
            return token

    token = asyncio.run(make_token())
    with live_server(create_app(limited, types=BUILTIN_TYPES)) as base:
        yield base, token, limited


def _request_head(base: str, token: str, framing: str) -> bytes:
    """The request line and headers of an upload; `framing` is its Content-Length or Transfer-Encoding header."""
    host = urlsplit(base).netloc
    return (
        f"POST /v1/documents HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n{framing}\r\n\r\n"
    ).encode()


def _answer(conn: socket.socket) -> tuple[int, dict[str, str]]:
    """The status and JSON body of the response on `conn` (read until the body is whole or the server closes)."""
    data = b""
    while b"\r\n\r\n" not in data or len(data.split(b"\r\n\r\n", 1)[1]) < _length(data):
        chunk = conn.recv(65_536)
        if not chunk:
            break
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    return int(head.split()[1]), json.loads(body[: _length(data)])


def _length(data: bytes) -> int:
    for line in data.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0


def _runs(base: str, token: str) -> list[object]:
    found = httpx.get(f"{base}/v1/runs", headers={"Authorization": f"Bearer {token}"}).json()
    return list(found["items"])


def test_a_declared_body_over_the_cap_is_413_before_any_of_it_is_read(served: tuple[str, str, Settings]) -> None:
    base, token, settings = served
    address = urlsplit(base)
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        # 50 MB declared, none of the document sent: only an answer that reads nothing comes back at all.
        conn.sendall(_request_head(base, token, "Content-Length: 50000000") + HEAD)
        status, body = _answer(conn)

    assert status == 413
    assert body == {"message": upload_too_large(LIMIT)}
    assert _runs(base, token) == []
    assert stored_blobs(settings.data_dir) == set()


def test_a_chunked_body_is_413_once_past_the_cap_and_not_read_further(served: tuple[str, str, Settings]) -> None:
    base, token, settings = served
    address = urlsplit(base)
    piece = b"x" * 65_536
    chunk = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    sent, whole = 0, 64_000_000
    with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
        conn.sendall(_request_head(base, token, "Transfer-Encoding: chunked"))
        conn.sendall(f"{len(HEAD):x}\r\n".encode() + HEAD + b"\r\n")
        # Sent until the server answers: it must not wait for the whole 64 MB.
        while sent < whole and not select.select([conn], [], [], 0)[0]:
            try:
                conn.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        status, body = _answer(conn)

    assert status == 413
    assert body == {"message": upload_too_large(LIMIT)}
    # What the kernel's socket buffers hold past the cap is sent, not read; a few MB at most, never all of it.
    assert sent < whole // 4, sent
    assert _runs(base, token) == []
    assert stored_blobs(settings.data_dir) == set()


def test_a_chunked_document_over_its_limit_within_the_allowance_fails_its_run_with_the_reason(
    served: tuple[str, str, Settings],
) -> None:
    base, token, _ = served
    document = (invoice_text() + "x" * 2000).encode()
    assert LIMIT < len(document) < LIMIT + FORM_ALLOWANCE_BYTES

    def body() -> Iterator[bytes]:  # no Content-Length: counted as it comes
        yield HEAD
        yield document
        yield TAIL

    answer = httpx.post(
        f"{base}/v1/documents",
        content=body(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
    )

    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] == "failed"
    assert answer.json()["error"].startswith("big.txt is ")
    assert "limit (CLAIMFLOW_MAX_DOCUMENT_BYTES); it was not read" in answer.json()["error"]
