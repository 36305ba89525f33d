"""`run --queue --json` prints each run as `run --json` does: a document refused at once says why."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import json_lines, run_cli
from tests.postgres._workers import CONTRACT, migrate, worker_env

pytestmark = pytest.mark.postgres

RUN_JSON_KEYS = {
    "run_id",
    "document",
    "status",
    "doc_type",
    "fields",
    "review_reasons",
    "error",
    "superseded_by",
    "new",
    "in_progress_elsewhere",
}
"""The keys of a `run --json` line, as the README lists them."""


def test_each_line_is_a_run_json_object_and_a_refused_document_says_why(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    big = tmp_path / "big.txt"
    big.write_text("Invoice\n" + "x" * 6000, encoding="utf-8")  # over the limit below; the contract is under it
    env = worker_env(postgres_url, data, CLAIMFLOW_MAX_DOCUMENT_BYTES="5000")

    queued = run_cli("run", "--queue", "--json", CONTRACT, big, **env)

    assert queued.returncode == 1, queued.stderr  # a run failed at once
    lines = {line["document"]: line for line in json_lines(queued.stdout)}
    contract, refused = lines[CONTRACT.name], lines[big.name]
    assert set(contract) == RUN_JSON_KEYS and set(refused) == RUN_JSON_KEYS
    assert (contract["status"], contract["new"], contract["error"]) == ("queued", True, None)
    assert not contract["in_progress_elsewhere"] and contract["fields"] == {}
    assert refused["status"] == "failed"
    assert "CLAIMFLOW_MAX_DOCUMENT_BYTES" in refused["error"]

    again = run_cli("run", "--queue", "--json", CONTRACT, **env)

    assert again.returncode == 0, again.stderr
    [same] = json_lines(again.stdout)
    assert set(same) == RUN_JSON_KEYS
    assert (same["run_id"], same["status"], same["new"]) == (contract["run_id"], "queued", False)


def test_runs_queued_with_no_worker_alive_say_they_wait_for_one(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    env = worker_env(postgres_url, data)

    queued = run_cli("run", "--queue", CONTRACT, **env)

    assert queued.returncode == 0, queued.stderr
    said = " ".join(queued.stderr.split())
    assert "queued 1 run(s) for the workers" in said
    assert "no worker alive: the runs wait until `claimflow worker` runs" in said
    # Found again, nothing new is queued: nothing to say of workers.
    again = run_cli("run", "--queue", CONTRACT, **env)
    assert again.returncode == 0 and "no worker alive" not in again.stderr

    # `status` shows it and exits 0; asked to check (monitoring, cron), it fails saying why.
    assert run_cli("status", **env).returncode == 0
    checked = run_cli("status", "--check", "--json", **env)
    assert checked.returncode == 1, checked.stderr
    assert json_lines(checked.stdout)[0]["workers_alive"] == 0
    assert "unhealthy: 1 job(s) waiting and no worker alive" in checked.stderr


def test_status_check_passes_where_nothing_waits(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    checked = run_cli("status", "--check", **worker_env(postgres_url, data))
    assert checked.returncode == 0, checked.stderr
    assert "unhealthy" not in checked.stderr
    (tmp_path / "embedded").mkdir()
    embedded = run_cli("status", "--check", "--data-dir", tmp_path / "embedded")
    assert embedded.returncode == 0, embedded.stderr


def test_status_check_counts_run_jobs_not_a_maintenance_tick() -> None:
    from claimflow.runtime.cli.production import unhealthy
    from claimflow.runtime.queue.names import MAINTENANCE_QUEUE

    found = {"mode": "production", "jobs_stalled": 0, "workers_alive": 0}
    ticking = {MAINTENANCE_QUEUE: {"waiting": 1, "running": 0}}
    assert unhealthy(found | {"queues": ticking}) == []  # workers stopped on purpose: no run waits
    waiting = ticking | {"offline": {"waiting": 2, "running": 0}}
    assert unhealthy(found | {"queues": waiting}) == ["2 job(s) waiting and no worker alive"]
    assert unhealthy(found | {"queues": {}, "jobs_stalled": 1}) == ["1 job(s) stalled"]
    assert unhealthy({"mode": "embedded"}) == []
