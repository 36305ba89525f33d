"""Finished runs' final states on Postgres: the `claimflow_run_finals` table (see `registry.finals`)."""

from __future__ import annotations

import time
from typing import LiteralString

from claimflow.runtime.registry._pg_schema import PgDatabase

SAVE_FINAL: LiteralString = (
    "INSERT INTO claimflow_run_finals (run_id, state, stored_at) VALUES (%s, %s, %s)"
    " ON CONFLICT (run_id) DO UPDATE SET state = EXCLUDED.state, stored_at = EXCLUDED.stored_at"
)
"""Keeps (or replaces) a run's final state: run id, state as JSON, when."""


class PgFinalStates(PgDatabase):
    """Final states of finished runs (JSON kept as text, exactly as written), and when they were pruned."""

    def save_final(self, run_id: str, state: str) -> None:
        """Keep (or replace) the final state of a finished run, as JSON."""
        self._execute(SAVE_FINAL, (run_id, state, time.time()))

    def final_state(self, run_id: str) -> str | None:
        """The final state kept for a run, as JSON, or None."""
        rows = self._all("SELECT state FROM claimflow_run_finals WHERE run_id = %s", (run_id,))
        return str(rows[0]["state"]) if rows else None

    def mark_pruned(self, run_id: str) -> None:
        """Note that a run's checkpoints and blobs were removed (its final state stays)."""
        self._execute("UPDATE claimflow_run_finals SET pruned_at = %s WHERE run_id = %s", (time.time(), run_id))

    def pruned_runs(self) -> set[str]:
        """The runs whose checkpoints and blobs were removed."""
        return {
            row["run_id"] for row in self._all("SELECT run_id FROM claimflow_run_finals WHERE pruned_at IS NOT NULL")
        }
