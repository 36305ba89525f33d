"""An Idempotency-Key longer than 200 characters is refused in characters, not items."""

from __future__ import annotations

from tests.integration._docs import invoice_text
from tests.service._api import Api


async def test_a_key_over_200_characters_is_422_in_characters_and_stores_no_run(api: Api) -> None:
    refused = await api.upload("a.txt", invoice_text(), key="k" * 201)

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == ["header.Idempotency-Key: String should have at most 200 characters"]
    assert await api.engine.registry.list_runs() == []
    assert (await api.upload("a.txt", invoice_text(), key="k" * 200)).status_code == 201
