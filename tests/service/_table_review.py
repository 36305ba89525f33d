"""The two-line invoice (`tests._table_invoice`) waiting for review over the REST API, for the table tests."""

from __future__ import annotations

from typing import Any

from tests._table_invoice import INVOICE
from tests.service._api import Api


async def paused_lines(api: Api) -> tuple[str, dict[str, Any]]:
    """Upload the invoice and wait for its review: the run id and `GET /v1/reviews/{id}`'s answer."""
    done = await api.processed("lines.txt", INVOICE)
    assert done["status"] == "needs_review", done
    review = await api.client.get(f"/v1/reviews/{done['run_id']}", headers=api.auth("reviewer"))
    assert review.status_code == 200, review.text
    return str(done["run_id"]), review.json()
