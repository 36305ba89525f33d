"""A decision a worker refuses after the 202 (production mode) is said in the review's note at the body field it
concerns, in the very words local mode's 422 gives the same decision (`body.evidence.total_amount: ...`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claimflow.runtime.settings import Settings
from tests.integration._docs import mismatch_invoice_text
from tests.postgres._workers import migrate, spawn_worker, stop, worker_env
from tests.service._api import Api, serving

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

CITING_NOWHERE = {
    "action": "edit",
    "edits": {"total_amount": ["180.00"]},
    "evidence": {"total_amount": {"quote": "a quote found nowhere in the invoice"}},
}
"""A decision whose fault only the document shows: production mode queues it, and its worker refuses it."""


async def _paused_and_decided(api: Api) -> tuple[str, Any]:
    """Pause a run on its review and send it `CITING_NOWHERE`; the run and the answer."""
    run_id = (await api.processed("mismatch.txt", mismatch_invoice_text()))["run_id"]
    review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
    answer = await api.client.post(
        f"/v1/reviews/{run_id}/decision",
        json={"interrupt_id": review["interrupt_id"], **CITING_NOWHERE},
        headers=api.auth("reviewer"),
    )
    return run_id, answer


async def test_a_decision_a_worker_refuses_is_noted_at_its_body_field_as_local_modes_422_says_it(
    postgres_url: str, tmp_path: Path
) -> None:
    async with serving(Settings(data_dir=tmp_path / "local")) as local:
        _, refused_at_once = await _paused_and_decided(local)

    data = tmp_path / "data"
    migrate(postgres_url, data)
    worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
    try:
        async with serving(Settings(data_dir=data, database_url=postgres_url, execution="queue")) as production:
            run_id, queued = await _paused_and_decided(production)
            assert queued.status_code == 202, queued.text
            assert (await production.settled(run_id))["status"] == "needs_review"
            review = (await production.client.get(f"/v1/reviews/{run_id}", headers=production.auth("reviewer"))).json()
            [listed] = (await production.client.get("/v1/reviews", headers=production.auth("reviewer"))).json()
    finally:
        stop(worker)

    assert refused_at_once.status_code == 422, refused_at_once.text
    said = refused_at_once.json()["errors"]
    assert [problem.split(": ", 1)[0] for problem in said] == ["body.evidence.total_amount"], said
    assert review["note"] == f"the decision of reviewer was refused: {'; '.join(said)}; decide again"
    assert listed["note"] == review["note"]
