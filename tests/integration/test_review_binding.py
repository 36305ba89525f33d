"""A decision applies only to the review its reviewer saw, and is recorded as what became of it (SQLite).

Real `claimflow review decide` processes throughout. A decider is killed at a chosen moment without any hook in
the product: the test holds SQLite's write lock on the database the decider needs next, so the decider waits
there, at a state the test reads from the registry, until it is killed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.integration._batches import sigkill, wait_until
from tests.integration._docs import flat, json_lines, mismatch_invoice_text, run_cli, spawn_cli, write
from tests.integration._racing_reviews import check, pause_runs, race

pytestmark = pytest.mark.slow

TABLES = {"runs": "runs", "decisions": "review_decisions", "events": "events"}


def _registry(data: Path) -> Callable[[str, tuple[Any, ...]], list[tuple[Any, ...]]]:
    def query(sql: str, args: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        with closing(sqlite3.connect(data / "claimflow.db")) as db:
            return list(db.execute(sql.format(**TABLES), args))

    return query


def test_racing_decisions_never_apply_to_a_review_their_deciders_did_not_see(tmp_path: Path) -> None:
    data = tmp_path / "data"
    runs = pause_runs(tmp_path / "docs", data, {})
    query = _registry(data)
    check([race(run_id, data, {}, query) for run_id in runs], query)


@pytest.fixture(scope="module")
def paused(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    """A data directory with four invoices waiting for review."""
    root = tmp_path_factory.mktemp("killed")
    for index in range(4):
        write(root / "docs", f"killed-{index}.txt", mismatch_invoice_text(f"NW-2025-90{index:02d}"))
    result = run_cli("run", root / "docs", "--json", "--data-dir", root / "data")
    assert result.returncode == 0, result.stderr
    return root / "data", [view["run_id"] for view in json_lines(result.stdout)]


@contextmanager
def _write_lock(database: Path) -> Iterator[sqlite3.Connection]:
    """Hold SQLite's write lock on `database`: every other writer waits (readers go on) until it is let go."""
    with closing(sqlite3.connect(database, isolation_level=None)) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        finally:
            db.execute("ROLLBACK")


def _decisions(data: Path, run_id: str) -> list[tuple[str, str]]:
    rows = _registry(data)("SELECT reviewer, outcome FROM {decisions} WHERE run_id = ? ORDER BY seq", (run_id,))
    return [(reviewer, outcome) for reviewer, outcome in rows]


def _checkpoints(data: Path, run_id: str) -> int:
    with closing(sqlite3.connect(data / "checkpoints.db")) as db:
        [(count,)] = db.execute("SELECT count(*) FROM checkpoints WHERE thread_id = ?", (run_id,))
    return int(count)


def _claimed_by(data: Path, run_id: str, reviewer: str) -> Callable[[], list[dict[str, Any]]]:
    """The reviewer's decisions as stored (every column): there is one as soon as the decider has claimed the run."""

    def decisions() -> list[dict[str, Any]]:
        with closing(sqlite3.connect(data / "claimflow.db")) as db:
            db.row_factory = sqlite3.Row
            query = "SELECT * FROM review_decisions WHERE run_id = ? AND reviewer = ?"
            return [dict(row) for row in db.execute(query, (run_id, reviewer))]

    return decisions


def _listed(data: Path) -> dict[str, dict[str, Any]]:
    listed = run_cli("review", "list", "--json", "--data-dir", data)
    assert listed.returncode == 0, listed.stderr
    return {item["run_id"]: item for item in json_lines(listed.stdout)}


def test_a_decider_killed_right_after_claiming_leaves_its_decision_abandoned_and_the_run_decidable(
    paused: tuple[Path, list[str]],
) -> None:
    data, runs = paused
    run_id = runs[0]
    before = _listed(data)[run_id]["interrupt_id"]
    # The decider claims the run in the registry, then waits for the checkpoint database: killed there, its
    # decision never reached the run.
    with _write_lock(data / "checkpoints.db"):
        decider = spawn_cli(
            "review", "decide", run_id, "--reviewer", "kim", "--set", "total_amount=180.00", "--data-dir", data
        )
        [claimed] = wait_until(_claimed_by(data, run_id, "kim"), timeout=60, what="the claim", alive=decider)
        sigkill(decider)
    assert claimed["outcome"] == "pending" and f":{decider.pid}:" in claimed.get("decider", "")
    assert _decisions(data, run_id) == [("kim", "pending")]

    listed = _listed(data)
    assert run_id in listed, "the run is decidable again, so it is in the review queue"
    item = listed[run_id]
    assert item["status"] == "needs_review" and item["interrupt_id"] == before
    assert "kim" in item["note"] and "abandoned" in item["note"] and f":{decider.pid}" in item["note"]
    assert _decisions(data, run_id) == [("kim", "abandoned")]

    approved = run_cli("review", "decide", run_id, "--reviewer", "lee", "--approve", "--data-dir", data)
    assert approved.returncode == 0, approved.stderr
    assert json_lines(approved.stdout)[0]["status"] == "completed"
    assert _decisions(data, run_id) == [("kim", "abandoned"), ("lee", "applied")]


def _kill_mid_resume(data: Path, run_id: str, edit: str, resumed: Callable[[], bool]) -> int:
    """Have kim's edit resume the run until `resumed()`, unable to record where the run stands; kill it there.

    Returns the killed decider's process id.
    """
    with ExitStack() as locks:
        checkpoints = locks.enter_context(_write_lock(data / "checkpoints.db"))
        decider = spawn_cli("review", "decide", run_id, "--reviewer", "kim", "--set", edit, "--data-dir", data)
        wait_until(_claimed_by(data, run_id, "kim"), timeout=60, what="the claim", alive=decider)
        # Hold the registry and let the checkpoints go: the decider writes its resumed steps' checkpoints
        # but cannot record where the run stands.
        locks.enter_context(_write_lock(data / "claimflow.db"))
        checkpoints.execute("ROLLBACK")
        checkpoints.execute("BEGIN")  # the lock's own ROLLBACK on leaving needs a transaction to end
        wait_until(resumed, timeout=60, what="the resume's checkpoints", alive=decider)
        sigkill(decider)
    return decider.pid


def _interrupts(data: Path, run_id: str) -> int:
    """How many times the run's checkpoints recorded a pause for review."""
    with closing(sqlite3.connect(data / "checkpoints.db")) as db:
        query = "SELECT count(*) FROM writes WHERE thread_id = ? AND channel = '__interrupt__'"
        [(count,)] = db.execute(query, (run_id,))
    return int(count)


def test_a_decider_killed_mid_resume_leaves_a_run_that_is_shown_and_recovered_with_its_decision(
    paused: tuple[Path, list[str]],
) -> None:
    data, runs = paused
    run_id = runs[1]
    at_review = _checkpoints(data, run_id)
    pid = _kill_mid_resume(data, run_id, "total_amount=180.00", lambda: _checkpoints(data, run_id) >= at_review + 2)
    assert _decisions(data, run_id) == [("kim", "pending")]

    item = _listed(data).get(run_id)
    assert item is not None, "a run a killed decider left resuming is shown in the review queue"
    assert item["status"] == "resuming" and "claimflow recover" in item["note"] and "kim" in item["note"]

    again = run_cli("review", "decide", run_id, "--reviewer", "lee", "--approve", "--data-dir", data)
    assert again.returncode == 1 and again.stdout == "" and "Traceback" not in again.stderr
    said = flat(again.stderr)
    assert "decision of kim was committed" in said and f":{pid}" in said and "claimflow recover" in said

    recovered = run_cli("recover", "--json", "--data-dir", data)
    assert recovered.returncode == 0, recovered.stderr
    [view] = [v for v in json_lines(recovered.stdout) if v["run_id"] == run_id]
    assert view["status"] == "completed"
    assert (view["fields"]["total_amount"]["value"], view["fields"]["total_amount"]["status"]) == ("180.00", "edited")
    assert _decisions(data, run_id) == [("kim", "applied"), ("lee", "refused")]


def test_a_decider_killed_after_its_edit_opened_a_new_review_leaves_the_run_waiting_on_that_review(
    paused: tuple[Path, list[str]],
) -> None:
    data, runs = paused
    run_id = runs[2]
    seen = _listed(data)[run_id]["interrupt_id"]
    paused_before = _interrupts(data, run_id)
    # 999.99 still breaks the sum rule: the resumed run pauses at a new review before the decider is killed.
    _kill_mid_resume(data, run_id, "total_amount=999.99", lambda: _interrupts(data, run_id) > paused_before)
    assert _decisions(data, run_id) == [("kim", "pending")]

    item = _listed(data)[run_id]
    assert item["status"] == "needs_review" and item["interrupt_id"] != seen
    assert _decisions(data, run_id) == [("kim", "applied")]  # it reached the run: the new review shows its edit
    assert item["fields"]["total_amount"] == {"value": "999.99", "status": "edited", "confidence": 1.0, "evidence": []}

    # A reviewer who looked before the edit answers a review that is gone: refused, the run stays paused.
    stale = run_cli(
        "review", "decide", run_id, "--reviewer", "lee", "--approve", "--interrupt", seen, "--data-dir", data
    )
    assert stale.returncode == 1 and "look at it again" in flat(stale.stderr)
    assert _listed(data)[run_id]["status"] == "needs_review"
    assert _decisions(data, run_id) == [("kim", "applied"), ("lee", "refused")]


def test_a_decider_held_up_while_starting_does_not_answer_the_review_another_decision_opened(
    paused: tuple[Path, list[str]],
) -> None:
    data, runs = paused
    run_id = runs[3]
    seen = _listed(data)[run_id]["interrupt_id"]
    # The approver's command starts while `seen` is open, and is stopped before it has read anything.
    approver = spawn_cli("review", "decide", run_id, "--reviewer", "lee", "--approve", "--data-dir", data)
    os.kill(approver.pid, signal.SIGSTOP)
    try:
        edited = run_cli(
            "review", "decide", run_id, "--reviewer", "kim", "--set", "total_amount=999.99", "--data-dir", data
        )
        assert edited.returncode == 0, edited.stderr
        assert json_lines(edited.stdout)[0]["status"] == "needs_review"  # the edit opened a new review
    finally:
        os.kill(approver.pid, signal.SIGCONT)
    stdout, stderr = approver.communicate(timeout=120)

    assert approver.returncode == 1 and stdout == "" and "Traceback" not in stderr
    assert "opened after this decision was made" in flat(stderr) and "review show" in flat(stderr)
    item = _listed(data)[run_id]
    assert item["status"] == "needs_review" and item["interrupt_id"] != seen
    stored = _registry(data)("SELECT reviewer, interrupt_id, outcome FROM {decisions} WHERE run_id = ?", (run_id,))
    assert [(reviewer, outcome) for reviewer, _, outcome in stored] == [("kim", "applied"), ("lee", "refused")]
    assert stored[0][1] == seen
