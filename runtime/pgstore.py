"""The document store in Postgres: one place every process and machine reads originals, texts and masking maps.

Blobs are rows of `claimflow_blobs`, keyed by their sha256 and written idempotently (`ON CONFLICT DO NOTHING`,
after a look-up so the same bytes are not sent twice). A data directory that an earlier installation filled
(documents stored before the database held them) is read as a fallback: a blob found there is copied into the
database on first read, so every later reader, anywhere, finds it there.
"""

from __future__ import annotations

import hashlib
import time

from claimflow.runtime.registry._pg_schema import open_pool
from claimflow.runtime.store import BlobMissingError, DocumentFiles, FileDocumentStore, check_blob_id


class PgDocumentStore(DocumentFiles):
    """Blobs in the `claimflow_blobs` table (bytea), with an optional data directory read for older blobs."""

    def __init__(self, url: str, *, size: int = 4, fallback: FileDocumentStore | None = None) -> None:
        self._fallback = fallback
        self._pool = open_pool(url, size)

    def close(self) -> None:
        """Close every session."""
        self._pool.close()

    def has_blob(self, blob_id: str) -> bool:
        """Whether the database holds the blob."""
        with self._pool.connection() as conn:
            found = conn.execute("SELECT 1 FROM claimflow_blobs WHERE blob_id = %s", (check_blob_id(blob_id),))
            return found.fetchone() is not None

    def blob_size(self, blob_id: str) -> int | None:
        """The size of a stored blob in bytes, or None when the database does not hold it."""
        with self._pool.connection() as conn:
            found = conn.execute("SELECT size FROM claimflow_blobs WHERE blob_id = %s", (check_blob_id(blob_id),))
            row = found.fetchone()
        return None if row is None else int(row["size"])

    def delete_blob(self, blob_id: str) -> int:
        """Remove a blob (pruning); returns the bytes freed, 0 when it was not there."""
        with self._pool.connection() as conn:
            gone = conn.execute(
                "DELETE FROM claimflow_blobs WHERE blob_id = %s RETURNING size", (check_blob_id(blob_id),)
            ).fetchone()
        return 0 if gone is None else int(gone["size"])

    def save_blob(self, data: bytes) -> str:
        """Store bytes once under their sha256 and return it; saving stored bytes again sends nothing."""
        blob_id = hashlib.sha256(data).hexdigest()
        if not self.has_blob(blob_id):
            with self._pool.connection() as conn:
                conn.execute(
                    "INSERT INTO claimflow_blobs (blob_id, data, size, created_at) VALUES (%s, %s, %s, %s)"
                    " ON CONFLICT (blob_id) DO NOTHING",
                    (blob_id, data, len(data), time.time()),
                )
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
        if self._fallback is not None and self._fallback.has_blob(blob_id):
            data = self._fallback.load_blob(blob_id)
            if hashlib.sha256(data).hexdigest() == blob_id:  # a damaged file is not copied in as this blob
                self.save_blob(data)
                return data
        raise BlobMissingError(
            f"the database's document store holds no blob {blob_id}"
            + ("" if self._fallback is None else ", nor does the data directory it falls back to")
            + ": it was stored in a data directory before the database held documents; run this again with that "
            "--data-dir (its blobs are copied into the database as they are read)"
        )
