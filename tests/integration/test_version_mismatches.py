"""The runs a new workflow version must re-run: unfinished runs of other versions, found without reading them all."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import open_engine
from claimflow.runtime.registry import NewRun
from claimflow.runtime.settings import Settings
from claimflow.state.documents import DocumentRef

DOCUMENT = DocumentRef(document_id="cd" * 32, filename="receipt.txt", media_type="text/plain", size=300)


async def test_the_unfinished_runs_of_other_versions_oldest_first_the_finished_ones_never_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    async with open_engine(Settings(data_dir=data_dir), types=BUILTIN_TYPES) as engine:
        # (status, started by another version?, created at): created out of order, to see the order kept
        runs = {
            "old-review": ("needs_review", True, 50.0),
            "old-queued": ("queued", True, 10.0),
            "old-resuming": ("resuming", True, 40.0),
            "old-running": ("running", True, 30.0),
            "old-completed": ("completed", True, 5.0),
            "old-failed": ("failed", True, 6.0),
            "old-rejected": ("rejected", True, 7.0),
            "current-review": ("needs_review", False, 20.0),
            "current-queued": ("queued", False, 1.0),
        }
        for run_id, (_, other, _) in runs.items():
            version = "an-earlier-version" if other else engine.version
            await engine.registry.create_run(
                NewRun(run_id=run_id, document=DOCUMENT, workflow="w", workflow_version=version, model="rules")
            )
        with closing(sqlite3.connect(data_dir / "claimflow.db")) as db, db:
            for run_id, (status, _, created) in runs.items():
                db.execute("UPDATE runs SET status = ?, created_at = ? WHERE run_id = ?", (status, created, run_id))
        asked: list[str | None] = []
        list_runs = engine.registry.sync.list_runs

        def counted(status: str | None = None) -> list[object]:
            asked.append(status)
            return list(list_runs(status))

        monkeypatch.setattr(engine.registry.sync, "list_runs", counted)
        mismatched = await engine.version_mismatches()
    assert [row.run_id for row in mismatched] == ["old-queued", "old-running", "old-resuming", "old-review"]
    assert None not in asked and not {"completed", "failed", "rejected"} & set(asked)
