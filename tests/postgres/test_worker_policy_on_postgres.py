"""A queued run applies the policy its `run.started` records: the submitter's, whatever the worker's own.

The submitter recorded its `CLAIMFLOW_POLICY` on the run while the worker built the run's state from its own: a run
submitted with `field_auto_accept` 0.1 and a due time went to review at the worker's 0.80, with no due time.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration._docs import json_lines, run_cli, write
from tests.postgres._workers import (
    CONTRACT,
    FINISHED,
    INVOICE,
    migrate,
    rows,
    spawn_worker,
    stop,
    wait_until,
    worker_env,
)

pytestmark = pytest.mark.postgres

POLICY = {"field_auto_accept": 0.1, "review": {"due": {"*": "20s"}, "on_overdue": {"*": "reject"}}}


def test_a_queued_run_applies_the_policy_its_run_started_records_not_the_workers(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    policy = write(tmp_path, "pol.json", json.dumps(POLICY))
    worker_side = worker_env(postgres_url, data, CLAIMFLOW_MODEL="rules")  # no CLAIMFLOW_POLICY: 0.80, no due time
    submitter = {**worker_side, "CLAIMFLOW_POLICY": str(policy)}
    mismatch = INVOICE.with_name("invoice-total-mismatch.pdf")  # to review whatever the threshold: its total
    queued = run_cli("run", "--queue", "--json", CONTRACT, mismatch, **submitter)
    assert queued.returncode == 0, queued.stderr
    contract, invoice = (line["run_id"] for line in json_lines(queued.stdout))
    log = tmp_path / "worker.log"
    worker = spawn_worker(log, worker_side)
    try:
        wait_until(
            lambda: {row["status"] for row in rows(postgres_url, "SELECT status FROM claimflow_runs")} <= set(FINISHED),
            90,
            "the worker to advance both runs",
        )
    finally:
        stop(worker)
    found = {row["run_id"]: row for row in rows(postgres_url, "SELECT * FROM claimflow_runs")}
    started = {
        row["run_id"]: row["data"]["policy"]
        for row in rows(postgres_url, "SELECT run_id, data FROM claimflow_events WHERE type = 'run.started'")
    }
    assert started[contract]["field_auto_accept"] == 0.1 and started[invoice]["review"]["due"] == {"*": "20s"}
    # At the recorded 0.1 the contract's fields (0.82 and less) are accepted: at the worker's 0.80 it went to review.
    assert found[contract]["status"] == "completed", (found[contract], log.read_text())
    # The invoice's review is due 20 s after it opened, as recorded: the worker's own policy has no due time.
    assert found[invoice]["status"] == "needs_review", found[invoice]
    opened, due = found[invoice]["review_opened_at"], found[invoice]["review_due_at"]
    assert due is not None and abs(float(due) - float(opened) - 20.0) < 1.0, found[invoice]
