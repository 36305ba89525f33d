"""The REST API in production mode: uploads and decisions go to the queue, a `claimflow worker` advances them."""

from __future__ import annotations

import asyncio
import html
import re
from dataclasses import replace
from pathlib import Path

import pytest

from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration import _deadlines
from tests.integration._docs import invoice_text, mismatch_invoice_text
from tests.postgres._workers import migrate, rows, spawn_worker, stop, wait_until, worker_env
from tests.service._api import Api, serving

pytestmark = pytest.mark.postgres

JOBS = "SELECT task_name, status FROM procrastinate_jobs WHERE task_name LIKE 'claimflow.%%_run' ORDER BY id"


async def _decide(api: Api, run_id: str, interrupt_id: str, **decision: object) -> tuple[int, dict[str, object]]:
    answer = await api.client.post(
        f"/v1/reviews/{run_id}/decision", json={"interrupt_id": interrupt_id, **decision}, headers=api.auth("reviewer")
    )
    return answer.status_code, answer.json()


async def _decide_citing_nowhere(api: Api, run_id: str, interrupt_id: str) -> tuple[int, dict[str, object]]:
    """An edit of the total citing a quote the invoice does not hold: the server queues it, a worker refuses it."""
    return await _decide(
        api,
        run_id,
        interrupt_id,
        action="edit",
        edits={"total_amount": ["180.00"]},
        evidence={"total_amount": {"quote": "a quote found nowhere in the invoice"}},
    )


async def test_uploads_and_decisions_over_the_api_are_advanced_by_a_worker(postgres_url: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    settings = Settings(data_dir=data, database_url=postgres_url, execution="queue")
    async with serving(settings) as api:
        first = await api.upload("mismatch.txt", mismatch_invoice_text(), key="k-1")
        again = await api.upload("mismatch.txt", mismatch_invoice_text(), key="k-1")
        other = await api.upload("other.txt", invoice_text(), key="k-1")
        run_id = first.json()["run_id"]
        await asyncio.sleep(0.5)  # room for the server's own pool, were it (wrongly) to advance the run
        before_worker = (await api.client.get(f"/v1/runs/{run_id}", headers=api.auth("admin"))).json()
        jobs_before_worker = rows(postgres_url, JOBS)

        worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
        try:
            paused = await api.settled(run_id)
            review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
            stale = await _decide(api, run_id, "old", action="approve")
            invalid = await _decide(api, run_id, review["interrupt_id"], action="edit", edits={"no_such": ["1"]})
            refused = await _decide_citing_nowhere(api, run_id, review["interrupt_id"])
            after_refusal = await api.settled(run_id)
            queue = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
            accepted = await _decide(
                api, run_id, review["interrupt_id"], action="edit", edits={"total_amount": ["180.00"]}
            )
            second = await _decide(api, run_id, review["interrupt_id"], action="approve")
            stream = await api.client.get(f"/v1/runs/{run_id}/events/stream", headers=api.auth("admin"))
            done = await api.settled(run_id)
        finally:
            stop(worker)

    assert first.status_code == 201 and first.json()["status"] == "queued"
    assert again.json()["run_id"] == run_id and again.headers["Idempotent-Replayed"] == "true"
    assert other.status_code == 409
    assert before_worker["status"] == "queued", "the server advanced nothing itself"
    assert jobs_before_worker == [{"task_name": "claimflow.start_run", "status": "todo"}]

    assert paused["status"] == "needs_review"
    assert stale[0] == 409 and stale[1]["run"]["status"] == "needs_review"  # type: ignore[index]
    assert invalid[0] == 422 and "no_such" in str(invalid[1]["errors"]), "checked at once: it needs no document"
    assert refused[0] == 202 and refused[1]["status"] == "resume_queued"
    assert after_refusal["status"] == "needs_review", "the worker refused the decision: the run stays paused"
    [entry] = queue
    assert "refused" in entry["note"] and "cited evidence" in entry["note"]
    assert accepted[0] == 202 and accepted[1]["status"] == "resume_queued"
    assert second[0] == 409
    assert done["status"] == "completed" and done["fields"]["total_amount"]["value"] == "180.00"
    assert "event: run.completed" in stream.text and stream.text.rstrip().endswith("data: {}")

    outcomes = rows(
        postgres_url, "SELECT reviewer, outcome FROM claimflow_review_decisions WHERE run_id = %s ORDER BY seq", run_id
    )
    assert [row["outcome"] for row in outcomes] == ["refused", "refused", "refused", "applied", "refused"]
    assert [row["task_name"] for row in rows(postgres_url, JOBS)] == [
        "claimflow.start_run",
        "claimflow.resume_run",
        "claimflow.resume_run",
    ]
    assert {row["status"] for row in rows(postgres_url, JOBS)} == {"succeeded"}


async def test_the_sweeps_default_rejection_goes_to_a_worker_in_production_mode(
    postgres_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    local = _deadlines.settings(data, _deadlines.REJECT, postgres_url)
    async with open_engine(local) as engine:
        [row] = await _deadlines.pause(engine, tmp_path / "docs", {"late.txt": mismatch_invoice_text()})
    assert row.review_due_at is not None
    async with open_engine(replace(local, execution="queue")) as engine:
        [outcome] = await engine.sweep_reviews(now=row.review_due_at + 1)
        queued = await engine.registry.get_run(row.run_id)
    assert outcome.action == "rejected" and "queued" in outcome.detail
    assert queued.status == "resume_queued" and queued.lease_owner is None, "the sweep gave the run up"

    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
    try:
        wait_until(
            lambda: rows(postgres_url, "SELECT status FROM claimflow_runs")[0]["status"] == "rejected",
            60,
            "the worker to apply the rejection",
        )
    finally:
        stop(worker)
    decisions = rows(postgres_url, "SELECT reviewer, outcome FROM claimflow_review_decisions")
    assert decisions == [{"reviewer": "sweep", "outcome": "applied"}]


async def test_a_decision_a_worker_refused_is_shown_on_the_review_page_as_the_runs_note(
    postgres_url: str, tmp_path: Path
) -> None:
    # In production mode the server answers a decision 202 before a worker checks it against the document: the
    # reviewer who opens the run next learns of the refusal from the review page, and decides again there.
    data = tmp_path / "data"
    migrate(postgres_url, data)
    settings = Settings(data_dir=data, database_url=postgres_url, execution="queue")
    async with serving(settings) as api:
        run_id = (await api.upload("mismatch.txt", mismatch_invoice_text())).json()["run_id"]
        worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
        try:
            await api.settled(run_id)
            review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
            refused = await _decide_citing_nowhere(api, run_id, review["interrupt_id"])
            after = await api.settled(run_id)
            signed_in = await api.client.post("/review/sign-in", data={"token": api.tokens["reviewer"]})
            page = await api.client.get(f"/review/runs/{run_id}")
        finally:
            stop(worker)

    assert refused[0] == 202 and after["status"] == "needs_review"
    assert signed_in.status_code == 303 and page.status_code == 200
    note = re.search(r'<p class="note" id="review-note">([^<]*)</p>', page.text)
    assert note is not None, page.text
    said = html.unescape(note.group(1))
    assert said.startswith("the decision of reviewer was refused: ") and said.endswith("; decide again"), said
    assert "cited evidence" in said and "a quote found nowhere in the invoice" in said, said
    assert "`" not in said and "claimflow " not in said and "--" not in said, said  # page words, no commands
    assert 'name="interrupt_id"' in page.text  # the form is there to decide again
