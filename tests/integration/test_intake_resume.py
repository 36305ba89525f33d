"""A document is its bytes and its path: running a folder again continues it, and never registers a file twice."""

from __future__ import annotations

from pathlib import Path

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from tests.integration._batches import (
    invoices,
    registered,
    registered_or_empty,
    runs_per_file,
    sigkill,
    spawn,
    wait_until,
)
from tests.integration._docs import invoice_text, run_cli, write


def test_a_batch_killed_during_intake_is_resumed_by_running_the_folder_again(tmp_path: Path) -> None:
    docs, data = tmp_path / "docs", tmp_path / "data"
    invoices(docs, 100)
    child = spawn("run", docs, "--data-dir", data)
    wait_until(
        lambda: len(registered_or_empty(data)) >= 10,
        timeout=120,
        what="ten documents registered",
    )
    sigkill(child)
    left = registered(data)
    assert 10 <= len(left) < 100, "the kill came after intake had ended: nothing left to test"

    again = run_cli("run", docs, "--data-dir", data, timeout=600)

    assert again.returncode == 0, again.stderr
    rows = registered(data)
    assert runs_per_file(rows) == {f"invoice-{n:03d}.txt": 1 for n in range(100)}
    assert {row.status for row in rows} == {"completed"}
    assert {row.run_id for row in left} <= {row.run_id for row in rows}  # the killed batch's runs were continued


async def test_same_bytes_same_path_is_one_document_another_path_or_other_bytes_a_new_one(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    path = write(docs, "invoice.txt", invoice_text("NW-ID-1"))
    copy = write(docs / "copies", "invoice.txt", invoice_text("NW-ID-1"))
    async with open_engine(Settings(data_dir=tmp_path / "data")) as engine:
        [first] = await process_files(engine, [path])
        [same] = await process_files(engine, [path])
        [elsewhere] = await process_files(engine, [copy])
        write(docs, "invoice.txt", invoice_text("NW-ID-2"))
        [changed] = await process_files(engine, [path])
        runs = await engine.registry.list_runs()

    assert first.status == "completed"
    assert same.run_id == first.run_id and same.status == "completed"
    assert elsewhere.run_id != first.run_id and elsewhere.document_id == first.document_id
    assert changed.run_id not in (first.run_id, elsewhere.run_id) and changed.document_id != first.document_id
    assert len(runs) == 3
    assert {row.source for row in runs} == {str(path.absolute()), str(copy.absolute())}
