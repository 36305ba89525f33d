"""The document store in Postgres: one place every process and machine reads originals, texts and masking maps.

Blobs are rows of `claimflow_blobs`, keyed by their sha256 and written idempotently: saving bytes already stored
stamps them saved again, which keeps them from a prune that began before (see `delete_blob`). A large blob
already stored is only stamped (its bytes are not sent twice); a small one is sent with its stamp in one
statement, which costs less than the round trip asking first.
A data directory that an earlier installation filled (documents stored before the database held them, in its
`documents.db` or, older still, as files) is read as a fallback: a blob found there is copied into the database
on first read, so every later reader, anywhere, finds it there. A prune removes a blob from both places (nothing
saves to the older store any more, so its stamps only age), but only a blob of a run this database prunes: the
data directory may hold blobs of runs only its own registry knows.

A save does not wait for the server to flush its write-ahead log (the store's sessions run with
`synchronous_commit = off`, as the checkpoints' do by default; the registry's do not). Only later commits in the
same database refer to a blob: the run's registration for an original, the step's checkpoint for a parsed text
or a masking map. Postgres flushes its log in order, so the flush that makes such a commit durable makes the
blob durable first. A server crash before it loses at most a blob no durable row refers to,
and the step that saved it runs again. Waiting for each save's own flush cost some 1 ms of a receipt's 30.
"""

from __future__ import annotations

from collections.abc import Collection

import psycopg

from claimflow.runtime.reconnect import WAIT_S
from claimflow.runtime.registry._pg_schema import Row, configure, open_pool
from claimflow.runtime.store import BlobMissingError, DocumentFiles, blob_id_of, check_blob_id

_NOW = "extract(epoch FROM clock_timestamp())"
"""The database's time now, in seconds since the epoch: every blob stamp and prune mark is read off it."""

SEND_AT_ONCE_UP_TO = 64 * 1024
"""Blobs of at most this many bytes are sent with their save, stored or not (see the module's docstring)."""

_UPSERT = (
    f"INSERT INTO claimflow_blobs (blob_id, data, size, created_at, saved_at) VALUES (%s, %s, %s, {_NOW}, {_NOW})"
    " ON CONFLICT (blob_id) DO UPDATE SET saved_at = EXCLUDED.saved_at"
)


def configure_store_session(conn: psycopg.Connection[Row]) -> None:
    """A store session: the keepalives, and commits that do not wait for the log's flush (see the module)."""
    configure(conn)
    conn.execute("SET synchronous_commit = off")


class PgDocumentStore(DocumentFiles):
    """Blobs in the `claimflow_blobs` table (bytea), with an optional data directory's store read for older blobs."""

    def __init__(
        self, url: str, *, size: int = 4, wait_s: float = WAIT_S, fallback: DocumentFiles | None = None
    ) -> None:
        """`wait_s`: how long a save or read waits for a session (see `claimflow.runtime.reconnect`)."""
        self._fallback = fallback
        self._pool = open_pool(url, size, wait_s=wait_s, configure_session=configure_store_session)

    def close(self) -> None:
        """Close every session, and the fallback store."""
        self._pool.close()
        if self._fallback is not None:
            self._fallback.close()

    def blob_size(self, blob_id: str) -> int | None:
        """The size of a stored blob in bytes, or None when neither the database nor the older store holds it."""
        with self._pool.connection() as conn:
            found = conn.execute("SELECT size FROM claimflow_blobs WHERE blob_id = %s", (check_blob_id(blob_id),))
            row = found.fetchone()
        if row is not None:
            return int(row["size"])
        return None if self._fallback is None else self._fallback.blob_size(blob_id)

    def clock(self) -> float:
        """The database's clock, which stamps saved blobs (so every host's saves and prunes share one clock)."""
        with self._pool.connection() as conn:
            row = conn.execute(f"SELECT {_NOW} AS now").fetchone()
        assert row is not None, "SELECT without FROM returns one row"
        return float(row["now"])

    def blobs_saved_before(self, saved_before: float) -> dict[str, int]:
        """The database's blobs saved before `saved_before`, with their sizes (the older store's: `older_blobs`)."""
        with self._pool.connection() as conn:
            rows = conn.execute(
                "SELECT blob_id, size FROM claimflow_blobs WHERE coalesce(saved_at, created_at) < %s", (saved_before,)
            ).fetchall()
        return {str(row["blob_id"]): int(row["size"]) for row in rows}

    def older_blobs(self, blob_ids: Collection[str], saved_before: float) -> dict[str, int]:
        """Of a pruned run's blobs, those the data directory falls back to holds, last saved before the mark.

        Only those: the data directory may also be the embedded store of runs this database does not know
        (claimflow run there without a database URL), whose blobs a prune here must not take.
        """
        if self._fallback is None or not blob_ids:
            return {}
        older = self._fallback.blobs_saved_before(saved_before)
        return {blob_id: older[blob_id] for blob_id in set(blob_ids) & set(older)}

    def delete_older_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a pruned run's blob from the data directory this store falls back to; the bytes freed."""
        return 0 if self._fallback is None else self._fallback.delete_blob(blob_id, saved_before=saved_before)

    def delete_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a blob unless it was saved at or after `saved_before`; returns the bytes freed.

        One statement: a save stamping the row meanwhile holds its lock, and the delete then sees the new stamp.
        """
        with self._pool.connection() as conn:
            gone = conn.execute(
                "DELETE FROM claimflow_blobs WHERE blob_id = %s AND coalesce(saved_at, created_at) < %s RETURNING size",
                (check_blob_id(blob_id), saved_before),
            ).fetchone()
        return 0 if gone is None else int(gone["size"])

    def save_blob(self, data: bytes) -> str:
        """Store bytes once under their sha256 and return it; bytes already stored are stamped saved again.

        A blob over `SEND_AT_ONCE_UP_TO` bytes that is already stored is stamped without sending its bytes.
        """
        blob_id = blob_id_of(data)
        with self._pool.connection() as conn:
            if len(data) > SEND_AT_ONCE_UP_TO:
                stamped = conn.execute(
                    f"UPDATE claimflow_blobs SET saved_at = {_NOW} WHERE blob_id = %s", (blob_id,)
                ).rowcount
                if stamped:
                    return blob_id
            # Not stored yet, or a prune just took it away, or small: stored or stamped in one statement.
            conn.execute(_UPSERT, (blob_id, data, len(data)))
        return blob_id

    def load_blob(self, blob_id: str) -> bytes:
        """Stored bytes, from the database, else from the fallback data directory (then copied in)."""
        with self._pool.connection() as conn:
            query = "SELECT data FROM claimflow_blobs WHERE blob_id = %s"
            # Binary results: bytea as text would be hex, twice the bytes on the wire and a decode per read.
            row = conn.execute(query, (check_blob_id(blob_id),), binary=True)
            found = row.fetchone()
        if found is not None:
            return bytes(found["data"])
        copied = self.copy_in(self._fallback, blob_id)
        if copied is not None:
            return copied
        raise BlobMissingError(
            f"the database's document store holds no blob {blob_id}"
            + ("" if self._fallback is None else ", nor does the data directory it falls back to")
            + ": it was stored in a data directory before the database held documents; run this again with that "
            "--data-dir (its blobs are copied into the database as they are read)"
        )
