"""A decision correcting a table, in production mode on Postgres: the server queues it, a worker applies it."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimflow.runtime.settings import Settings
from tests._table_invoice import CELLS, INVOICE
from tests.postgres._workers import migrate, spawn_worker, stop, worker_env
from tests.service._api import serving

pytestmark = pytest.mark.postgres


async def test_a_worker_applies_dropped_rows_and_edited_cells_and_refuses_a_row_past_the_table(
    postgres_url: str, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    migrate(postgres_url, data)
    settings = Settings(data_dir=data, database_url=postgres_url, execution="queue")
    async with serving(settings) as api:
        run_id = (await api.upload("lines.txt", INVOICE)).json()["run_id"]
        worker = spawn_worker(tmp_path / "worker.log", worker_env(postgres_url, data))
        try:
            paused = await api.settled(run_id)
            review = (await api.client.get(f"/v1/reviews/{run_id}", headers=api.auth("reviewer"))).json()
            body = {"interrupt_id": review["interrupt_id"], "action": "edit"}
            past = await api.client.post(
                f"/v1/reviews/{run_id}/decision",
                json={**body, "rows": {"line_items": {"drop": [3]}}},
                headers=api.auth("reviewer"),
            )
            after_refusal = await api.settled(run_id)
            accepted = await api.client.post(
                f"/v1/reviews/{run_id}/decision",
                json={
                    **body,
                    "edits": {"total_amount": "24.00", "net_amount": "20.00", "tax_amount": "4.00"},
                    "rows": {"line_items": {"drop": [2], "cells": {"1": {"quantity": "4"}}}},
                },
                headers=api.auth("reviewer"),
            )
            done = await api.settled(run_id)
        finally:
            stop(worker)

    assert paused["status"] == "needs_review", paused
    assert past.status_code == 422, past.text
    assert "line_items has 2 row(s): no row 3" in past.text
    assert after_refusal["status"] == "needs_review"
    assert accepted.status_code == 202, accepted.text
    assert done["status"] == "completed", done
    assert done["fields"]["line_items"]["value"] == [{**CELLS[0], "quantity": "4"}]
