"""Over real HTTP, a decision on a review already decided is 409 naming who decided it, when (ISO, UTC) and what;
`claimflow review decide` on the same run says the same words.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from tests.integration._docs import MEMO, flat, mismatch_invoice_text, run_cli
from tests.service._live import live_server

MOVING = ("queued", "running", "resume_queued", "resuming")


class Served:
    """The app on a real port, with a submitter and the reviewers kim and lee."""

    def __init__(self, base: str, tokens: dict[str, str]) -> None:
        self.base, self.tokens = base, tokens

    def call(self, method: str, path: str, who: str, **sent: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[who]}"}
        return httpx.request(method, self.base + path, headers=headers, timeout=30, **sent)

    def paused(self, name: str, text: str) -> tuple[str, str]:
        """Upload a document and wait for its review: the run id and the review's interrupt id."""
        answer = self.call("POST", "/v1/documents", "submitter", files={"file": (name, text.encode())})
        assert answer.status_code == 201, answer.text
        run_id = str(answer.json()["run_id"])
        deadline = time.monotonic() + 60
        while (status := self.call("GET", f"/v1/runs/{run_id}", "kim").json()["status"]) in MOVING:
            assert time.monotonic() < deadline, f"run {run_id} still {status}"
            time.sleep(0.05)
        assert status == "needs_review"
        return run_id, str(self.call("GET", f"/v1/reviews/{run_id}", "kim").json()["interrupt_id"])

    def decide(self, run_id: str, who: str, **body: Any) -> httpx.Response:
        return self.call("POST", f"/v1/reviews/{run_id}/decision", who, json=body)


@pytest.fixture
def served(settings: Settings) -> Iterator[Served]:
    async def make_tokens() -> dict[str, str]:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            made = {"submitter": "submitter", "kim": "reviewer", "lee": "reviewer"}
            return {name: (await engine.create_token(name, role))[0] for name, role in made.items()}

    tokens = asyncio.run(make_tokens())
    with live_server(create_app(settings, types=BUILTIN_TYPES)) as base:
        yield Served(base, tokens)


def _decided_at(message: str, interrupt_id: str, reviewer: str, what: str) -> datetime:
    """The time the message says review `interrupt_id` was decided by `reviewer` doing `what` (fails if it does not)."""
    found = re.search(rf"review {re.escape(interrupt_id)} was already decided by {reviewer} at (\S+): {what}", message)
    assert found is not None, message
    return datetime.fromisoformat(found[1])


def test_a_second_decision_is_409_naming_who_decided_when_and_what(served: Served, settings: Settings) -> None:
    run_id, review = served.paused("mismatch.txt", mismatch_invoice_text())
    before = datetime.now(UTC)
    first = served.decide(run_id, "kim", interrupt_id=review, action="approve")
    after = datetime.now(UTC)
    assert first.status_code == 200, first.text

    second = served.decide(run_id, "lee", interrupt_id=review, action="reject", reason="not ours")

    assert second.status_code == 409, second.text
    message = second.json()["message"]
    at = _decided_at(message, review, "kim", "approved")
    assert at.utcoffset() == UTC.utcoffset(None)
    assert before <= at <= after
    assert second.json()["run"]["status"] == "completed"

    # The CLI refuses a decision on the same run in the same words.
    cli = run_cli("review", "decide", run_id, "--reviewer", "pat", "--approve", "--data-dir", settings.data_dir)
    assert cli.returncode != 0
    said = flat(cli.stdout + cli.stderr)
    assert _decided_at(said, review, "kim", "approved") == at, said


def test_a_decision_on_a_review_answered_by_a_type_correction_names_the_correction(served: Served) -> None:
    run_id, review = served.paused("memo.txt", MEMO)
    corrected = served.decide(run_id, "kim", interrupt_id=review, action="edit", doc_type="receipt")
    assert corrected.status_code == 200 and corrected.json()["status"] == "needs_review", corrected.text

    late = served.decide(run_id, "lee", interrupt_id=review, action="approve")

    assert late.status_code == 409, late.text
    _decided_at(late.json()["message"], review, "kim", "set the type to receipt")
    # Said for a client of the API, as the rest of the message is.
    assert f"`GET /v1/reviews/{run_id}`" in late.json()["message"]
