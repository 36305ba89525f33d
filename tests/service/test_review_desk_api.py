"""The review desk over HTTP: the sweep `serve` runs by itself, assignment and claims, the overdue filter.

The sweep's clock is the app's `clock`, set a day ahead, so a review is overdue without waiting for it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from claimflow.runtime.engine.tokens import TokenRequestError, hash_token
from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy
from tests.integration._docs import MEMO, mismatch_invoice_text
from tests.service._api import Api, serving

DAY = 86400.0
ESCALATE = {
    "review": {
        "due": {"invoice": "1h"},
        "on_overdue": {"invoice": "escalate"},
        "escalate_to": {"invoice": "leads"},
        "groups": {"leads": ["ana", "ben"]},
    }
}
REJECT = {"review": {"due": {"invoice": "1h"}, "on_overdue": {"invoice": "reject"}}}


class Clock:
    """A day ahead of the wall clock; counts the sweeps that read it, and can fail the first."""

    def __init__(self, *, fail_first: bool = False) -> None:
        self.reads, self.fail_first = 0, fail_first

    def __call__(self) -> float:
        self.reads += 1
        if self.fail_first and self.reads == 1:
            raise OSError("the clock is broken once")
        return time.time() + DAY


def _under(settings: Settings, policy: dict[str, Any], seconds: float) -> Settings:
    return replace(settings, policy=Policy.model_validate(policy), sweep_seconds=seconds)


async def _review_events(api: Api, run_id: str) -> list[str]:
    events = await api.engine.registry.events(run_id)
    return [item["type"] for item in events if item["type"].startswith("review.")]


async def _until(check: Callable[[], Any], what: str) -> None:
    for _ in range(200):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never: {what}")


async def test_serve_escalates_an_overdue_review_once_by_itself(settings: Settings) -> None:
    clock = Clock()
    async with serving(_under(settings, ESCALATE, 0.02), clock=clock) as api:
        paused = await api.processed("late.txt", mismatch_invoice_text())
        run_id = paused["run_id"]

        async def escalated() -> bool:
            return "review.escalated" in await _review_events(api, run_id)

        await _until(escalated, "the review escalated")
        seen = clock.reads
        await _until(lambda: asyncio.sleep(0, clock.reads >= seen + 5), "five more sweeps")
        queue = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
        events = await _review_events(api, run_id)

    assert events == ["review.requested", "review.overdue", "review.escalated"]  # once, over many sweeps
    [item] = queue
    assert (item["assignee"], item["priority"], item["escalated"]) == ("leads", "high", True)


async def test_serve_rejects_an_overdue_run_when_the_policy_says_so(settings: Settings) -> None:
    async with serving(_under(settings, REJECT, 0.02), clock=Clock()) as api:
        paused = await api.processed("late.txt", mismatch_invoice_text())

        async def ended() -> bool:
            return (await api.engine.registry.get_run(paused["run_id"])).status == "rejected"

        await _until(ended, "the run rejected")
        events = await api.engine.registry.events(paused["run_id"])
        view = (await api.client.get(f"/v1/runs/{paused['run_id']}", headers=api.auth("admin"))).json()

    assert view["status"] == "failed" and "overdue" in view["error"]  # the public status of a rejected run
    decided = next(item["data"] for item in events if item["type"] == "review.decided")
    assert (decided["reviewer"], decided["action"]) == ("sweep", "reject")


async def test_a_failed_sweep_is_logged_and_the_next_one_still_comes(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(fail_first=True)
    async with serving(_under(settings, ESCALATE, 0.02), clock=clock) as api:
        paused = await api.processed("late.txt", mismatch_invoice_text())

        async def escalated() -> bool:
            return "review.escalated" in await _review_events(api, paused["run_id"])

        await _until(escalated, "the review escalated after a failed sweep")

    assert any("review sweep failed" in record.getMessage() for record in caplog.records)


async def test_sweep_seconds_zero_never_sweeps(settings: Settings) -> None:
    clock = Clock()
    async with serving(_under(settings, ESCALATE, 0), clock=clock) as api:
        paused = await api.processed("late.txt", mismatch_invoice_text())
        await api.processed("memo.txt", MEMO)  # more time for a sweep that should not come
        events = await _review_events(api, paused["run_id"])

    assert clock.reads == 0 and api.app.state.sweeper.sweeps == 0
    assert events == ["review.requested"]


async def test_stopping_the_server_ends_the_sweep(settings: Settings) -> None:
    async with serving(_under(settings, ESCALATE, 3600), clock=Clock()) as api:
        sweeper = api.app.state.sweeper
        await _until(lambda: asyncio.sleep(0, sweeper.sweeps == 1), "the first sweep")
        task = sweeper._task
    assert task is not None and task.done() and not task.cancelled()


async def _paused_invoice(api: Api, name: str = "mismatch.txt") -> str:
    done = await api.processed(name, mismatch_invoice_text(name))
    assert done["status"] == "needs_review"
    return str(done["run_id"])


async def test_a_reviewer_claims_a_free_review_and_is_refused_one_another_has(settings: Settings) -> None:
    async with serving(_under(settings, ESCALATE, 0)) as api:
        await api.token("kim", "reviewer")
        await api.token("ana", "reviewer")
        run_id = await _paused_invoice(api)

        claimed = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("kim"))
        again = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("kim"))
        refused = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("ana"))
        mine = await api.client.get("/v1/reviews", params={"assignee": "kim"}, headers=api.auth("kim"))
        events = await _review_events(api, run_id)

    assert claimed.status_code == 200 and claimed.json()["assignee"] == "kim"
    assert again.status_code == 200 and again.json()["assignee"] == "kim"
    assert refused.status_code == 409 and "assigned to kim" in refused.json()["message"]
    # Said for a client of the API: the request that reassigns it, not the CLI's command.
    assert refused.json()["message"].endswith(f"`POST /v1/reviews/{run_id}/assign` (an admin's) reassigns it")
    assert [item["run_id"] for item in mine.json()] == [run_id]
    assert events == ["review.requested", "review.claimed"]


async def test_a_token_named_as_a_group_is_refused_and_one_made_before_is_no_member(settings: Settings) -> None:
    async with serving(_under(settings, ESCALATE, 0)) as api:
        with pytest.raises(TokenRequestError, match="token name 'leads' is a reviewer group of the policy"):
            await api.engine.create_token("leads", "reviewer")
        # A token of that name made before the policy had the group: it is not the group's members for it.
        token = "cf_" + "x" * 43
        await api.engine.registry.create_token(name="leads", token_hash=hash_token(token), role="reviewer", types=None)
        api.tokens["leads"] = token
        await api.token("ana", "reviewer")
        run_id = await _paused_invoice(api)
        await api.engine.assign_review(run_id, "leads")
        review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("leads"))).json()

        claimed = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("leads"))
        body = {"interrupt_id": review["interrupt_id"], "action": "reject", "reason": "not for the group"}
        decided = await api.client.post(f"/v1/reviews/{run_id}/decision", json=body, headers=api.auth("leads"))
        row = await api.engine.registry.get_run(run_id)
        by_member = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("ana"))

    assert claimed.status_code == 409 and "assigned to leads" in claimed.json()["message"]
    assert decided.status_code == 409 and "assigned to leads" in decided.json()["message"]
    assert (row.status, row.assignee) == ("needs_review", "leads")
    assert by_member.status_code == 200 and by_member.json()["assignee"] == "ana"


async def test_a_claimed_review_is_decided_by_its_reviewer_or_an_admin_only(settings: Settings) -> None:
    async with serving(_under(settings, ESCALATE, 0)) as api:
        await api.token("kim", "reviewer")
        await api.token("ana", "reviewer")
        run_id = await _paused_invoice(api)
        review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("kim"))).json()
        assert (await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("kim"))).status_code == 200

        def decide(who: str) -> Any:
            # The invoice number `mismatch.txt` is no identifier the extractor takes: an approval would leave it
            # empty, and is refused for that; the reviewer writes it in, and the total that adds up.
            edits = {"invoice_number": ["mismatch.txt"], "total_amount": ["180.00"]}
            body = {"interrupt_id": review["interrupt_id"], "action": "edit", "edits": edits}
            return api.client.post(f"/v1/reviews/{run_id}/decision", json=body, headers=api.auth(who))

        refused = await decide("ana")
        waiting = (await api.client.get(f"/v1/runs/{run_id}", headers=api.auth("admin"))).json()
        by_admin = await decide("admin")

    assert refused.status_code == 409
    assert (
        f"run {run_id} is assigned to kim: only they (or a member of that group) may decide it"
        in (refused.json()["message"])
    )
    assert waiting["status"] == "needs_review"
    assert by_admin.status_code == 200 and by_admin.json()["status"] == "completed", by_admin.text


async def test_an_admin_assigns_to_anyone_a_reviewer_only_to_themselves(settings: Settings) -> None:
    async with serving(_under(settings, ESCALATE, 0)) as api:
        await api.token("ana", "reviewer")
        await api.token("kim", "reviewer")
        run_id = await _paused_invoice(api)

        def assign(who: str, to: str) -> Any:
            return api.client.post(f"/v1/reviews/{run_id}/assign", json={"to": to}, headers=api.auth(who))

        to_other = await assign("kim", "ana")
        to_group = await assign("admin", "leads")
        member = await assign("ana", "ana")  # ana is in leads: the claim rules let her take it
        outsider = await assign("kim", "kim")  # kim is not: refused, with who has it
        blank = await assign("admin", "  ")
        events = await _review_events(api, run_id)

    assert to_other.status_code == 403
    assert to_group.status_code == 200 and to_group.json()["assignee"] == "leads"
    assert member.status_code == 200 and member.json()["assignee"] == "ana"
    assert outsider.status_code == 409 and "assigned to ana" in outsider.json()["message"]
    assert blank.status_code == 422
    assert events == ["review.requested", "review.assigned", "review.claimed"]


async def test_assignment_answers_404_for_a_missing_run_or_one_of_another_type(settings: Settings) -> None:
    async with serving(_under(settings, ESCALATE, 0)) as api:
        await api.token("rita", "reviewer", ["receipt"])
        run_id = await _paused_invoice(api)
        hidden = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("rita"))
        missing = await api.client.post("/v1/reviews/nosuchrun/claim", headers=api.auth("reviewer"))
        submitter = await api.client.post(f"/v1/reviews/{run_id}/claim", headers=api.auth("submitter"))
        row = await api.engine.registry.get_run(run_id)

    assert (hidden.status_code, hidden.json()) == (404, {"message": f"no run {run_id!r}"})
    assert missing.status_code == 404 and submitter.status_code == 403
    assert row.assignee is None


async def test_the_queue_filters_overdue_reviews(settings: Settings) -> None:
    policy = {"review": {"due": {"invoice": "1s"}}}
    async with serving(_under(settings, policy, 0)) as api:
        late = await _paused_invoice(api)
        await api.processed("memo.txt", MEMO)  # no due time
        row = await api.engine.registry.get_run(late)
        assert row.review_due_at is not None
        await asyncio.sleep(max(0.0, row.review_due_at - time.time()) + 0.05)
        overdue = (await api.client.get("/v1/reviews?overdue=true", headers=api.auth("reviewer"))).json()
        in_time = (await api.client.get("/v1/reviews?overdue=false", headers=api.auth("reviewer"))).json()

    assert [item["run_id"] for item in overdue] == [late]
    assert late not in [item["run_id"] for item in in_time] and len(in_time) == 1


async def test_requests_are_answered_while_a_sweep_is_under_way(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with serving(_under(settings, ESCALATE, 3600)) as api:
        sweeper = api.app.state.sweeper
        await _until(lambda: asyncio.sleep(0, sweeper.sweeps == 1), "the first sweep")
        started, release = asyncio.Event(), asyncio.Event()

        async def slow_sweep(*, now: float | None = None) -> list[Any]:
            started.set()
            await release.wait()
            return []

        monkeypatch.setattr(api.engine, "sweep_reviews", slow_sweep)
        sweeping = asyncio.create_task(sweeper.sweep_once())
        await started.wait()
        health = await api.client.get("/healthz")
        queue = await api.client.get("/v1/reviews", headers=api.auth("reviewer"))
        still = not sweeping.done()
        release.set()
        await sweeping

    assert still and health.status_code == 200 and queue.status_code == 200


async def test_a_review_is_not_assigned_to_a_reviewer_limited_to_other_types(settings: Settings) -> None:
    # Assigned, carl could neither see nor decide it, and only an admin could take it back.
    async with serving(settings) as api:
        await api.token("carl", "reviewer", ["contract"])
        await api.token("bob", "reviewer", ["invoice"])
        run_id = await _paused_invoice(api)

        def assign(to: str) -> Any:
            return api.client.post(f"/v1/reviews/{run_id}/assign", json={"to": to}, headers=api.auth("admin"))

        refused = await assign("carl")
        unassigned = (await api.engine.registry.get_run(run_id)).assignee
        to_bob = await assign("bob")

    assert refused.status_code == 409
    assert refused.json()["message"].startswith(
        "carl may review only contract, not invoice: assign it to a reviewer who may"
    ), refused.json()
    assert unassigned is None
    assert to_bob.status_code == 200 and to_bob.json()["assignee"] == "bob"


async def test_a_group_is_assigned_a_review_though_a_limited_token_made_before_has_its_name(
    settings: Settings,
) -> None:
    # A group's name is the group's, never one reviewer's: the limited token's types say nothing of the group.
    async with serving(_under(settings, ESCALATE, 0)) as api:
        token = "cf_" + "y" * 43
        await api.engine.registry.create_token(
            name="leads", token_hash=hash_token(token), role="reviewer", types=["contract"]
        )
        run_id = await _paused_invoice(api)

        row = await api.engine.assign_review(run_id, "leads")

    assert row.assignee == "leads"
