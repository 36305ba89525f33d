"""The document store in a SQLite database of the data directory: originals, parsed texts, masking maps.

A blob is a row keyed by its sha256. Saving a small one is one short transaction in WAL mode (some 0.1 ms),
where a file written under a temporary name and renamed into place costs 0.3-0.4 ms on an ext4 disk: a text
document saves four blobs on its way through a run. Bytes already stored are only stamped saved again, which keeps
them from a prune that began before (see `delete_blob`).

A data directory an earlier version filled keeps its blobs as files (`blobs/`): they are read as a fallback,
copied into the database on first read, and pruned from both places.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from claimflow.runtime.private import private_database
from claimflow.runtime.sqlite_durability import SqliteSynchronous, synchronous_pragma, use_wal
from claimflow.runtime.sqlite_erasure import SECURE_DELETE, TRUNCATE_WAL
from claimflow.runtime.sqlite_read import read_only_uri
from claimflow.runtime.sqlite_write import write_transaction
from claimflow.runtime.store import BlobMissingError, DocumentFiles, FileDocumentStore, blob_id_of, check_blob_id

# When a blob was last saved is a row of its own: SQLite rewrites a whole row, blob included, to change one
# column, and saving stored bytes again only stamps them (re-writing 5 MB to stamp them took 10 ms).
_SCHEMA = """
CREATE TABLE IF NOT EXISTS blobs (blob_id TEXT PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS blob_saves (blob_id TEXT PRIMARY KEY, saved_at REAL NOT NULL);
"""


class SqliteDocumentStore(DocumentFiles):
    """Blobs in the `blobs` table of one SQLite file, with an optional folder of older blob files read too.

    One connection serves the threads the store is used from, one statement at a time (SQLite admits one
    writer anyway); other processes on the same data directory wait on SQLite's own lock.
    """

    def __init__(
        self,
        path: Path,
        *,
        fallback: FileDocumentStore | None = None,
        synchronous: SqliteSynchronous = "NORMAL",
        read_only: bool = False,
    ) -> None:
        """Open (and create) the store at `path`; `read_only`: only read it, from a folder that may not be written.

        Raises:
            DataDirectoryError: `read_only`, and the store cannot be read as it is (see `read_only_uri`).
        """
        pragma = synchronous_pragma(synchronous)  # refused before any file is touched
        self._path = path
        self._fallback = fallback
        self._read_only = read_only
        self._lock = threading.Lock()
        if read_only:
            uri = read_only_uri(path)
            self._db = sqlite3.connect(uri, uri=True, timeout=30.0, isolation_level=None, check_same_thread=False)
            return
        private_database(path)
        # isolation_level=None: transactions are begun and committed here, explicitly (`_write`).
        self._db = sqlite3.connect(path, timeout=30.0, isolation_level=None, check_same_thread=False)
        use_wal(self._db)
        # As the checkpoints that refer to the blobs: under FULL a checkpoint that survives a power failure
        # must not name a text that did not (see `claimflow.runtime.sqlite_durability`).
        self._db.execute(pragma)
        self._db.execute(SECURE_DELETE)  # a pruned blob's bytes do not stay in the file
        self._db.executescript(_SCHEMA)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (`write_transaction`), by one of the store's threads at a time."""
        with self._lock, write_transaction(self._db) as db:
            yield db

    def close(self) -> None:
        """Close the database."""
        with self._lock:
            self._db.close()

    def clock(self) -> float:
        """The system clock, which stamps saved blobs (every process on this data directory shares it)."""
        return time.time()

    def save_blob(self, data: bytes) -> str:
        """Store bytes once under their sha256 and return it; bytes already stored are stamped saved now."""
        blob_id = blob_id_of(data)
        with self._write() as db:
            db.execute(
                "INSERT INTO blob_saves (blob_id, saved_at) VALUES (?, ?)"
                " ON CONFLICT (blob_id) DO UPDATE SET saved_at = excluded.saved_at",
                (blob_id, self.clock()),
            )
            if db.execute("SELECT 1 FROM blobs WHERE blob_id = ?", (blob_id,)).fetchone() is None:
                db.execute("INSERT INTO blobs (blob_id, data, size) VALUES (?, ?, ?)", (blob_id, data, len(data)))
        return blob_id

    def _stored(self, blob_id: str) -> bytes | None:
        with self._lock:
            row = self._db.execute("SELECT data FROM blobs WHERE blob_id = ?", (check_blob_id(blob_id),)).fetchone()
        return None if row is None else bytes(row[0])

    def load_blob(self, blob_id: str) -> bytes:
        """Stored bytes, from the database, else from the older blob files (then copied in)."""
        found = self._stored(blob_id)
        if found is None:  # read only, an older blob file is served where it is
            found = self.copy_in(self._fallback, blob_id, save=not self._read_only)
        if found is not None:
            return found
        raise BlobMissingError(
            f"the document store {self._path} holds no blob {blob_id}: the run's document was stored in another "
            "data directory; continue the run with that --data-dir, or use one shared store (CLAIMFLOW_DATABASE_URL)"
        )

    def blob_size(self, blob_id: str) -> int | None:
        """The size of a stored blob in bytes, or None when it is stored neither here nor in the older files."""
        with self._lock:
            row = self._db.execute("SELECT size FROM blobs WHERE blob_id = ?", (check_blob_id(blob_id),)).fetchone()
        if row is not None:
            return int(row[0])
        return None if self._fallback is None else self._fallback.blob_size(blob_id)

    def blobs_saved_before(self, saved_before: float) -> dict[str, int]:
        """The blobs `delete_blob` would remove at this mark, with their sizes: rows, and older blob files too."""
        with self._lock:
            rows = self._db.execute(
                "SELECT blobs.blob_id, blobs.size FROM blobs LEFT JOIN blob_saves USING (blob_id)"
                " WHERE blob_saves.saved_at IS NULL OR blob_saves.saved_at < ?",
                (saved_before,),
            ).fetchall()
        found = {str(blob_id): int(size) for blob_id, size in rows}
        if self._fallback is not None:
            for blob_id, size in self._fallback.blobs_saved_before(saved_before).items():
                found[blob_id] = found.get(blob_id, 0) + size  # `delete_blob` frees both places
        return found

    def erase_deleted(self) -> None:
        """Checkpoint the write-ahead log into the database and truncate it: its frames hold deleted blobs too."""
        if self._read_only:
            return
        with self._lock:
            self._db.execute(TRUNCATE_WAL).fetchall()

    def delete_blob(self, blob_id: str, *, saved_before: float) -> int:
        """Remove a blob unless it was saved at or after `saved_before`; returns the bytes freed.

        One transaction: a save landing meanwhile either stamped the blob first (it stays) or comes after the
        delete and stores the bytes anew. An older file of the blob is pruned by the same rule.
        """
        freed = 0
        with self._write() as db:
            saved = db.execute(
                "SELECT saved_at FROM blob_saves WHERE blob_id = ?", (check_blob_id(blob_id),)
            ).fetchone()
            if saved is None or saved[0] < saved_before:
                gone = db.execute("DELETE FROM blobs WHERE blob_id = ? RETURNING size", (blob_id,)).fetchall()
                db.execute("DELETE FROM blob_saves WHERE blob_id = ?", (blob_id,))
                freed = sum(int(size) for (size,) in gone)
        if self._fallback is not None:
            freed += self._fallback.delete_blob(blob_id, saved_before=saved_before)
        return freed
