"""The queue's order on the review pages: the next-run link and a decision's redirect read the queue's rows, not
every waiting run's state, and the page, the next-run link and the API's list agree on the order and on who sees
which run (a reviewer limited to some types included)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Coroutine
from dataclasses import replace
from typing import Any

import pytest

from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy
from tests.integration._docs import MEMO, mismatch_invoice_text
from tests.service._api import Api, serving
from tests.web.test_review_desk_pages import rows
from tests.web.test_review_pages import NDA, form_of, signed_in, waiting

ESCALATE_CONTRACTS = {
    "review": {
        "due": {"contract": "1h"},
        "on_overdue": {"contract": "escalate"},
        "escalate_to": {"contract": "leads"},
        "groups": {"leads": ["reviewer"]},
    }
}


def next_run(page: str) -> str | None:
    """The run the review screen's next-run link goes to."""
    found = re.search(r'href="/review/runs/([^"?]+)" id="next"', page)
    return found.group(1) if found else None


def count_reads(monkeypatch: pytest.MonkeyPatch, api: Api, name: str) -> Counter[str]:
    """Count, per run id, the calls of the engine's reader `name` (`state`, `pending_review`) from now on."""
    reads: Counter[str] = Counter()
    method: Callable[[str], Coroutine[Any, Any, Any]] = getattr(api.engine, name)

    async def counted(run_id: str) -> Any:
        reads[run_id] += 1
        return await method(run_id)

    monkeypatch.setattr(api.engine, name, counted)
    return reads


async def test_the_review_screen_and_a_decision_read_no_other_waiting_runs_state(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(replace(settings, sweep_seconds=0)) as api:
        waiting_runs = [await waiting(api, f"invoice-{n}.txt", mismatch_invoice_text(f"N-{n}")) for n in range(5)]
        first, second, *others = waiting_runs
        signed_in(api, "reviewer")
        states = count_reads(monkeypatch, api, "state")
        reviews = count_reads(monkeypatch, api, "pending_review")

        screen = await api.client.get(f"/review/runs/{first}")
        shown = dict(states), dict(reviews)
        form = form_of(screen.text)
        decided = await api.client.post(f"/review/runs/{first}", data={**form, "action": "reject", "reason": "a copy"})

    assert screen.status_code == 200 and next_run(screen.text) == second and "1 of 5" in screen.text
    assert shown == ({}, {first: 1})  # the screen's own run only, its checkpoint read once for review and state
    assert decided.status_code == 303 and decided.headers["location"].startswith(f"/review/runs/{second}?")
    # Nor does the decision read the others'. Its own run's checkpoint: once to check who may see the review, once
    # for the engine's checks of the decision against the review and the state it was opened in.
    assert (dict(states), dict(reviews)) == ({}, {first: 3})
    assert not set(others) & (set(states) | set(reviews))


async def test_a_reviewer_limited_to_invoices_is_sent_to_the_next_invoice_in_the_queues_order(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(replace(settings, policy=Policy.model_validate(ESCALATE_CONTRACTS), sweep_seconds=0)) as api:
        first = await waiting(api, "first.txt", mismatch_invoice_text("F-1"))
        contract = await waiting(api, "nda.txt", NDA)
        memo = await waiting(api, "memo.txt", MEMO)
        second = await waiting(api, "second.txt", mismatch_invoice_text("S-2"))
        due = (await api.engine.registry.get_run(contract)).review_due_at
        assert due is not None
        [escalated] = await api.engine.sweep_reviews(now=due)  # the contract goes first, ahead of older runs
        assert escalated.run_id == contract
        await api.token("ivan", "reviewer", ["invoice"])
        queues = {}
        for who in ("reviewer", "ivan"):
            signed_in(api, who)
            listed = (await api.client.get("/v1/reviews", headers=api.auth(who))).json()
            queues[who] = (rows((await api.client.get("/review")).text), [item["run_id"] for item in listed])
        states = count_reads(monkeypatch, api, "state")
        screens = {run: (await api.client.get(f"/review/runs/{run}")).text for run in (first, second)}
        hidden = await api.client.get(f"/review/runs/{contract}")
        form = form_of(screens[first])
        decided = await api.client.post(f"/review/runs/{first}", data={**form, "action": "reject", "reason": "a copy"})

    assert queues["reviewer"] == ([contract, first, memo, second], [contract, first, memo, second])
    assert queues["ivan"] == ([first, second], [first, second])  # page and API agree: invoices, in order
    assert next_run(screens[first]) == second and "1 of 2" in screens[first]
    assert next_run(screens[second]) is None and "2 of 2" in screens[second]
    assert hidden.status_code == 404
    assert decided.status_code == 303 and decided.headers["location"].startswith(f"/review/runs/{second}?")
    assert not {contract, memo} & set(states)  # other types' runs: never read


async def test_a_decision_sends_the_reviewer_to_the_run_after_it_not_back_to_runs_passed_over(
    settings: Settings,
) -> None:
    async with serving(replace(settings, sweep_seconds=0)) as api:
        first, second, third = [await waiting(api, f"i-{n}.txt", mismatch_invoice_text(f"P-{n}")) for n in range(3)]
        signed_in(api, "reviewer")
        passed_over = await api.client.get(f"/review/runs/{first}")  # the reviewer looks, and goes on (N)
        screen = await api.client.get(f"/review/runs/{next_run(passed_over.text)}")
        middle = await api.client.post(f"/review/runs/{second}", data={**form_of(screen.text), "action": "approve"})
        screen = await api.client.get(f"/review/runs/{third}")
        last = await api.client.post(f"/review/runs/{third}", data={**form_of(screen.text), "action": "approve"})

    assert next_run(passed_over.text) == second
    assert middle.status_code == 303 and middle.headers["location"].startswith(f"/review/runs/{third}?")
    # At the end of the queue the run passed over is what is left: the reviewer comes round to it.
    assert last.status_code == 303 and last.headers["location"].startswith(f"/review/runs/{first}?")


async def test_the_queue_page_reads_each_waiting_runs_open_review_once_and_no_state(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(replace(settings, sweep_seconds=0)) as api:
        invoices = [await waiting(api, f"invoice-{n}.txt", mismatch_invoice_text(f"N-{n}")) for n in range(3)]
        memo = await waiting(api, "memo.txt", MEMO)
        await api.token("ivan", "reviewer", ["invoice"])
        states = count_reads(monkeypatch, api, "state")
        reviews = count_reads(monkeypatch, api, "pending_review")
        seen = {}
        for who in ("reviewer", "ivan"):
            signed_in(api, who)
            states.clear()
            reviews.clear()
            page = await api.client.get("/review")
            seen[who] = (page.status_code, rows(page.text), dict(states), dict(reviews))

    everyone = {run: 1 for run in [*invoices, memo]}
    assert seen["reviewer"] == (200, [*invoices, memo], {}, everyone)
    assert seen["ivan"] == (200, invoices, {}, everyone)  # the memo's review read once, to leave it out
