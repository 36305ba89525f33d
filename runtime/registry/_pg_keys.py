"""Duplicate keys held by runs on Postgres: the same rule as SQLite's `RecordKeyTable.claim_key`, in one trip.

Two runs with the same key may claim it at the same moment from two processes or hosts. A transaction-level
advisory lock on the key orders them: the second waits for the first one's commit, then sees its claim. The lock
is a statement of its own, before the one that looks: a statement sees the database as it was when it began, so
one that took the lock itself would not see the claim committed while it waited.
"""

from __future__ import annotations

from typing import LiteralString

from claimflow.runtime.registry._pg_schema import PgDatabase
from claimflow.runtime.registry._pg_trip import one_round_trip
from claimflow.runtime.registry.runs import HOLDS_ITS_KEY

_LOCK_KEY: LiteralString = "SELECT pg_advisory_xact_lock(hashtextextended('record-key:' || %s || ':' || %s, 0))"

_LET_GO: LiteralString = (
    "DELETE FROM claimflow_key_claims WHERE run_id = %s AND (doc_type, key) IS DISTINCT FROM (%s::text, %s::text)"
)
"""A run whose key changed (an edit) gives up its place: it takes a new one, behind the runs holding the new key."""

_HOLD: LiteralString = (
    "INSERT INTO claimflow_key_claims (run_id, doc_type, key) VALUES (%s, %s, %s) ON CONFLICT (run_id) DO NOTHING"
)

_CLAIMS_AHEAD: LiteralString = (
    "SELECT c.run_id FROM claimflow_key_claims c JOIN claimflow_runs r USING (run_id)"
    " WHERE c.doc_type = %s AND c.key = %s AND c.seq < (SELECT seq FROM claimflow_key_claims WHERE run_id = %s)"
)

_AHEAD: LiteralString = (
    "SELECT run_id FROM claimflow_record_keys WHERE doc_type = %s AND key = %s AND run_id <> %s"
    " UNION " + _CLAIMS_AHEAD + " AND r.superseded_by IS NULL AND r.status = ANY(%s) ORDER BY run_id"
)
"""The runs ahead: completed with the key, or holding it first and still holding it (`HOLDS_ITS_KEY`)."""

_LET_GO_ALL: LiteralString = "DELETE FROM claimflow_key_claims WHERE run_id = %s"


class PgKeyClaims(PgDatabase):
    """Runs holding their records' duplicate keys (see `RecordKeyTable`)."""

    def claim_key(self, doc_type: str, key: str | None, *, run_id: str) -> list[str]:
        """Hold the duplicate key for `run_id`; return the other runs ahead of it with that key, by run id.

        A key of None lets go of the one it held. Unlike SQLite's, a run validated again with the key it holds
        takes the key's lock too: a trip either way, and the lock is held for a few statements.
        """
        if key is None:
            self._execute(_LET_GO_ALL, (run_id,))
            return []
        with self.session() as conn:
            with one_round_trip(conn):
                conn.execute(_LOCK_KEY, (doc_type, key))
                conn.execute(_LET_GO, (run_id, doc_type, key))
                conn.execute(_HOLD, (run_id, doc_type, key))
                found = conn.execute(_AHEAD, (doc_type, key, run_id, doc_type, key, run_id, list(HOLDS_ITS_KEY)))
            return [row["run_id"] for row in found.fetchall()]

    def hand_over_key(self, run_id: str, *, to: str) -> None:
        """Give the key `run_id` holds to `to`, the run of the same document that replaces it, in its place."""
        self._execute("UPDATE claimflow_key_claims SET run_id = %s WHERE run_id = %s", (to, run_id))

    def claims_ahead(self, doc_type: str, key: str, *, run_id: str) -> list[str]:
        """The runs that held the key before `run_id` did, whatever became of them since (read only), by run id."""
        rows = self._all(_CLAIMS_AHEAD + " ORDER BY c.run_id", (doc_type, key, run_id))
        return [row["run_id"] for row in rows]
