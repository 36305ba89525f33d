"""What the review pages tell a reviewer must be true: a flash only after a real decision, why a failed run has
no page images, and how long a review has waited (from when it opened, as the API's `age_seconds`)."""

from __future__ import annotations

import sqlite3
from urllib.parse import parse_qs, urlsplit

from claimflow.runtime.data_dir import REGISTRY_FILE
from tests.integration._docs import CORRUPT_PDF, mismatch_invoice_text, text_pdf
from tests.service._api import Api
from tests.web.test_review_pages import form_of, signed_in, waiting


async def test_a_crafted_link_shows_no_decision_and_a_real_one_does(api: Api) -> None:
    run_id = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    signed_in(api, "reviewer")

    for crafted in (f"/review?done=approve&run={run_id}", f"/review/runs/{run_id}?done=reject&run={run_id}&mark=x"):
        page = await api.client.get(crafted)
        assert page.status_code == 200
        assert 'class="flash' not in page.text and "Approved invoice.pdf" not in page.text, crafted

    form = form_of((await api.client.get(f"/review/runs/{run_id}")).text)
    decided = await api.client.post(f"/review/runs/{run_id}", data={**form, "action": "approve"})
    assert decided.status_code == 303
    after = await api.client.get(decided.headers["location"])
    assert "Approved invoice.pdf: it is completed." in after.text
    # The mark vouches for that decision only: another action or run with it shows nothing.
    query = {key: values[0] for key, values in parse_qs(urlsplit(decided.headers["location"]).query).items()}
    forged = await api.client.get("/review", params={**query, "done": "reject"})
    assert "Rejected invoice.pdf" not in forged.text
    # Nor does it vouch for another reviewer's session.
    signed_in(api, "admin")
    assert "Approved invoice.pdf" not in (await api.client.get(decided.headers["location"])).text


async def test_a_failed_runs_page_image_says_it_failed(api: Api) -> None:
    view = await api.processed("broken.pdf", CORRUPT_PDF)
    assert view["status"] == "failed", view

    image = await api.client.get(f"/v1/documents/{view['run_id']}/pages/1", headers=api.auth("reviewer"))

    assert image.status_code == 404
    assert image.json()["message"] == f"run {view['run_id']} failed and has no parsed pages"


async def test_the_queue_counts_waiting_from_when_the_review_opened(api: Api) -> None:
    run_id = await waiting(api, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    # The run was registered two days before its review opened (it sat in the queue, or was rerun).
    with sqlite3.connect(api.engine.settings.data_dir / REGISTRY_FILE) as db:
        db.execute("UPDATE runs SET created_at = created_at - 2 * 86400 WHERE run_id = ?", (run_id,))
    signed_in(api, "reviewer")

    queue = (await api.client.get("/review")).text
    listed = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()

    [waited] = [item["age_seconds"] for item in listed if item["run_id"] == run_id]
    assert waited < 60
    row = queue[queue.index(f"/review/runs/{run_id}") :]
    assert '<td class="age"' in row
    age = row[row.index('<td class="age"') :]
    assert ">just now</td>" in age[: age.index("</td>") + 5]
