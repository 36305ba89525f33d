"""The registry counts a run's events of one kind in the database, on SQLite and on Postgres alike.

A job taken again asks how many times it was put back (`run.requeued`, `runtime.queue.stalls`): the count is the
run's events of that kind naming that job, never another kind, another run or another job.
"""

from __future__ import annotations

from typing import Any

from claimflow.runtime.registry import RunRegistry
from claimflow.state.events import Event, event


def _requeued(job_id: Any) -> Event:
    return event("run.requeued", "worker", job_id=job_id, task="claimflow.start_run")


def test_a_runs_events_of_one_kind_are_counted_alone(registry: RunRegistry) -> None:
    registry.append_many(
        [
            (
                "run-a",
                [
                    event("run.started", "engine"),
                    _requeued(7),
                    event("step.completed", "parse", job_id=7),  # another kind naming the same job
                    event("step.completed", "extract"),
                    _requeued(7),
                    _requeued(8),  # another job of the run (its resume), put back once
                    _requeued("7"),  # the id as text names no job
                    event("run.requeued", "worker"),  # names no job
                ],
            ),
            ("run-b", [_requeued(7), _requeued(7), _requeued(7), event("step.completed", "parse", job_id=7)]),
        ]
    )

    assert registry.count_events("run-a", "run.requeued") == 5
    assert registry.count_events("run-a", "run.requeued", job_id=7) == 2
    assert registry.count_events("run-a", "run.requeued", job_id=8) == 1
    assert registry.count_events("run-a", "run.requeued", job_id=9) == 0
    assert registry.count_events("run-a", "step.completed") == 2
    assert registry.count_events("run-a", "step.completed", job_id=7) == 1
    assert registry.count_events("run-b", "run.requeued", job_id=7) == 3
    assert registry.count_events("run-c", "run.requeued") == 0
    assert registry.count_events("run-a", "run.failed") == 0
