"""What a company system wiring claimflow in over real HTTP meets: where a new run is, a page image it holds, a
`since` pasted with its offset, and who a review may be given to.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import StreamingResponse

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.service.head import HeadAsGet
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text, mismatch_invoice_text, text_pdf
from tests.service._live import live_server

MOVING = ("queued", "running", "resume_queued", "resuming")


class Served:
    """The app on a real port, with the tokens `root` (admin), `intake` (submitter), `kim` and `lee` (reviewers)."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base, self.tokens = base, tokens

    def call(
        self, method: str, path: str, who: str, headers: dict[str, str] | None = None, **sent: Any
    ) -> httpx.Response:
        sent_headers = {"Authorization": f"Bearer {self.tokens[who]}"} | (headers or {})
        return httpx.request(method, self.base + path, headers=sent_headers, timeout=30, **sent)

    def upload(self, name: str, content: bytes, **headers: str) -> httpx.Response:
        return self.call("POST", "/v1/documents", "intake", headers, files={"file": (name, content)})

    def settled(self, run_id: str) -> dict[str, Any]:
        deadline = time.monotonic() + 60
        while (view := self.call("GET", f"/v1/runs/{run_id}", "root").json())["status"] in MOVING:
            assert time.monotonic() < deadline, f"run {run_id} still {view['status']}"
            time.sleep(0.05)
        return dict(view)


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    async def make_tokens() -> dict[str, str]:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            made = {"root": "admin", "intake": "submitter", "kim": "reviewer", "lee": "reviewer"}
            return {name: (await engine.create_token(name, role))[0] for name, role in made.items()}

    tokens = asyncio.run(make_tokens())
    with live_server(create_app(settings, types=BUILTIN_TYPES)) as base:
        yield Served(base, tokens)


def test_an_upload_answers_201_with_location_naming_its_run_a_replayed_one_too(served: Served) -> None:
    # A 201 Created said where the new run was in its body only; a rerun's 201 named it in `Location`.
    first = served.upload("a.txt", invoice_text().encode(), **{"Idempotency-Key": "po-4711"})
    again = served.upload("a.txt", invoice_text().encode(), **{"Idempotency-Key": "po-4711"})

    assert first.status_code == again.status_code == 201, first.text
    run_id = first.json()["run_id"]
    assert first.headers["Location"] == again.headers["Location"] == f"/v1/runs/{run_id}"
    followed = served.call("GET", first.headers["Location"], "intake")
    assert followed.status_code == 200 and followed.json()["run_id"] == run_id


def test_a_page_image_is_not_modified_for_its_tag_weakened_or_any(served: Served) -> None:
    # If-None-Match compares weakly (RFC 9110 13.1.2): a proxy that weakened the tag, or `*`, got the whole PNG again.
    run_id = served.upload("invoice.pdf", text_pdf(mismatch_invoice_text())).json()["run_id"]
    served.settled(run_id)
    page = f"/v1/documents/{run_id}/pages/1"
    image = served.call("GET", page, "kim")
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    tag = image.headers["etag"]

    for sent in (tag, f"W/{tag}", f'"other", W/{tag}', "*"):
        held = served.call("GET", page, "kim", {"If-None-Match": sent})
        assert held.status_code == 304 and held.content == b"", sent
        assert held.headers["etag"] == tag
    for other in ('"other"', 'W/"other"', ""):
        assert served.call("GET", page, "kim", {"If-None-Match": other}).status_code == 200, other


def test_since_with_an_offset_pasted_unescaped_is_read_with_its_plus(served: Served) -> None:
    # `?since=...+00:00` reaches the server as `... 00:00` (a query string's `+` is a space): it was 422.
    run_id = served.upload("a.txt", invoice_text().encode()).json()["run_id"]
    served.settled(run_id)
    now = datetime.now(UTC)
    earlier, later = now - timedelta(days=1), now + timedelta(days=1)

    def listed(query: str) -> list[str]:
        answer = httpx.get(
            f"{served.base}/v1/runs?{query}",
            headers={"Authorization": f"Bearer {served.tokens['intake']}"},
            timeout=30,
        )
        assert answer.status_code == 200, (query, answer.text)
        return [item["run_id"] for item in answer.json()["items"]]

    for offset in ("+00:00", "+0000", "+02:00"):
        assert listed(f"since={earlier:%Y-%m-%dT%H:%M:%S}{offset}") == [run_id], offset
        assert listed(f"since={later:%Y-%m-%dT%H:%M:%S.%f}{offset}") == [], offset
    assert listed(f"since={earlier:%Y-%m-%d %H:%M:%S}+01:00") == [run_id]
    # Escaped, or with a `-` offset or a Z, it was read all along; a space elsewhere is still no time.
    assert listed(f"since={earlier:%Y-%m-%dT%H:%M:%S}%2B00:00") == [run_id]
    assert listed(f"since={later:%Y-%m-%dT%H:%M:%S}-05:00") == []
    refused = served.call("GET", "/v1/runs", "intake", params={"since": "2026-01-01 T10:00:00 00:00"})
    assert refused.status_code == 422 and refused.json()["errors"][0].startswith("query.since: ")


def test_a_review_is_not_assigned_to_a_submitters_token(served: Served) -> None:
    # Assigned to `intake`, no one but an admin could claim, decide or give it back: `intake` may not review.
    run_id = served.upload("mismatch.txt", mismatch_invoice_text().encode()).json()["run_id"]
    assert served.settled(run_id)["status"] == "needs_review"

    refused = served.call("POST", f"/v1/reviews/{run_id}/assign", "root", json={"to": "intake"})

    assert refused.status_code == 409, refused.text
    assert refused.json()["message"] == "intake is a submitter's token: it may not review; assign it to a reviewer"
    review = served.call("GET", f"/v1/reviews/{run_id}", "kim").json()
    assert review["assignee"] is None
    to_kim = served.call("POST", f"/v1/reviews/{run_id}/assign", "root", json={"to": "kim"})
    assert to_kim.status_code == 200 and to_kim.json()["assignee"] == "kim"


def test_the_note_of_a_refused_decision_names_the_request_not_the_command(served: Served) -> None:
    # The 409 said `POST /v1/reviews/{id}/assign`; the note the queue and the review keep said `claimflow review
    # assign`, a command a client of the API does not have (the review page said it in its own words).
    run_id = served.upload("mismatch.txt", mismatch_invoice_text().encode()).json()["run_id"]
    assert served.settled(run_id)["status"] == "needs_review"
    assert served.call("POST", f"/v1/reviews/{run_id}/assign", "root", json={"to": "kim"}).status_code == 200
    review = served.call("GET", f"/v1/reviews/{run_id}", "lee").json()

    refused = served.call(
        "POST",
        f"/v1/reviews/{run_id}/decision",
        "lee",
        json={"interrupt_id": review["interrupt_id"], "action": "approve"},
    )

    assert refused.status_code == 409, refused.text
    request = f"`POST /v1/reviews/{run_id}/assign` (an admin's)"
    assert request in refused.json()["message"]
    queued = served.call("GET", "/v1/reviews", "lee").json()
    notes = [item["note"] for item in queued if item["run_id"] == run_id]
    notes.append(served.call("GET", f"/v1/reviews/{run_id}", "lee").json()["note"])
    for note in notes:
        assert note.startswith(f"the decision of lee was refused: run {run_id} is assigned to kim"), note
        assert request in note and "claimflow" not in note, note


def test_a_decision_on_a_run_this_server_cannot_continue_is_409_with_the_run(
    settings: Settings, served: Served
) -> None:
    # A 409 of a decision is documented as `DecisionConflict`, the run required; for a run whose type is not loaded
    # here (or whose workflow version is gone) it was `{"message"}` alone, which a generated client cannot read.
    run_id = served.upload("mismatch.txt", mismatch_invoice_text().encode()).json()["run_id"]
    assert served.settled(run_id)["status"] == "needs_review"
    review = served.call("GET", f"/v1/reviews/{run_id}", "kim").json()
    without_invoices = [doc_type for doc_type in BUILTIN_TYPES if doc_type.name != "invoice"]

    with live_server(create_app(settings, types=without_invoices)) as base:
        elsewhere = Served(base, served.tokens)
        refused = elsewhere.call(
            "POST",
            f"/v1/reviews/{run_id}/decision",
            "kim",
            json={"interrupt_id": review["interrupt_id"], "action": "approve"},
        )
        listed = elsewhere.call("GET", f"/v1/runs/{run_id}", "kim").json()

    assert refused.status_code == 409, refused.text
    answer = refused.json()
    assert set(answer) == {"message", "run", "superseded_by"}
    assert "document type 'invoice', which is not loaded here" in answer["message"]
    assert answer["run"] == listed and answer["run"]["status"] == "needs_review"
    assert answer["superseded_by"] is None


def test_head_is_answered_as_get_without_the_body(served: Served) -> None:
    # A monitor probing /healthz with HEAD, or `curl -I`, got 405 from every route (RFC 9110: GET and HEAD alike).
    run_id = served.upload("invoice.pdf", text_pdf(mismatch_invoice_text())).json()["run_id"]
    assert served.settled(run_id)["status"] == "needs_review"

    for path, who in (
        ("/healthz", None),
        ("/readyz", None),
        ("/v1/runs", "intake"),
        (f"/v1/runs/{run_id}", "kim"),
        (f"/v1/documents/{run_id}/pages/1", "kim"),
        ("/openapi.json", None),
    ):
        headers = {"Authorization": f"Bearer {served.tokens[who]}"} if who else {}
        got = httpx.get(served.base + path, headers=headers, timeout=30)
        head = httpx.head(served.base + path, headers=headers, timeout=30)
        assert got.status_code == head.status_code == 200, (path, head.status_code)
        assert head.content == b"", path
        for name in ("content-type", "content-length", "cache-control", "etag"):
            assert head.headers.get(name) == got.headers.get(name), (path, name)
    # Refusals are a GET's: 401 without a token, 404 for no run, 405 naming the methods of a route that has no GET.
    assert httpx.head(served.base + "/v1/runs", timeout=30).status_code == 401
    assert served.call("HEAD", "/v1/runs/no-such-run", "kim").status_code == 404
    upload = served.call("HEAD", "/v1/documents", "intake")
    assert upload.status_code == 405 and upload.headers["allow"] == "POST"
    # An event stream answers with its start, and stops at once.
    started = time.monotonic()
    stream = served.call("HEAD", f"/v1/runs/{run_id}/events/stream", "kim")
    assert stream.status_code == 200 and stream.content == b""
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert time.monotonic() - started < 10


def test_head_of_a_stream_that_goes_on_ends_with_its_start() -> None:
    # The app is told the client went away once the start is sent, as when a client closes a stream.
    stopped = threading.Event()

    async def forever() -> AsyncIterator[str]:
        try:
            while True:
                yield ": keepalive\n\n"
                await asyncio.sleep(0.05)
        finally:
            stopped.set()

    async def endless(_: Request) -> StreamingResponse:
        return StreamingResponse(forever(), media_type="text/event-stream")

    app = FastAPI()
    app.add_api_route("/stream", endless)
    app.add_middleware(HeadAsGet)
    with live_server(app) as base, httpx.Client(timeout=10) as client:
        head = client.head(base + "/stream")  # the connection stays open: the client is still there
        assert stopped.wait(10), "the stream went on after the HEAD was answered"
        assert client.get(base + "/openapi.json").status_code == 200  # and the connection serves the next request

    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-type"].startswith("text/event-stream")


def test_a_page_image_refuses_a_missing_token_in_the_words_of_every_other_route(served: Served) -> None:
    # It said "a valid token is required" to a request that sent none; every other route says what is missing.
    run_id = served.upload("invoice.pdf", text_pdf(mismatch_invoice_text())).json()["run_id"]
    served.settled(run_id)

    for path in ("/v1/runs", f"/v1/runs/{run_id}", f"/v1/documents/{run_id}/pages/1"):
        missing = httpx.get(served.base + path, timeout=30)
        wrong = httpx.get(served.base + path, headers={"Authorization": "Bearer cf_nosuchtoken"}, timeout=30)
        assert missing.status_code == wrong.status_code == 401, path
        assert missing.json() == {"message": "missing Authorization: Bearer <token>"}, path
        assert wrong.json() == {
            "message": "the token sent is not valid (unknown or revoked): send one `claimflow token create` made"
        }, path
        assert missing.headers["www-authenticate"] == wrong.headers["www-authenticate"] == "Bearer", path


def test_a_query_parameter_the_route_does_not_take_or_given_twice_is_422(served: Served) -> None:
    # `?doc_type=receipt` (the runs' field; the filter is `type`) listed every run, as if all were receipts.
    invoice = served.upload("a.txt", invoice_text().encode()).json()["run_id"]
    served.settled(invoice)

    misspelled = served.call("GET", "/v1/runs", "intake", params={"doc_type": "receipt"})
    twice = served.call("GET", "/v1/runs?type=receipt&type=invoice", "intake")
    none_taken = served.call("GET", f"/v1/runs/{invoice}", "intake", params={"fields": "total_amount"})
    queue = served.call("GET", "/v1/reviews", "kim", params={"limit": "10"})

    assert misspelled.status_code == 422, misspelled.text
    assert misspelled.json()["errors"] == [
        "query.doc_type: this request takes no query parameter 'doc_type'; it takes cursor, limit, since, status, type"
    ]
    assert twice.status_code == 422 and twice.json()["errors"] == ["query.type: given 2 times; give it once"]
    assert none_taken.status_code == 422
    assert none_taken.json()["errors"] == [
        "query.fields: this request takes no query parameter 'fields'; it takes none"
    ]
    assert queue.status_code == 422
    assert queue.json()["errors"] == [
        "query.limit: this request takes no query parameter 'limit'; it takes assignee, overdue, type"
    ]
    # What each takes, once, is read as before.
    listed = served.call("GET", "/v1/runs", "intake", params={"type": "invoice", "limit": "5"})
    assert listed.status_code == 200 and [item["run_id"] for item in listed.json()["items"]] == [invoice]
    assert served.call("GET", "/v1/reviews", "kim", params={"overdue": "false"}).status_code == 200
