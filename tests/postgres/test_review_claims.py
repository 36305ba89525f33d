"""Claiming a paused run for a review decision: one check-and-set of the review id, on SQLite and on Postgres.

The decision is kept as pending with its decider; it becomes applied only with the release that records the
resumed run, and abandoned when a later claim finds its decider's lease gone.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from typing import Any

import pytest

from claimflow.runtime.registry import NewRun, RunBusyError, RunRegistry
from claimflow.runtime.registry.postgres import PostgresRegistry
from claimflow.state.documents import DocumentRef
from tests.postgres.test_postgres_concurrency import SESSIONS, _all_at_once

ALIVE = "worker-host-b:4242"
"""A decider on another host: always taken to be alive while its lease runs."""
DOCUMENT = DocumentRef(document_id="ef" * 32, filename="invoice.pdf", media_type="application/pdf", size=2048)


def _paused(registry: RunRegistry, run_id: str, interrupt_id: str = "int-1") -> None:
    registry.create_run(NewRun(run_id=run_id, document=DOCUMENT, workflow="invoice", workflow_version="v1", model="m"))
    registry.claim(run_id, owner="runner:1", allowed=["queued"], status="running")
    registry.release(run_id, owner="runner:1", status="needs_review", interrupt_id=interrupt_id)


def _dead_owner() -> str:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return f"{socket.gethostname()}:{child.pid}"


def _stored(registry: RunRegistry, run_id: str) -> list[tuple[Any, ...]]:
    return [(d["reviewer"], d["interrupt_id"], d["outcome"], d["decider"]) for d in registry.decisions(run_id)]


def test_a_decision_claims_only_the_review_the_run_waits_on(registry: RunRegistry) -> None:
    _paused(registry, "run-a", "int-2")
    with pytest.raises(RunBusyError, match="^run run-a is waiting on review int-2, not int-1$"):
        registry.claim_review("run-a", owner=ALIVE, interrupt_id="int-1", reviewer="ann", decision="{}")
    assert registry.get_run("run-a").status == "needs_review" and registry.decisions("run-a") == []

    seq = registry.claim_review("run-a", owner=ALIVE, interrupt_id="int-2", reviewer="ann", decision="{}")
    row = registry.get_run("run-a")
    assert (row.status, row.lease_owner, row.interrupt_id) == ("resuming", ALIVE, "int-2")
    assert _stored(registry, "run-a") == [("ann", "int-2", "pending", ALIVE)]
    assert registry.decisions("run-a")[0]["seq"] == seq


def test_a_second_decision_is_refused_while_the_first_decider_lives(registry: RunRegistry) -> None:
    _paused(registry, "run-b")
    registry.claim_review("run-b", owner=ALIVE, interrupt_id="int-1", reviewer="ann", decision="{}")
    with pytest.raises(RunBusyError, match=f"being processed by {ALIVE}"):
        registry.claim_review("run-b", owner="me-host:1", interrupt_id="int-1", reviewer="bob", decision="{}")
    assert _stored(registry, "run-b") == [("ann", "int-1", "pending", ALIVE)]


def test_the_pending_decision_of_a_dead_decider_is_abandoned_by_the_next_claim(registry: RunRegistry) -> None:
    _paused(registry, "run-c")
    dead = _dead_owner()
    registry.claim_review("run-c", owner=dead, interrupt_id="int-1", reviewer="ann", decision="{}")
    registry.claim_review("run-c", owner="me-host:1", interrupt_id="int-1", reviewer="bob", decision="{}")
    assert _stored(registry, "run-c") == [("ann", "int-1", "abandoned", dead), ("bob", "int-1", "pending", "me-host:1")]
    assert dead in registry.decisions("run-c")[0]["message"]


def test_a_decision_is_applied_only_by_the_release_of_its_decider(registry: RunRegistry) -> None:
    _paused(registry, "run-d")
    registry.claim_review("run-d", owner=ALIVE, interrupt_id="int-1", reviewer="ann", decision="{}")
    registry.release("run-d", owner="intruder:1", status="completed", decisions="applied")
    assert _stored(registry, "run-d")[0][2] == "pending"
    registry.release("run-d", owner=ALIVE, status="completed", decisions="applied")
    assert _stored(registry, "run-d")[0][2] == "applied" and registry.get_run("run-d").status == "completed"


@pytest.mark.postgres
def test_of_sessions_deciding_one_review_at_once_exactly_one_claims_it(postgres_url: str) -> None:
    registries = [PostgresRegistry(postgres_url) for _ in range(SESSIONS)]
    try:
        _paused(registries[0], "run-race")
        results = _all_at_once(
            [
                lambda r=r, i=i: r.claim_review(
                    "run-race", owner=f"host-{i}:{i + 1}", interrupt_id="int-1", reviewer=f"r{i}", decision="{}"
                )
                for i, r in enumerate(registries)
            ]
        )
        assert sum(isinstance(result, int) for result in results) == 1, results
        assert sum(isinstance(result, RunBusyError) for result in results) == SESSIONS - 1, results
        assert [d["outcome"] for d in registries[0].decisions("run-race")] == ["pending"]
    finally:
        for registry in registries:
            registry.close()
