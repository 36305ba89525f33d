"""A prune never takes a blob from a document being saved meanwhile: in SQLite, on files and in Postgres.

Blobs are content-addressed, so a new run of a document a pruned run used refers to the very blob the prune
is about to delete. Saving stamps the blob; a prune deletes only blobs not saved since it began, and checking
and deleting are one step against a save landing in between.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from claimflow.runtime import store as store_module
from claimflow.runtime.engine import open_engine
from claimflow.runtime.pgstore import PgDocumentStore
from claimflow.runtime.retention.prune import prune_finished
from claimflow.runtime.settings import Settings
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import DocumentFiles, FileDocumentStore
from tests.integration._docs import invoice_text, write


@pytest.fixture(params=["sqlite", "files", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentFiles]:
    """A fresh document store: a data directory's database, blob files in a folder, or a new Postgres database."""
    if request.param == "files":
        yield FileDocumentStore(tmp_path / "blobs")
        return
    made: SqliteDocumentStore | PgDocumentStore
    if request.param == "sqlite":
        made = SqliteDocumentStore(tmp_path / "documents.db")
    else:
        made = PgDocumentStore(request.getfixturevalue("postgres_url"))
    yield made
    made.close()


def test_a_blob_saved_since_the_mark_stays_and_one_saved_before_goes(store: DocumentFiles) -> None:
    old, again = store.save_blob(b"old document"), store.save_blob(b"sent again")
    time.sleep(0.05)  # file times tick coarsely (a few ms): the saves are clearly before the mark
    mark = store.clock()
    time.sleep(0.05)
    assert store.save_blob(b"sent again") == again  # a new run of the same bytes: stamped, not stored twice

    assert store.delete_blob(again, saved_before=mark) == 0
    assert store.load_blob(again) == b"sent again"
    assert store.delete_blob(old, saved_before=mark) == len(b"old document")
    assert store.blob_size(old) is None
    assert store.delete_blob(old, saved_before=mark) == 0  # gone already: nothing freed twice


def test_a_save_landing_while_a_blob_file_is_deleted_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = FileDocumentStore(tmp_path / "blobs")
    blob = files.save_blob(b"the original")
    time.sleep(0.05)
    mark = files.clock()
    real_replace = os.replace

    def saved_just_now(source: Any, target: Any) -> None:
        # The prune saw the blob unsaved since its mark; a new run's save stamps it before it is moved aside.
        if str(target).endswith(".deleting"):
            files.save_blob(b"the original")
        real_replace(source, target)

    monkeypatch.setattr(store_module.os, "replace", saved_just_now)

    assert files.delete_blob(blob, saved_before=mark) == 0
    assert files.load_blob(blob) == b"the original"
    assert [path.name for path in (tmp_path / "blobs").rglob("*") if path.is_file()] == [blob]


def test_a_sqlite_delete_waits_for_a_save_in_another_process_and_keeps_it(tmp_path: Path) -> None:
    store = SqliteDocumentStore(tmp_path / "documents.db")
    try:
        blob = store.save_blob(b"the original")
        time.sleep(0.01)
        mark = store.clock()
        freed: list[int] = []
        with closing(sqlite3.connect(tmp_path / "documents.db", isolation_level=None)) as saving:
            # Another process's save, stamping the blob, not committed yet: the delete waits for SQLite's write
            # lock, then sees the stamp.
            saving.execute("BEGIN IMMEDIATE")
            saving.execute("UPDATE blob_saves SET saved_at = ? WHERE blob_id = ?", (time.time(), blob))
            deleting = threading.Thread(target=lambda: freed.append(store.delete_blob(blob, saved_before=mark)))
            deleting.start()
            deleting.join(0.5)
            assert deleting.is_alive()  # blocked on the lock the save holds
            saving.execute("COMMIT")
        deleting.join(10)
        assert freed == [0]
        assert store.load_blob(blob) == b"the original"
    finally:
        store.close()


@pytest.mark.postgres
def test_a_delete_waits_for_a_save_holding_the_blobs_row_and_keeps_it(postgres_url: str) -> None:
    store = PgDocumentStore(postgres_url)
    try:
        blob = store.save_blob(b"the original")
        mark = store.clock()
        freed: list[int] = []
        with psycopg.connect(postgres_url) as saving:
            # A save stamping the row, not committed yet: the delete must wait for it, then see its stamp.
            saving.execute(
                "UPDATE claimflow_blobs SET saved_at = extract(epoch FROM clock_timestamp()) WHERE blob_id = %s",
                (blob,),
            )
            deleting = threading.Thread(target=lambda: freed.append(store.delete_blob(blob, saved_before=mark)))
            deleting.start()
            deleting.join(0.5)
            assert deleting.is_alive()  # blocked on the row the save holds
            saving.commit()
        deleting.join(10)
        assert freed == [0]
        assert store.load_blob(blob) == b"the original"
    finally:
        store.close()


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_a_prune_keeps_the_document_a_new_run_is_saving(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("postgres_url") if backend == "postgres" else None
    document = write(tmp_path / "docs", "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=tmp_path / "data", database_url=url)) as engine:
        finished = await engine.process(document)
        assert finished.status == "completed"
        row = await engine.registry.get_run(finished.run_id)
        state = await engine.state(finished.run_id)
        assert state is not None and state.text is not None and state.masked is not None
        others = {state.text.text_id, state.masked.text.text_id, state.masked.mapping_id} - {row.document_id}
        delete_blob = engine.store.delete_blob
        arrived: list[str] = []

        async def a_new_run_saves_the_same_document_meanwhile(blob_id: str, *, saved_before: float) -> int:
            # The prune has taken its last look at what runs need and begins deleting: meanwhile, the same
            # invoice arrives again and intake has stored its bytes (it registers the run right after).
            if not arrived:
                ref = await engine.store.save_document(document.read_bytes(), "invoice.txt", "text/plain")
                arrived.append(ref.document_id)
            return await delete_blob(blob_id, saved_before=saved_before)

        engine.store.delete_blob = a_new_run_saves_the_same_document_meanwhile  # type: ignore[method-assign]
        await asyncio.sleep(0.05)  # the run's blobs were saved clearly before the prune begins
        report = await prune_finished(engine, timedelta(0), now=time.time() + 1)

        assert report.runs == (finished.run_id,) and arrived == [row.document_id]
        assert await engine.store.blob_size(row.document_id) == len(document.read_bytes())
        assert report.blobs == len(others)  # the run's texts and masking map went; its original stayed
        assert [await engine.store.blob_size(blob) for blob in others] == [None] * len(others)
