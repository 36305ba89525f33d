"""Review decisions: every one submitted, and the claim that lets exactly one of them resume a paused run.

A decision is `pending` from the moment its decider claims the run until the resume is committed, then
`applied`; `refused` when it was stale, came second or did not pass the checks (the run stays paused);
`abandoned` when its decider's process stopped before the resume was committed (the review is open again).
"""

from __future__ import annotations

import time
from typing import Any

from claimflow.runtime.registry._database import Database
from claimflow.runtime.registry.runs import LEASE_SECONDS, RunNotFoundError, check_claim, kept_message


def abandoned_message(decider: str | None) -> str:
    """Why a pending decision was given up: the process applying it stopped before the run resumed."""
    return f"the process applying it ({decider or 'unknown'}) stopped before the run resumed"


class DecisionLog(Database):
    """Every review decision submitted, with what became of it."""

    def record_decision(
        self,
        run_id: str,
        interrupt_id: str | None,
        reviewer: str,
        decision: str,
        outcome: str,
        message: str = "",
    ) -> None:
        """Keep a decision that did not claim the run (refused before it could)."""
        with self._write() as db:
            db.execute(
                "INSERT INTO review_decisions (run_id, interrupt_id, reviewer, decision, outcome, message, at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (run_id, interrupt_id, reviewer, decision, outcome, kept_message(message), time.time()),
            )

    def claim_review(self, run_id: str, *, owner: str, interrupt_id: str, reviewer: str, decision: str) -> int:
        """Atomically take the run's lease for answering review `interrupt_id` and keep the decision as pending.

        Refused (RunBusyError saying why) unless the run waits on exactly that review and no live process holds
        it. A pending decision of a process whose lease is gone becomes abandoned in the same transaction.
        Returns the new decision's sequence number.
        """
        now = time.time()
        with self._write() as db:
            row = db.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}")
            check_claim(row, owner=owner, allowed=("needs_review", "resuming"), interrupt_id=interrupt_id, now=now)
            db.execute(
                "UPDATE review_decisions SET outcome = 'abandoned', message = ?"
                " WHERE run_id = ? AND outcome = 'pending'",
                (abandoned_message(row["lease_owner"]), run_id),
            )
            db.execute(
                "UPDATE runs SET status = 'resuming', lease_owner = ?, lease_until = ?, updated_at = ?"
                " WHERE run_id = ?",
                (owner, now + LEASE_SECONDS, now, run_id),
            )
            cursor = db.execute(
                "INSERT INTO review_decisions (run_id, interrupt_id, reviewer, decision, outcome, message, at, decider)"
                " VALUES (?, ?, ?, ?, 'pending', '', ?, ?)",
                (run_id, interrupt_id, reviewer, decision, now, owner),
            )
            seq = cursor.lastrowid
        assert seq is not None  # an INSERT always has one
        return seq

    def decisions(self, run_id: str) -> list[dict[str, Any]]:
        """Every decision submitted for a run, in the order it came."""
        cursor = self._db.execute(
            "SELECT seq, run_id, interrupt_id, reviewer, decision, outcome, message, at, decider"
            " FROM review_decisions WHERE run_id = ? ORDER BY seq",
            (run_id,),
        )
        return [dict(row) for row in cursor]
