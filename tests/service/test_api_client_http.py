"""What a client meets over real HTTP: an upload named by RFC 5987's `filename*=`, redirects that never name a host
from `Host:`, and refusals that say what to send instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text
from tests.service._live import live_server

BOUNDARY = "claimflow-test-boundary"


class Served:
    """The app on a real port, with an admin token."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.auth = base, {"Authorization": f"Bearer {token}"}

    def get(self, path: str, **headers: str) -> httpx.Response:
        return httpx.get(self.base + path, headers=self.auth | headers, timeout=30, follow_redirects=False)

    def upload_part(self, disposition: str, content: bytes) -> httpx.Response:
        """POST /v1/documents with one part whose Content-Disposition is exactly `disposition` (as a client sent it)."""
        body = (
            f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\nContent-Type: text/plain\r\n\r\n".encode()
            + content
            + f"\r\n--{BOUNDARY}--\r\n".encode()
        )
        headers = self.auth | {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"}
        return httpx.post(self.base + "/v1/documents", content=body, headers=headers, timeout=30)

    def runs(self) -> list[dict[str, Any]]:
        return list(self.get("/v1/runs").json()["items"])


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    async def make_token() -> str:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            return (await engine.create_token("root", "admin"))[0]

    token = asyncio.run(make_token())
    with live_server(create_app(settings, types=BUILTIN_TYPES)) as base:
        yield Served(base, token)


def test_a_part_named_only_by_filename_star_is_the_file_with_that_name(served: Served) -> None:
    # python-multipart drops `filename*`, so the part had no file name and was refused as a text field.
    sent = served.upload_part("form-data; name=\"file\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt", b"curriculum vitae")

    assert sent.status_code == 201, sent.text
    assert sent.json()["document"] == "résumé.txt"
    assert [run["document"] for run in served.runs()] == ["résumé.txt"]


def test_filename_star_wins_over_the_plain_filename_beside_it(served: Served) -> None:
    disposition = 'form-data; name="file"; filename="resume.txt"; filename*=utf-8\'fr\'r%C3%A9sum%C3%A9.txt'
    sent = served.upload_part(disposition, invoice_text().encode())

    assert sent.status_code == 201, sent.text
    assert sent.json()["document"] == "résumé.txt"


def test_a_name_from_filename_star_keeps_no_path_and_no_control_character(served: Served) -> None:
    # Percent-encoding hides a path and a NUL from a header reader; once decoded they meet the rules of any name.
    disposition = "form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fetc%2Fr%C3%A9sum%C3%A9%00%E2%80%AEtxt.exe"
    sent = served.upload_part(disposition, b"curriculum vitae")

    assert sent.status_code == 201, sent.text
    assert sent.json()["document"] == "résumé\\x00\\u202etxt.exe"


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("UTF-8''%FF%FEcv.txt", "is not UTF-8 once decoded"),
        ("Shift_JIS''%83%8C.txt", "is in charset 'Shift_JIS'"),
        ("r%C3%A9sum%C3%A9.txt", "is not charset''name"),
    ],
)
def test_a_filename_star_that_cannot_be_read_is_400_saying_how_to_send_it_and_no_run(
    served: Served, value: str, said: str
) -> None:
    sent = served.upload_part(f'form-data; name="file"; filename="cv.txt"; filename*={value}', b"curriculum vitae")

    assert sent.status_code == 400, sent.text
    message = sent.json()["message"]
    assert "filename*" in message and said in message and "filename*=UTF-8''" in message
    assert served.runs() == []


@pytest.mark.parametrize(
    ("path", "location", "there"),
    [
        ("/v1/runs/", "/v1/runs", 200),
        ("/v1/runs/?limit=1&status=failed", "/v1/runs?limit=1&status=failed", 200),
        ("/v1/types/", "/v1/types", 200),
        ("/review/", "/review", 401),  # the review page's sign-in, for a client without its session cookie
    ],
)
def test_a_trailing_slash_redirect_names_a_path_never_the_host_the_request_claimed(
    served: Served, path: str, location: str, there: int
) -> None:
    # Starlette wrote the whole URL from the Host header: `Host: evil.example` was sent to http://evil.example/...
    forged = served.get(path, Host="evil.example")
    plain = served.get(path)

    assert forged.status_code == plain.status_code == 307
    assert forged.headers["Location"] == plain.headers["Location"] == location
    assert served.get(location).status_code == there


def test_a_path_no_route_takes_is_404_naming_the_request_and_where_the_routes_are(served: Served) -> None:
    missing = served.get("/v1/run")

    assert missing.status_code == 404 and "Location" not in missing.headers
    assert missing.json() == {"message": "no route GET /v1/run; the routes are listed at /docs"}
    assert missing.headers["Cache-Control"] == "no-store"  # the API's headers, as on every other 404


def test_a_method_a_route_does_not_take_is_405_naming_those_it_takes(served: Served) -> None:
    run_id = served.upload_part('form-data; name="file"; filename="cv.txt"', b"curriculum vitae").json()["run_id"]
    refused = httpx.delete(f"{served.base}/v1/runs/{run_id}", headers=served.auth, timeout=30)

    assert refused.status_code == 405 and refused.headers["Allow"] == "GET"
    assert refused.json() == {"message": f"DELETE is not allowed on /v1/runs/{run_id}; it takes GET"}


def test_a_since_that_is_no_time_is_422_showing_the_forms_it_takes(served: Served) -> None:
    refused = served.get("/v1/runs?since=yesterday")

    assert refused.status_code == 422
    problem = (
        "query.since: 'yesterday' is not an ISO 8601 date or time: send one like 2026-03-01, 2026-03-01T10:00:00Z"
        " or 2026-03-01T10:00:00+02:00 (a time without a zone is UTC)"
    )
    assert refused.json()["errors"] == [problem]


def test_a_run_id_too_short_to_be_a_prefix_is_404_saying_how_long_one_must_be(served: Served) -> None:
    run_id = served.upload_part('form-data; name="file"; filename="cv.txt"', b"curriculum vitae").json()["run_id"]

    assert served.get(f"/v1/runs/{run_id[:6]}").json()["run_id"] == run_id
    short = served.get(f"/v1/runs/{run_id[:5]}")
    assert short.status_code == 404
    assert short.json() == {"message": f"no run {run_id[:5]!r} (a run id's prefix needs 6 or more characters)"}


def _part(disposition: str, content: bytes) -> bytes:
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + content + b"\r\n"


@pytest.mark.parametrize(
    ("content_type", "body", "said"),
    [
        ("multipart/form-data", b"garbage", "names no boundary: let the client build the body and its header"),
        (f"multipart/form-data; boundary={BOUNDARY}", b"garbage", "the body is not the multipart/form-data"),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            _part('form-data; filename="a.txt"', b"cv") + f"--{BOUNDARY}--\r\n".encode(),
            'a part has no name: send the document as the part Content-Disposition: form-data; name="file"',
        ),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            _part('form-data; name="file"; filename="a.txt"', b"cv")
            + _part('form-data; name="doc"; filename="b.txt"', b"cv")
            + f"--{BOUNDARY}--\r\n".encode(),
            "send one file, the field `file`: this body has more than one",
        ),
        (
            f"multipart/form-data; boundary={BOUNDARY}",
            _part('form-data; name="note"', b"hi")
            + _part('form-data; name="other"', b"hi")
            + f"--{BOUNDARY}--\r\n".encode(),
            "send one field, the file `file`, and nothing else: this body has text fields",
        ),
    ],
)
def test_a_form_the_upload_cannot_take_is_400_saying_what_to_send(
    served: Served, content_type: str, body: bytes, said: str
) -> None:
    # Starlette's words said what it met ("Missing boundary in multipart.", "Too many files. Maximum number ...").
    sent = httpx.post(
        f"{served.base}/v1/documents", content=body, headers=served.auth | {"Content-Type": content_type}, timeout=30
    )

    assert sent.status_code == 400, sent.text
    assert said in sent.json()["message"] and "(curl -F file=@PATH)" in sent.json()["message"]
    assert served.runs() == []


def test_a_token_refused_says_what_to_send(served: Served, settings: Settings) -> None:
    # "a valid token is required" and "this needs the role submitter or admin" said nothing of what to do.
    async def make_reviewer() -> str:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            return (await engine.create_token("kim", "reviewer"))[0]

    kim = {"Authorization": f"Bearer {asyncio.run(make_reviewer())}"}
    unknown = httpx.get(f"{served.base}/v1/runs", headers={"Authorization": "Bearer cf_nosuchtoken"}, timeout=30)
    wrong_role = httpx.post(f"{served.base}/v1/documents", files={"file": ("a.txt", b"cv")}, headers=kim, timeout=30)

    assert unknown.status_code == 401
    assert unknown.json()["message"] == (
        "the token sent is not valid (unknown or revoked): send one `claimflow token create` made"
    )
    assert wrong_role.status_code == 403
    assert (
        wrong_role.json()["message"] == "this needs the role submitter or admin; the token 'kim' has the role reviewer"
    )
    assert served.runs() == []
