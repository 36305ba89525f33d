"""Erasing a finished run's content from the Postgres registry, in one transaction (see `registry.erasure`).

The events' append-only trigger lets an UPDATE through only in a transaction that set `claimflow.erasing`
(`SET LOCAL`, gone at its end), and only of an event's data (`_pg_schema`). The model-usage totals are summed by
a trigger on INSERT alone, and erasure keeps every call's cost and tokens: the totals do not change.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import psycopg
from psycopg.types.json import Jsonb

from claimflow.runtime.registry._pg_reviews import insert_events
from claimflow.runtime.registry._pg_schema import PgDatabase, Row
from claimflow.runtime.registry.erasure import (
    ERASED_EVENT,
    Erased,
    changed_events,
    check_erasable,
    erased_error,
    erased_event,
    scrubbed_data,
    scrubbed_decision,
    scrubbed_state,
)
from claimflow.runtime.registry.runs import RunNotFoundError
from claimflow.runtime.retention.scrub import ERASED


def _erase_job_args(conn: psycopg.Connection[Row], run_id: str) -> None:
    """Erase the values in the run's queue jobs' arguments (a resume job carries the reviewer's decision).

    The jobs stay (the queue's history, `claimflow queue status`), with the run and review ids; a database whose
    queue was never set up has no jobs table.
    """
    queue = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL AS present").fetchone()
    if queue is None or not queue["present"]:
        return
    jobs = conn.execute("SELECT id, args FROM procrastinate_jobs WHERE args ->> 'run_id' = %s", (run_id,)).fetchall()
    changed = [(Jsonb(kept), job["id"]) for job in jobs if (kept := scrubbed_data(job["args"])) != job["args"]]
    with conn.cursor() as cursor:
        cursor.executemany("UPDATE procrastinate_jobs SET args = %s WHERE id = %s", changed)


class PgRunErasure(PgDatabase):
    """Erasing a finished run's content from the `claimflow_` tables."""

    def erase_run(self, run_id: str, *, reason: str, removed: Mapping[str, int]) -> Erased | None:
        """Erase the run's content in one transaction; None when it was erased before (nothing changes then)."""
        with self._write() as conn:
            row = conn.execute("SELECT * FROM claimflow_runs WHERE run_id = %s FOR UPDATE", (run_id,)).fetchone()
            if row is None:
                raise RunNotFoundError(f"no run {run_id!r}", run_id=run_id)
            check_erasable(run_id, row["status"])
            done = conn.execute(
                "SELECT 1 FROM claimflow_events WHERE run_id = %s AND type = %s LIMIT 1", (run_id, ERASED_EVENT)
            ).fetchone()
            if done is not None:
                return None
            conn.execute("SET LOCAL claimflow.erasing = 'on'")
            rows = conn.execute("SELECT seq, data FROM claimflow_events WHERE run_id = %s", (run_id,)).fetchall()
            events = changed_events(rows)
            with conn.cursor() as cursor:
                cursor.executemany("UPDATE claimflow_events SET data = %s::jsonb WHERE seq = %s", events)
            decisions = conn.execute(
                "SELECT seq, decision, message FROM claimflow_review_decisions WHERE run_id = %s", (run_id,)
            ).fetchall()
            with conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE claimflow_review_decisions SET decision = %s, message = %s WHERE seq = %s",
                    [(*scrubbed_decision(d["decision"], d["message"]), d["seq"]) for d in decisions],
                )
            final = conn.execute("SELECT state FROM claimflow_run_finals WHERE run_id = %s", (run_id,)).fetchone()
            if final is not None:
                conn.execute(
                    "UPDATE claimflow_run_finals SET state = %s WHERE run_id = %s",
                    (scrubbed_state(final["state"]), run_id),
                )
            conn.execute(
                "UPDATE claimflow_runs SET filename = %s, source = NULL, error = %s WHERE run_id = %s",
                (ERASED, erased_error(row["error"], row["superseded_by"]), run_id),
            )
            keys = conn.execute("DELETE FROM claimflow_record_keys WHERE run_id = %s", (run_id,)).rowcount
            keys += conn.execute("DELETE FROM claimflow_key_claims WHERE run_id = %s", (run_id,)).rowcount
            _erase_job_args(conn, run_id)
            erased = Erased(len(events), len(decisions), final is not None, keys)
            insert_events(conn, [(run_id, [erased_event(reason, erased, removed)])])
        return erased

    def erased_runs(self, run_ids: Iterable[str]) -> set[str]:
        """Those of `run_ids` that were erased."""
        rows = self._all(
            "SELECT DISTINCT run_id FROM claimflow_events WHERE type = %s AND run_id = ANY(%s)",
            (ERASED_EVENT, list(run_ids)),
        )
        return {row["run_id"] for row in rows}

    def erase_deleted(self) -> None:
        """Nothing to do here: Postgres reclaims the old row versions as it vacuums (see the README)."""
