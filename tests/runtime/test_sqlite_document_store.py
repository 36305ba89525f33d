"""The data directory's document store: blobs are rows of `documents.db`; blob files of older versions still serve."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import BLOB_DIR, DOCUMENT_FILE, open_engine
from claimflow.runtime.settings import Settings
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import BlobMissingError, FileDocumentStore
from claimflow.state.review import ReviewDecision
from tests.integration._docs import mismatch_invoice_text, write
from tests.modes import mode_of, usual_umask


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    with usual_umask():
        yield


def _rows(path: Path) -> list[tuple[str, int]]:
    with closing(sqlite3.connect(path)) as db:
        return [(blob_id, size) for blob_id, size in db.execute("SELECT blob_id, size FROM blobs ORDER BY blob_id")]


def test_bytes_are_stored_once_under_their_sha256_in_a_private_database(tmp_path: Path) -> None:
    store = SqliteDocumentStore(tmp_path / "documents.db")
    first = store.save_blob(b"an invoice")
    assert store.save_blob(b"an invoice") == first == hashlib.sha256(b"an invoice").hexdigest()
    assert store.load_blob(first) == b"an invoice"
    assert store.blob_size(first) == len(b"an invoice")
    assert _rows(tmp_path / "documents.db") == [(first, len(b"an invoice"))]
    assert mode_of(tmp_path / "documents.db") == 0o600
    store.close()


def test_a_blob_it_does_not_hold_is_missing_with_the_reason(tmp_path: Path) -> None:
    store = SqliteDocumentStore(tmp_path / "documents.db")
    absent = hashlib.sha256(b"elsewhere").hexdigest()
    with pytest.raises(BlobMissingError, match=absent):
        store.load_blob(absent)
    assert store.blob_size(absent) is None
    with pytest.raises(ValueError, match="not a blob id"):
        store.load_blob("../claimflow.db")
    store.close()


def test_threads_saving_and_loading_at_once_each_get_their_bytes(tmp_path: Path) -> None:
    store = SqliteDocumentStore(tmp_path / "documents.db")

    def round_trip(n: int) -> bool:
        data = f"document {n}".encode() * (n + 1)
        return store.load_blob(store.save_blob(data)) == data

    with ThreadPoolExecutor(max_workers=4) as threads:
        assert all(threads.map(round_trip, range(64)))
    assert len(_rows(tmp_path / "documents.db")) == 64
    store.close()


def test_blob_files_of_an_older_data_directory_are_read_copied_in_and_pruned(tmp_path: Path) -> None:
    files = FileDocumentStore(tmp_path / "blobs")
    kept, damaged, old = files.save_blob(b"kept"), files.save_blob(b"damaged"), files.save_blob(b"old")
    (tmp_path / "blobs" / damaged[:2] / damaged).write_bytes(b"changed on disk")
    store = SqliteDocumentStore(tmp_path / "documents.db", fallback=files)

    assert store.blob_size(kept) == len(b"kept")  # from the file
    assert store.load_blob(kept) == b"kept"
    assert [blob_id for blob_id, _ in _rows(tmp_path / "documents.db")] == [kept]  # copied in on first read
    with pytest.raises(BlobMissingError):
        store.load_blob(damaged)  # a file whose bytes are not the blob's is never served, nor copied in
    assert [blob_id for blob_id, _ in _rows(tmp_path / "documents.db")] == [kept]

    mark = store.clock() + 60
    assert store.delete_blob(old, saved_before=mark) == len(b"old")  # only the file held it
    assert files.blob_size(old) is None
    assert store.delete_blob(kept, saved_before=mark) == 2 * len(b"kept")  # its row and its file
    assert store.blob_size(kept) is None and files.blob_size(kept) is None
    store.close()


async def test_a_run_paused_by_a_version_that_stored_blob_files_is_decided_and_completes(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    document = write(tmp_path / "docs", "mismatch.txt", mismatch_invoice_text())
    settings = Settings(data_dir=data_dir)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        view = await engine.process(document)
    assert view.status == "needs_review"
    # The data directory as an earlier version left it: every blob a file under blobs/, no documents.db.
    database = data_dir / DOCUMENT_FILE
    files = FileDocumentStore(data_dir / BLOB_DIR)
    with closing(sqlite3.connect(database)) as db:
        stored = db.execute("SELECT blob_id, data FROM blobs").fetchall()
    assert len(stored) >= 3  # the original, its text (and masked text, here the same), the masking map
    assert all(files.save_blob(bytes(data)) == blob_id for blob_id, data in stored)
    for path in data_dir.glob(f"{DOCUMENT_FILE}*"):
        path.unlink()

    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        decided = await engine.decide(view.run_id, ReviewDecision(reviewer="ann", action="approve"))

    assert decided.status == "completed"
    assert {blob_id for blob_id, _ in _rows(database)} <= {blob_id for blob_id, _ in stored}
