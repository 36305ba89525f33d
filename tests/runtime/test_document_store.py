"""The document store as nodes use it: what it keeps in memory, and how a blob's folder comes to be."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from claimflow.runtime.store import KEEP_ORIGINALS_UP_TO, AsyncDocumentStore, FileDocumentStore
from claimflow.state.documents import DocumentRef
from tests.modes import mode_of, usual_umask


class CountingFiles(FileDocumentStore):
    """A file store that counts how often an original is read from disk."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.reads = 0

    def read_document(self, ref: DocumentRef) -> bytes:
        self.reads += 1
        return super().read_document(ref)


@pytest.fixture(autouse=True)
def _usual_umask() -> Iterator[None]:
    with usual_umask():
        yield


async def test_a_small_original_is_read_back_from_memory_once_then_from_the_store(tmp_path: Path) -> None:
    files = CountingFiles(tmp_path / "blobs")
    store = AsyncDocumentStore(files)
    ref = await store.save_document(b"Total 12.50 EUR\n", "receipt.txt", "text/plain")

    assert await store.read_document(ref) == b"Total 12.50 EUR\n"
    assert files.reads == 0  # the run's first step reads what intake just stored: no trip to disk
    # Read once, forgotten: a later reading (a re-run, the review page) goes to the store.
    assert await store.read_document(ref) == b"Total 12.50 EUR\n"
    assert files.reads == 1


async def test_a_large_original_is_not_held_in_memory(tmp_path: Path) -> None:
    files = CountingFiles(tmp_path / "blobs")
    store = AsyncDocumentStore(files)
    data = os.urandom(KEEP_ORIGINALS_UP_TO + 1)
    ref = await store.save_document(data, "scan.pdf", "application/pdf")

    assert await store.read_document(ref) == data
    assert files.reads == 1


async def test_originals_held_in_memory_are_bounded_in_number(tmp_path: Path) -> None:
    files = CountingFiles(tmp_path / "blobs")
    store = AsyncDocumentStore(files, cached=2)
    refs = [
        await store.save_document(f"document {index}".encode(), f"d{index}.txt", "text/plain") for index in range(3)
    ]

    assert [await store.read_document(ref) for ref in refs] == [b"document 0", b"document 1", b"document 2"]
    assert files.reads == 1  # the oldest of three was let go: only two are held


async def test_a_blob_whose_folder_is_gone_is_stored_in_a_new_private_folder(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    files = FileDocumentStore(root)
    first = files.save_blob(b"one")
    folder = root / first[:2]
    assert mode_of(folder) == 0o700
    (folder / first).unlink()
    folder.rmdir()  # pruned, or removed by hand, between two writes

    assert files.save_blob(b"one") == first
    assert mode_of(folder) == 0o700
    assert mode_of(folder / first) == 0o600
    assert files.load_blob(first) == b"one"


def test_a_save_finding_its_blob_moved_aside_by_a_prune_writes_it_anew(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    files = FileDocumentStore(root)
    blob = files.save_blob(b"an invoice")
    path = root / blob[:2] / blob
    aside = path.with_name(f".{blob}.pruning.deleting")
    os.replace(path, aside)  # a prune has moved it aside to look at it again

    assert files.save_blob(b"an invoice") == blob  # the stamp finds no file: the bytes are written again

    assert path.read_bytes() == b"an invoice" and mode_of(path) == 0o600
    assert files.load_blob(blob) == b"an invoice"
