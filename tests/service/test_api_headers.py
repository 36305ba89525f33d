"""Every answer of the REST API is kept by no cache and read as the type it says, refusals included.

Runs, reviews and their values are a company's documents: a JSON answer without `Cache-Control` could be kept by a
browser or a shared cache after its token was revoked.
"""

from __future__ import annotations

import httpx

from tests.integration._docs import mismatch_invoice_text, text_pdf
from tests.service._api import Api


def _kept_by_no_cache(headers: httpx.Headers) -> bool:
    return headers.get("cache-control") == "no-store" and headers.get("x-content-type-options") == "nosniff"


async def test_answers_refusals_and_errors_of_the_api_carry_no_store_and_nosniff(api: Api) -> None:
    listed = await api.client.get("/v1/runs", headers=api.auth("admin"))
    anonymous = await api.client.get("/v1/runs")
    missing = await api.client.get("/v1/runs/no-such-run", headers=api.auth("admin"))
    too_large = await api.client.post(
        "/v1/reviews/x/decision",
        content=b"{" * (2 << 20),
        headers=api.auth("admin") | {"content-type": "application/json"},
    )

    for answer, status in ((listed, 200), (anonymous, 401), (missing, 404), (too_large, 413)):
        assert answer.status_code == status, answer.text
        assert _kept_by_no_cache(answer.headers), (status, dict(answer.headers))


async def test_a_page_image_is_kept_by_the_browser_but_asked_for_again_with_its_token(api: Api) -> None:
    # It was kept an hour (`max-age=3600`): shown from the cache after its reader signed out or was revoked.
    done = await api.processed("invoice.pdf", text_pdf(mismatch_invoice_text()))
    page = f"/v1/documents/{done['run_id']}/pages/1"
    await api.token("kim", "reviewer")
    image = await api.client.get(page, headers=api.auth("kim"))
    assert image.status_code == 200
    assert image.headers["cache-control"] == "private, no-cache"
    assert image.headers["x-content-type-options"] == "nosniff"
    tag = image.headers["etag"]

    held = await api.client.get(page, headers=api.auth("kim") | {"if-none-match": tag})
    assert held.status_code == 304 and held.content == b"" and held.headers["etag"] == tag
    assert await api.engine.revoke_token("kim")
    revoked = await api.client.get(page, headers=api.auth("kim") | {"if-none-match": tag})
    assert revoked.status_code == 401
    # Only the API's answers: the schema, outside /v1/, is not made uncacheable by it.
    schema = await api.client.get("/openapi.json")
    assert schema.status_code == 200 and "cache-control" not in schema.headers
