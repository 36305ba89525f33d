"""`POST /v1/runs/{id}/erase` over real HTTP, the same scenario on SQLite and on Postgres with a worker.

A run whose document names a person waits for review; a reviewer's edit and comment (naming the person) finish
it; an admin erases it. Before, every personal value is stored; after, none is, anywhere (data directory files,
every Postgres table: the queue's jobs too), and what the API shows of the run says `[erased]`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.service import create_app
from claimflow.runtime.settings import Settings
from tests.integration._erasing import FILE, NAME, PERSONAL, personal_invoice
from tests.service._live import live_server
from tests.service.test_integrator_http import Served

TOKENS = {"root": "admin", "intake": "submitter", "kim": "reviewer", "watch": "monitor"}
"""The tokens the server is started with: an admin, a submitter, a reviewer and a monitor."""


@contextmanager
def served_with_a_monitor(settings: Settings) -> Iterator[Served]:
    """The app on a real port, with the tokens of `TOKENS`."""

    async def make_tokens() -> dict[str, str]:
        async with open_engine(settings, types=BUILTIN_TYPES) as engine:
            return {name: (await engine.create_token(name, role))[0] for name, role in TOKENS.items()}

    tokens = asyncio.run(make_tokens())
    with live_server(create_app(settings, types=BUILTIN_TYPES)) as base:
        yield Served(base, tokens)


def erase(served: Served, run_id: str, who: str = "root", **body: Any) -> httpx.Response:
    """`POST /v1/runs/{run_id}/erase` as `who`, with `body` (a reason by default)."""
    return served.call("POST", f"/v1/runs/{run_id}/erase", who, json=body or {"reason": "request DS-21"})


def _personal(text: str) -> list[str]:
    return [word for word in PERSONAL if word in text]


def _review_page(served: Served, run_id: str) -> httpx.Response:
    """The web review page of the run, as the reviewer `kim` signed in reads it."""
    with httpx.Client(base_url=served.base, timeout=30) as browser:
        signed = browser.post(
            "/review/sign-in", data={"token": served.tokens["kim"]}, headers={"Sec-Fetch-Site": "none"}
        )
        assert signed.status_code == 303, signed.text
        return browser.get(f"/review/runs/{run_id}")


def erased_over_http(served: Served, stored: Callable[[], bytes]) -> str:
    """The scenario of the module; `stored`: every byte the deployment keeps. Returns the erased run's id."""
    run_id = served.upload(FILE, personal_invoice().encode()).json()["run_id"]
    assert served.settled(run_id)["status"] == "needs_review"
    unfinished = erase(served, run_id)
    assert unfinished.status_code == 409, unfinished.text
    assert unfinished.json()["message"].startswith(
        f"run {run_id} is needs_review, not finished: only a finished run can be erased; reject it first"
    )
    review = served.call("GET", f"/v1/reviews/{run_id}", "kim").json()
    decided = served.call(
        "POST",
        f"/v1/reviews/{run_id}/decision",
        "kim",
        json={
            "interrupt_id": review["interrupt_id"],
            "action": "edit",
            "edits": {"total_amount": ["180.00"], "amount_due": ["180.00"]},
            "comment": f"called back {NAME}",
        },
    )
    assert decided.status_code in (200, 202), decided.text
    assert served.settled(run_id)["status"] == "completed"
    before = stored()
    assert all(word.encode() in before for word in PERSONAL), "the test's values are stored before the erase"

    for who in ("kim", "intake", "watch"):
        refused = erase(served, run_id, who)
        assert refused.status_code == 403, (who, refused.text)
    assert erase(served, "no-such-run").status_code == 404
    for empty in ("", "  "):
        invalid = erase(served, run_id, reason=empty)
        assert invalid.status_code == 422 and invalid.json()["errors"][0].startswith("body.reason: "), invalid.text
    assert _personal(served.call("GET", f"/v1/runs/{run_id}", "root").text), "nothing was erased by a refusal"

    done = erase(served, run_id)
    assert done.status_code == 200, done.text
    report = done.json()
    assert report["run_id"] == run_id and not report["already"]
    assert report["decisions"] == 1 and report["final_state"] and report["blobs"] >= 3 and report["events"] > 0

    shown = served.call("GET", f"/v1/runs/{run_id}", "root")
    assert shown.json()["document"] == "[erased]" and shown.json()["fields"]["iban"]["value"] == "[erased]"
    events = served.call("GET", f"/v1/runs/{run_id}/events", "root")
    assert events.json()[-1]["type"] == "run.erased" and events.json()[-1]["data"]["reason"] == "request DS-21"
    explained = served.call("GET", f"/v1/runs/{run_id}/explain", "root").json()["text"]
    assert "[erased]" in explained and "request DS-21" in explained
    page = _review_page(served, run_id)
    assert page.status_code == 200 and "[erased] is completed: it no longer waits for review" in page.text
    for answer in (shown, events, page):
        assert not _personal(answer.text), (answer.url, _personal(answer.text))
    left = [word for word in PERSONAL if word.encode() in stored()]
    assert not left, f"erased values still stored: {left}"

    again = erase(served, run_id)
    assert again.status_code == 200 and again.json()["already"] and again.json()["events"] == 0
    return run_id
