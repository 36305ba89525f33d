"""`GET /v1/reviews?type=` of `claimflow serve`, over real HTTP: a type that is not active is refused.

As `GET /v1/runs?type=` does: a misspelt type would otherwise answer an empty queue, read as nothing to review.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.web._browser import paused_invoice, served, token

pytestmark = pytest.mark.slow


def test_a_review_queue_filtered_by_a_type_that_is_not_active_is_422(tmp_path: Path) -> None:
    data, run_id = paused_invoice(tmp_path)
    kim = token(data, "kim", "reviewer")

    with served(data) as base, httpx.Client(base_url=base, headers={"Authorization": f"Bearer {kim}"}) as api:
        assert [r["run_id"] for r in api.get("/v1/reviews", params={"type": "invoice"}).json()] == [run_id]
        assert api.get("/v1/reviews", params={"type": "unknown"}).json() == []
        for misspelt in ("invoices", "Invoice"):
            refused = api.get("/v1/reviews", params={"type": misspelt})
            assert refused.status_code == 422, refused.text
            problem = f"query.type: unknown document type {misspelt!r}; active: invoice, receipt, contract"
            assert refused.json() == {"message": "invalid request: " + problem, "errors": [problem]}
