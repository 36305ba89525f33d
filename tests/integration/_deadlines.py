"""Review deadlines on either registry: the same scenarios run on SQLite and on the real Postgres.

Each scenario pauses real runs (invoices whose total does not add up, a memo of no known type) under a policy with
review deadlines, then moves a settable clock (`sweep_reviews(now=...)`) instead of sleeping.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from pathlib import Path
from typing import Any

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.registry import RunBusyError, RunRow
from claimflow.runtime.settings import Settings
from claimflow.state.policy import Policy
from claimflow.state.review import ReviewDecision
from tests.integration._docs import MEMO, mismatch_invoice_text, write

DAY = 86400.0

ESCALATE = {
    "review": {
        "due": {"invoice": "24h", "*": "3d"},
        "on_overdue": {"*": "escalate"},
        "escalate_to": {"invoice": "finance-leads", "*": "triage"},
        "groups": {"finance-leads": ["ana", "ben"], "triage": ["tom"]},
    }
}
REJECT = {"review": {"due": {"invoice": "90m"}, "on_overdue": {"invoice": "reject"}}}


def settings(data_dir: Path, policy: dict[str, Any], database_url: str | None) -> Settings:
    """Settings for a data directory (and a Postgres database, if given) under `policy`."""
    return Settings(data_dir=data_dir, policy=Policy.model_validate(policy), database_url=database_url)


async def pause(engine: Engine, docs: Path, names: dict[str, str]) -> list[RunRow]:
    """Run each document (file name -> text) until it waits for review."""
    paths = [write(docs, name, text) for name, text in names.items()]
    rows = await process_files(engine, paths)
    assert [row.status for row in rows] == ["needs_review"] * len(rows)
    return [await engine.registry.get_run(row.run_id) for row in rows]


def types_of(events: list[dict[str, Any]], prefix: str = "review.") -> list[str]:
    """The event types of a run that start with `prefix`, in order."""
    return [item["type"] for item in events if item["type"].startswith(prefix)]


async def check_due_times_and_escalation_once(data_dir: Path, docs: Path, database_url: str | None) -> None:
    """Each type's due time; not-yet-due reviews untouched; each overdue one escalated exactly once."""
    async with open_engine(settings(data_dir, ESCALATE, database_url)) as engine:
        invoice, memo = await pause(engine, docs, {"a.txt": mismatch_invoice_text(), "memo.txt": MEMO})
        assert invoice.review_opened_at is not None and memo.review_opened_at is not None
        assert invoice.review_due_at == invoice.review_opened_at + DAY
        assert memo.review_due_at == memo.review_opened_at + 3 * DAY
        opened = max(invoice.review_opened_at, memo.review_opened_at)

        assert await engine.sweep_reviews(now=opened + DAY - 60) == []
        assert types_of(await engine.registry.events(invoice.run_id)) == ["review.requested"]

        [outcome] = await engine.sweep_reviews(now=opened + DAY + 60)
        assert (outcome.run_id, outcome.action, outcome.assignee) == (invoice.run_id, "escalated", "finance-leads")
        assert outcome.doc_type == "invoice"
        assert await engine.sweep_reviews(now=opened + DAY + 120) == []  # a second sweep does nothing

        row = await engine.registry.get_run(invoice.run_id)
        assert (row.status, row.assignee, row.priority) == ("needs_review", "finance-leads", "high")
        assert row.overdue_at == opened + DAY + 60 and row.escalated_at == opened + DAY + 60
        assert row.lease_owner is None  # the sweep let go of the run
        events = await engine.registry.events(invoice.run_id)
        assert types_of(events) == ["review.requested", "review.overdue", "review.escalated"]
        overdue = events[-2]["data"]
        assert (overdue["then"], overdue["interrupt_id"]) == ("escalate", row.interrupt_id)
        untouched = await engine.registry.get_run(memo.run_id)
        assert (untouched.assignee, untouched.overdue_at, untouched.priority) == (None, None, None)

        [late] = await engine.sweep_reviews(now=opened + 4 * DAY)
        assert (late.run_id, late.assignee) == (memo.run_id, "triage")
        assert late.doc_type == "unknown"  # as `show`, `runs` and `review list` name it, not null


async def check_reject_by_policy(data_dir: Path, docs: Path, database_url: str | None) -> None:
    """The default-decision policy rejects the run through the normal decision path, as the sweep."""
    async with open_engine(settings(data_dir, REJECT, database_url)) as engine:
        [row] = await pause(engine, docs, {"late.txt": mismatch_invoice_text()})
        assert row.review_due_at is not None
        [outcome] = await engine.sweep_reviews(now=row.review_due_at + 1)
        assert (outcome.action, outcome.run_id) == ("rejected", row.run_id)
        assert await engine.sweep_reviews(now=row.review_due_at + 2) == []

        done = await engine.registry.get_run(row.run_id)
        assert done.status == "rejected" and done.lease_owner is None
        assert done.error is not None and "overdue" in done.error
        events = await engine.registry.events(row.run_id)
        assert types_of(events) == ["review.requested", "review.overdue", "review.decided"]
        decided = next(item["data"] for item in events if item["type"] == "review.decided")
        assert (decided["reviewer"], decided["action"]) == ("sweep", "reject")
        [decision] = await engine.registry.decisions(row.run_id)
        assert (decision["reviewer"], decision["outcome"]) == ("sweep", "applied")
        assert json.loads(decision["decision"])["action"] == "reject"


async def check_failed_reject_is_tried_again(data_dir: Path, docs: Path, database_url: str | None) -> None:
    """A reject that cannot be done now leaves the review open and marked once; the next sweep rejects it."""
    chosen = settings(data_dir, REJECT, database_url)
    async with open_engine(chosen) as engine:
        [row] = await pause(engine, docs, {"late.txt": mismatch_invoice_text()})
    assert row.review_due_at is not None
    async with open_engine(chosen, readonly=True) as looking:
        [failed] = await looking.sweep_reviews(now=row.review_due_at + 1)
        assert failed.action == "failed" and "read-only" in failed.detail
        still = await looking.registry.get_run(row.run_id)
        assert (still.status, still.lease_owner, still.overdue_at) == ("needs_review", None, row.review_due_at + 1)
    async with open_engine(chosen) as engine:
        [done] = await engine.sweep_reviews(now=row.review_due_at + 2)
        assert done.action == "rejected"
        events = await engine.registry.events(row.run_id)
        assert types_of(events) == ["review.requested", "review.overdue", "review.decided"]


async def check_a_new_review_starts_again(data_dir: Path, docs: Path, database_url: str | None) -> None:
    """A decision that opens another review gives it a clock of its own, unassigned; the old marks are gone."""
    async with open_engine(settings(data_dir, ESCALATE, database_url)) as engine:
        [row] = await pause(engine, docs, {"edit.txt": mismatch_invoice_text()})
        assert row.review_due_at is not None
        [escalated] = await engine.sweep_reviews(now=row.review_due_at + 1)
        assert escalated.assignee == "finance-leads"
        await engine.claim_review_as(row.run_id, "ana")
        # tax 31.00 still breaks net + tax = total: the run pauses at a new review
        edit = ReviewDecision(reviewer="ana", action="edit", edits={"tax_amount": ["31.00"]})
        again = await engine.decide(row.run_id, edit)
        assert again.status == "needs_review" and again.interrupt_id != row.interrupt_id
        assert row.review_opened_at is not None and again.review_opened_at is not None
        assert again.review_opened_at >= row.review_opened_at
        assert again.review_due_at == again.review_opened_at + DAY
        assert (again.assignee, again.priority, again.escalated_at, again.overdue_at) == (None, None, None, None)


async def check_assign_and_claim(data_dir: Path, docs: Path, database_url: str | None) -> None:
    """Anyone may assign; a claim only takes an unassigned review, one's own, or one's group's."""
    async with open_engine(settings(data_dir, ESCALATE, database_url)) as engine:
        first, second = await pause(
            engine, docs, {"one.txt": mismatch_invoice_text("A-1"), "two.txt": mismatch_invoice_text("A-2")}
        )
        assert (await engine.claim_review_as(first.run_id, "kim")).assignee == "kim"
        assert (await engine.claim_review_as(first.run_id, "kim")).assignee == "kim"  # again: nothing changes
        try:
            await engine.claim_review_as(first.run_id, "lee")
        except RunBusyError as error:
            assert "assigned to kim" in str(error)
        else:
            raise AssertionError("lee claimed kim's review")
        assert (await engine.assign_review(first.run_id, "lee")).assignee == "lee"
        assert (await engine.assign_review(second.run_id, "finance-leads")).assignee == "finance-leads"
        assert (await engine.claim_review_as(second.run_id, "ben")).assignee == "ben"  # a member of the group
        events = await engine.registry.events(first.run_id)
        assert types_of(events) == ["review.requested", "review.claimed", "review.assigned"]
        assert events[-1]["data"] == {"interrupt_id": first.interrupt_id, "assignee": "lee", "previous": "kim"}


def _sweep_when_both_are_ready(data_dir: Path, database_url: str | None, now: float, ready: Any, results: Any) -> None:
    """In a process of its own (its own lease owner): open an engine, wait for the other sweep, sweep."""

    async def sweep() -> list[dict[str, Any]]:
        async with open_engine(settings(data_dir, ESCALATE, database_url)) as engine:
            ready.wait(timeout=60)
            return [outcome.as_json() for outcome in await engine.sweep_reviews(now=now)]

    results.put(asyncio.run(sweep()))


async def check_concurrent_sweeps(data_dir: Path, docs: Path, database_url: str | None, runs: int) -> None:
    """Two sweeps in two processes at once: every overdue review is marked and escalated exactly once."""
    async with open_engine(settings(data_dir, ESCALATE, database_url)) as engine:
        paused = await pause(
            engine, docs, {f"due-{i:02d}.txt": mismatch_invoice_text(f"D-{i:04d}") for i in range(runs)}
        )
    later = max(row.review_due_at or 0 for row in paused) + 1
    spawn = multiprocessing.get_context("spawn")
    ready, results = spawn.Barrier(2), spawn.Queue()
    sweeps = [
        spawn.Process(target=_sweep_when_both_are_ready, args=(data_dir, database_url, later, ready, results))
        for _ in range(2)
    ]
    for sweep in sweeps:
        sweep.start()
    outcomes = [results.get(timeout=180) for _ in sweeps]
    for sweep in sweeps:
        sweep.join(timeout=60)
        assert sweep.exitcode == 0
    acted = [outcome["run_id"] for done in outcomes for outcome in done]
    assert sorted(acted) == sorted(row.run_id for row in paused)  # each review acted on by one sweep, none twice
    assert {outcome["action"] for done in outcomes for outcome in done} == {"escalated"}
    async with open_engine(settings(data_dir, ESCALATE, database_url)) as engine:
        for row in paused:
            events = await engine.registry.events(row.run_id)
            assert types_of(events) == ["review.requested", "review.overdue", "review.escalated"]
            assert (await engine.registry.get_run(row.run_id)).lease_owner is None
        assert await engine.sweep_reviews(now=later + 1) == []
