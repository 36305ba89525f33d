"""Finished runs' final states, kept in the registry so a run can be shown after its checkpoints are pruned.

When a run finishes (completed, failed, rejected), its last state goes here as JSON; `claimflow show`, `explain`
and `export` read it once the checkpoints are gone. `pruned_at` says when the checkpoints and blobs were removed.
"""

from __future__ import annotations

import time

from claimflow.runtime.registry._database import Database


class FinalStates(Database):
    """The `run_finals` table of the SQLite registry."""

    def save_final(self, run_id: str, state: str) -> None:
        """Keep (or replace) the final state of a finished run, as JSON."""
        with self._write() as db:
            db.execute(
                "INSERT INTO run_finals (run_id, state, stored_at) VALUES (?, ?, ?)"
                " ON CONFLICT (run_id) DO UPDATE SET state = excluded.state, stored_at = excluded.stored_at",
                (run_id, state, time.time()),
            )

    def final_state(self, run_id: str) -> str | None:
        """The final state kept for a run, as JSON, or None."""
        row = self._db.execute("SELECT state FROM run_finals WHERE run_id = ?", (run_id,)).fetchone()
        return None if row is None else str(row[0])

    def mark_pruned(self, run_id: str) -> None:
        """Note that a run's checkpoints and blobs were removed (its final state stays)."""
        with self._write() as db:
            db.execute("UPDATE run_finals SET pruned_at = ? WHERE run_id = ?", (time.time(), run_id))

    def pruned_runs(self) -> set[str]:
        """The runs whose checkpoints and blobs were removed."""
        return {row[0] for row in self._db.execute("SELECT run_id FROM run_finals WHERE pruned_at IS NOT NULL")}
