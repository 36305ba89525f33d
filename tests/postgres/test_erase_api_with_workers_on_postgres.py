"""`POST /v1/runs/{id}/erase` in production mode: a `claimflow worker` advanced the run, the server erases it.

Nothing of the run's values stays in any table, the queue's too: a resume job's arguments carry the reviewer's
decision (its values, its comment). A run whose advisory lock a worker holds is not erased under it.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from claimflow.runtime.queue.lock import run_lock
from claimflow.runtime.settings import Settings
from tests.integration._docs import invoice_text
from tests.integration._erasing import NAME, PERSONAL, Cli
from tests.postgres._workers import migrate, rows, spawn_worker, stop, worker_env
from tests.service._erasing_http import erase, erased_over_http, served_with_a_monitor

pytestmark = pytest.mark.postgres


def test_the_server_erases_a_run_a_worker_advanced_and_the_queue_keeps_no_value(
    postgres_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    settings = Settings(data_dir=data, database_url=postgres_url, execution="queue")
    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
    try:
        with served_with_a_monitor(settings) as served:
            run_id = erased_over_http(served, Cli(tmp_path, postgres_url).stored_bytes)
            other = served.upload("other.txt", invoice_text("NW-2024-0991").encode()).json()["run_id"]
            assert served.settled(other)["status"] == "completed"

            async def erase_under_a_workers_lock() -> int:  # as a job delivered again for the run holds it
                async with run_lock(postgres_url, other, owner="a-worker"):
                    return await asyncio.to_thread(lambda: erase(served, other).status_code)

            locked = asyncio.run(erase_under_a_workers_lock())
            after_lock = erase(served, other)
    finally:
        stop(worker)

    jobs = rows(
        postgres_url, "SELECT task_name, args FROM procrastinate_jobs WHERE args ->> 'run_id' = %s ORDER BY id", run_id
    )
    assert [job["task_name"] for job in jobs] == ["claimflow.start_run", "claimflow.resume_run"]
    resumed = jobs[1]["args"]
    assert resumed["run_id"] == run_id and resumed["interrupt_id"], "which run and review the job was stays"
    assert resumed["decision"]["comment"] == "[erased]" and NAME not in str(resumed)
    assert resumed["decision"]["edits"] == {"total_amount": ["[erased]"], "amount_due": ["[erased]"]}
    logged = (tmp_path / "worker.log").read_text(encoding="utf-8")
    assert run_id in logged and not [word for word in PERSONAL if word in logged], "a worker logs no value"
    assert locked == 409, "a run a worker holds is not erased under it"
    assert after_lock.status_code == 200 and not after_lock.json()["already"]
