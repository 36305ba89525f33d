"""Two workers deliver a batch to a webhook; one is killed with SIGKILL mid-batch: nothing lost, nothing kept twice."""

from __future__ import annotations

import json
import signal
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from claimflow import verify_signature
from tests.integration._batches import invoices
from tests.integration._delivery import SECRET, exported
from tests.integration._docs import run_cli
from tests.integration._forked import ForkedProcess
from tests.integration._receiver import Receiver, webhook_receiver
from tests.postgres._workers import FINISHED, UNWATCHED, migrate, rows, spawn_worker, stop, wait_until, worker_env

pytestmark = pytest.mark.postgres

COUNT = 50
DELAY_S = 0.4
"""How long the receiver holds each answer: while it waits, the sender has sent and not yet heard back."""


def _statuses(url: str) -> Counter[str]:
    return Counter(row["status"] for row in rows(url, "SELECT status FROM claimflow_runs"))


def _unfinished(url: str) -> int:
    return sum(n for status, n in _statuses(url).items() if status not in FINISHED)


def _held_by(url: str, receiver: Receiver, pid: int) -> bool:
    """Whether the receiver holds, unanswered, a record sent by the worker with this pid (the run's lease)."""
    runs = {key.split(":", 1)[0] for key in set(receiver.answering)}
    owners = rows(url, "SELECT lease_owner FROM claimflow_runs WHERE run_id = ANY(%s)", list(runs))
    return any(f":{pid}:" in (row["lease_owner"] or "") for row in owners)  # host:pid:engine


def test_a_worker_killed_while_delivering_loses_nothing_and_the_receiver_keeps_each_record_once(
    tmp_path: Path, postgres_url: str
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    folder = tmp_path / "in"
    invoices(folder, COUNT)
    with webhook_receiver(SECRET) as receiver:
        receiver.delay = DELAY_S
        env = worker_env(
            postgres_url, data, CLAIMFLOW_DELIVER=f"webhook:{receiver.url}", CLAIMFLOW_DELIVER_SECRET=SECRET
        )
        queued = run_cli("run", "--queue", folder, **worker_env(postgres_url, data))
        assert queued.returncode == 0, queued.stderr
        victim = spawn_worker(tmp_path / "victim.log", {**env, **UNWATCHED}, "--concurrency", "3")  # a crash, by pid
        survivor = spawn_worker(tmp_path / "survivor.log", env, "--concurrency", "3")
        late: ForkedProcess | None = None
        at_kill: Counter[str] = Counter()
        try:
            # Mid-batch: some runs delivered and completed, others still moving, and one of the victim's records at
            # the receiver unanswered, so the victim dies after sending and before its step is checkpointed.
            def mid_batch() -> bool:
                at_kill.clear()
                at_kill.update(_statuses(postgres_url))
                moving = sum(n for status, n in at_kill.items() if status not in FINISHED)
                return at_kill["completed"] >= 10 and moving >= 10 and _held_by(postgres_url, receiver, victim.pid)

            wait_until(mid_batch, 60, "the victim to be mid-delivery in the middle of the batch")
            victim.send_signal(signal.SIGKILL)
            victim.wait()
            late = spawn_worker(tmp_path / "late.log", env, "--concurrency", "3")
            wait_until(lambda: _unfinished(postgres_url) == 0, 90, "every run to finish after the kill")
        finally:
            for worker in (victim, survivor, late):
                if worker is not None:
                    stop(worker)
        received = list(receiver.received)
        delivered = dict(receiver.delivered)

    runs = rows(postgres_url, "SELECT run_id, source, status FROM claimflow_runs")
    assert Counter(Path(row["source"]).name for row in runs) == {path.name: 1 for path in folder.iterdir()}
    assert {row["status"] for row in runs} == {"completed"}, Counter(row["status"] for row in runs)
    run_ids = {row["run_id"] for row in runs}
    completed = Counter(
        row["run_id"] for row in rows(postgres_url, "SELECT run_id FROM claimflow_events WHERE type = 'run.completed'")
    )
    assert completed == dict.fromkeys(run_ids, 1), completed
    assert at_kill["completed"] >= 10 and at_kill["completed"] <= COUNT - 10, at_kill  # the kill was mid-batch

    # One record per run at the receiver after deduplication on the key.
    assert Counter(key.split(":deliver:", 1)[0] for key in delivered) == dict.fromkeys(run_ids, 1)
    # A run received more than once was sent the same key and the same body every time.
    per_run: defaultdict[str, list[tuple[str, bytes]]] = defaultdict(list)
    for item in received:
        per_run[item.key.split(":deliver:", 1)[0]].append((item.key, item.body))
    assert set(per_run) == run_ids
    # Every run's delivery succeeded, and the audit trail records a success only for a send that happened: a run
    # sent once has exactly one. (The victim runs several deliveries at once: one of them may have been answered
    # and recorded just before the kill, yet not checkpointed, and so sent again; its trail then shows both.)
    succeeded = "SELECT run_id FROM claimflow_events WHERE type = 'delivery.succeeded'"
    successes = Counter(row["run_id"] for row in rows(postgres_url, succeeded))
    assert {run_id: min(successes[run_id], len(per_run[run_id])) for run_id in run_ids} == successes, successes
    assert all(successes[run_id] >= 1 for run_id in run_ids), successes
    repeated = {run_id: sent for run_id, sent in per_run.items() if len(sent) > 1}
    assert repeated, "the killed worker's delivery was to be sent again"
    assert all(len(set(sent)) == 1 for sent in repeated.values()), repeated
    assert all(item.signed and verify_signature(SECRET, item.body, item.signature) for item in received)
    records = exported(tmp_path, env)
    assert {key.split(":deliver:", 1)[0]: json.loads(body) for key, body in delivered.items()} == records
