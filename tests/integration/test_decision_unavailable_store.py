"""A decision the document store cannot serve (the run's text or masking map missing from this data directory)
changes nothing: the run still waits on the same review, no decision is recorded as applied or pending, and the
same decision applies once the store holds them again."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.runtime.engine import DOCUMENT_FILE, open_engine
from claimflow.runtime.settings import Settings
from claimflow.runtime.sqlitestore import SqliteDocumentStore
from claimflow.runtime.store import BlobMissingError
from claimflow.runtime.unavailable import unavailable_reason
from claimflow.state.review import ReviewDecision
from tests.integration._docs import mismatch_invoice_text, write

APPROVE = ReviewDecision.model_validate({"reviewer": "ann", "action": "approve"})


@pytest.mark.parametrize("missing", ["text", "masking map"])
async def test_a_decision_without_the_runs_blobs_changes_nothing_until_they_are_back(
    data_dir: Path, docs_dir: Path, missing: Literal["text", "masking map"]
) -> None:
    document = write(docs_dir, "mismatch.txt", mismatch_invoice_text() + "\nQuestions: jane.doe@example.com\n")
    settings = Settings(data_dir=data_dir)
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        view = await engine.process(document)
        state = await engine.state(view.run_id)
        pending = await engine.pending_review(view.run_id)
    assert view.status == "needs_review" and state is not None and pending is not None
    assert state.text is not None and state.masked is not None
    blob_id = state.text.text_id if missing == "text" else state.masked.mapping_id
    store = SqliteDocumentStore(data_dir / DOCUMENT_FILE)
    kept = store.load_blob(blob_id)
    assert store.delete_blob(blob_id, saved_before=store.clock() + 60) == len(kept)

    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        with pytest.raises(BlobMissingError) as refused:
            await engine.decide(view.run_id, APPROVE)
        row = await engine.registry.get_run(view.run_id)
        decisions = await engine.registry.decisions(view.run_id)

    assert blob_id in str(refused.value) and unavailable_reason(refused.value) is not None
    assert (row.status, row.interrupt_id, row.lease_owner) == ("needs_review", pending.interrupt_id, None)
    assert [d["outcome"] for d in decisions if d["outcome"] in ("applied", "pending")] == []

    store.save_blob(kept)
    store.close()
    async with open_engine(settings, types=BUILTIN_TYPES) as engine:
        row = await engine.decide(view.run_id, APPROVE)
        decisions = await engine.registry.decisions(view.run_id)

    assert row.status == "completed"
    assert [d["outcome"] for d in decisions] == ["applied"]
