"""Counting a job's stalls from its run's events, and how a run failed for them is named in a worker's log."""

from __future__ import annotations

from claimflow.runtime.queue.logs import failure_kind
from claimflow.runtime.queue.stalls import stalled_reason, stalls


def _requeued(job_id: object) -> dict[str, object]:
    return {"type": "run.requeued", "step": "worker", "data": {"job_id": job_id, "worker_id": 4, "silent_s": 61.2}}


def test_only_the_jobs_own_requeues_count_as_its_stalls() -> None:
    events = [
        {"type": "run.started", "step": "engine", "data": {}},
        _requeued(7),
        {"type": "step.completed", "step": "parse", "data": {"job_id": 7}},  # another type with the same key
        _requeued(7),
        _requeued(8),  # the run's resume job, put back once
        {"type": "run.requeued", "step": "worker", "data": None},  # no data: counted for no job
    ]
    assert stalls(events, 7) == 2
    assert stalls(events, 8) == 1
    assert stalls(events, 9) == 0
    assert stalls([], 7) == 0


def test_a_run_failed_for_its_stalls_is_logged_by_kind_and_its_reason_says_what_to_do() -> None:
    reason = stalled_reason(3, 3)
    assert reason.startswith("its job was put back 3 times, each time after the worker advancing it went silent")
    assert "CLAIMFLOW_WORKER_MAX_STALLS=3" in reason and "run.requeued" in reason and "claimflow rerun" in reason
    assert failure_kind(reason) == "stalled_workers"
