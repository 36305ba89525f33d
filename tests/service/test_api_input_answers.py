"""What the API answers to input it refuses, over real HTTP: 422 with `errors` naming where and what is wrong."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy
from claimflow.state.review_policy import ReviewPolicy
from tests.integration._docs import invoice_text, mismatch_invoice_text, text_pdf
from tests.service._live import live_server

GROUP = "claims team"
"""A group of the policy whose name no token could have: a review may still be assigned to it."""


@dataclass
class Served:
    """A live server, an admin's client, and a run paused for review on it."""

    client: httpx.Client
    run_id: str
    interrupt_id: str
    data_dir: Path

    def assign(self, to: str) -> httpx.Response:
        return self.client.post(f"/v1/reviews/{self.run_id}/assign", json={"to": to})

    def assignee(self) -> Any:
        return self.client.get(f"/v1/reviews/{self.run_id}").json()["assignee"]


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`create_app` served by uvicorn over a fresh data directory, with one invoice paused for review."""
    policy = Policy(review=ReviewPolicy(groups={GROUP: ["ana"]}))
    config = replace(Settings(data_dir=Path(tmp_path_factory.mktemp("answers")) / "data"), policy=policy)

    async def make_token() -> str:
        async with open_engine(config, types=BUILTIN_TYPES) as engine:
            token, _ = await engine.create_token("root", "admin")
            return token

    token = asyncio.run(make_token())
    with (
        live_server(create_app(config, types=BUILTIN_TYPES)) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=30) as client,
    ):
        made = client.post("/v1/documents", files={"file": ("mismatch.txt", mismatch_invoice_text().encode())})
        assert made.status_code == 201, made.text
        run_id = made.json()["run_id"]
        deadline = time.monotonic() + 60
        while (view := client.get(f"/v1/runs/{run_id}").json())["status"] != "needs_review":
            assert view["status"] in ("queued", "running"), view
            assert time.monotonic() < deadline, view
            time.sleep(0.05)
        review = client.get(f"/v1/reviews/{run_id}").json()
        yield Served(client, run_id, review["interrupt_id"], config.data_dir)


@pytest.mark.parametrize("to", ["a b", "ünïcødé", "-kim", "kim/lee", "k" * 101])
def test_an_assignment_to_a_name_no_token_can_have_is_422_naming_the_field_and_the_rule(
    served: Served, to: str
) -> None:
    refused = served.assign(to)

    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["errors"]
    assert problem.startswith("body.to: ") and "letters, digits and . _ @ + -" in problem
    assert "review.groups" in problem
    assert served.assignee() is None


def test_an_assignment_to_a_token_name_or_a_group_of_the_policy_is_made(served: Served) -> None:
    assert served.assign("kim.lee+claims@example-1").json()["assignee"] == "kim.lee+claims@example-1"
    assert served.assign(GROUP).json()["assignee"] == GROUP
    assert served.assign(" ana ").json()["assignee"] == "ana"
    assert served.assignee() == "ana"


@pytest.mark.parametrize("path", ["/v1/runs", "/v1/reviews"])
def test_an_unknown_type_filter_is_422_with_errors_naming_the_parameter_and_the_active_types(
    served: Served, path: str
) -> None:
    refused = served.client.get(path, params={"type": "foo"})

    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["errors"]
    assert problem.startswith("query.type: unknown document type 'foo'; active: ") and "invoice" in problem
    assert problem in refused.json()["message"]


@pytest.mark.parametrize(
    ("path", "params", "where"),
    [
        ("/v1/runs", {"status": "complete"}, "query.status: "),
        ("/v1/runs", {"limit": "0"}, "query.limit: "),
        ("/v1/runs", {"since": "yesterday"}, "query.since: "),
        ("/v1/runs", {"cursor": "nope"}, "query.cursor: "),
        ("/v1/reviews", {"overdue": "maybe"}, "query.overdue: "),
        ("/v1/reviews", {"assignee": "kim\x00"}, "query.assignee: "),
    ],
)
def test_every_invalid_query_parameter_is_422_with_errors_naming_it(
    served: Served, path: str, params: dict[str, str], where: str
) -> None:
    refused = served.client.get(path, params=params)

    assert refused.status_code == 422, refused.text
    assert [problem.startswith(where) for problem in refused.json()["errors"]] == [True]


def _decision(served: Served, content: bytes, content_type: str | None) -> httpx.Response:
    headers = {"Content-Type": content_type} if content_type is not None else {}
    return served.client.post(f"/v1/reviews/{served.run_id}/decision", content=content, headers=headers)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{bad json", "body: the body is not valid JSON: Expecting property name enclosed in double quotes at "),
        (b'{"action": "approve",\n "interrupt_id": }', "body: the body is not valid JSON: Expecting value at line 2"),
        (b'{"action": "approve"} trailing', "body: the body is not valid JSON: Extra data at line 1, column 23"),
        # FastAPI's bare 400 "There was an error parsing the body", with no `errors`, for these two:
        (b'{"action": "appr\xff\xfeve"}', "body: the body is not UTF-8 text (invalid start byte at byte 16)"),
        (b"[" * 100_000 + b"]" * 100_000, "body: the body nests its arrays and objects too deep to read"),
    ],
)
def test_a_decision_that_is_not_json_is_422_saying_so_and_where(served: Served, content: bytes, expected: str) -> None:
    refused = _decision(served, content, "application/json")

    assert refused.status_code == 422, refused.text
    [problem] = refused.json()["errors"]
    assert problem.startswith(expected), problem
    assert refused.json()["message"] == "invalid request: " + problem
    assert served.client.get(f"/v1/runs/{served.run_id}").json()["status"] == "needs_review"


@pytest.mark.parametrize(
    ("content", "content_type", "sent"),
    [
        (b"action=approve&interrupt_id=x", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded"),
        (b'{"action": "approve"}', "text/plain", "text/plain"),
        (b'{"action": "approve"}', None, "no Content-Type"),
    ],
)
def test_a_decision_not_sent_as_json_is_422_asking_for_json(
    served: Served, content: bytes, content_type: str | None, sent: str
) -> None:
    refused = _decision(served, content, content_type)

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        f"body: send the body as JSON (Content-Type: application/json); it came as {sent}"
    ]
    assert served.client.get(f"/v1/runs/{served.run_id}").json()["status"] == "needs_review"


def test_an_empty_decision_body_is_422_saying_it_is_empty(served: Served) -> None:
    refused = _decision(served, b"", "application/json")

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == ["body: the body is empty: send it as JSON (Content-Type: application/json)"]


@pytest.mark.parametrize(
    ("content", "kind"), [(b"null", "null"), (b"[]", "an array"), (b'"approve"', "a string"), (b"5.0", "a number")]
)
def test_a_decision_of_json_that_is_no_object_is_422_asking_for_one(served: Served, content: bytes, kind: str) -> None:
    refused = _decision(served, content, "application/json")

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [f"body: send a JSON object ({{...}}), not {kind}"]


def test_a_page_that_cannot_be_shown_is_422_with_errors(served: Served) -> None:
    pdf = text_pdf(invoice_text("PG-1"))
    made = served.client.post("/v1/documents", files={"file": ("pages.pdf", pdf)})
    assert made.status_code == 201, made.text
    run_id = made.json()["run_id"]
    deadline = time.monotonic() + 60
    while served.client.get(f"/v1/runs/{run_id}").json()["status"] in ("queued", "running"):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with closing(sqlite3.connect(served.data_dir / "documents.db")) as store, store:  # broken after its run read it
        assert store.execute("UPDATE blobs SET data = ? WHERE data = ?", (b"%PDF-1.4 broken", pdf)).rowcount == 1

    refused = served.client.get(f"/v1/documents/{run_id}/pages/1")

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [refused.json()["message"]]
    assert refused.json()["message"].startswith("the page cannot be shown: ")
