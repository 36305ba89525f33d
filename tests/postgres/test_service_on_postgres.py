"""The REST API on Postgres: upload, review and decision, with tokens and runs in the one database."""

from __future__ import annotations

import base64
from pathlib import Path

import psycopg
import pytest

from claimflow.runtime.settings import Settings
from claimflow.runtime.web.session import COOKIE
from tests.integration._docs import invoice_text, mismatch_invoice_text
from tests.service._api import serving

pytestmark = pytest.mark.postgres


async def test_upload_review_and_decision_on_postgres(postgres_url: str, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url)
    async with serving(settings) as api:
        paused = await api.processed("mismatch.txt", mismatch_invoice_text(), key="upload-1")
        again = await api.upload("mismatch.txt", mismatch_invoice_text(), key="upload-1")
        conflict = await api.upload("other.txt", invoice_text(), key="upload-1")
        queue = (await api.client.get("/v1/reviews", headers=api.auth("reviewer"))).json()
        review = (await api.client.get(f"/v1/reviews/{paused['run_id']}", headers=api.auth("reviewer"))).json()
        stale = await api.client.post(
            f"/v1/reviews/{paused['run_id']}/decision",
            json={"interrupt_id": "old", "action": "approve"},
            headers=api.auth("reviewer"),
        )
        decided = await api.client.post(
            f"/v1/reviews/{paused['run_id']}/decision",
            json={"interrupt_id": review["interrupt_id"], "action": "edit", "edits": {"total_amount": ["180.00"]}},
            headers=api.auth("reviewer"),
        )

    assert paused["status"] == "needs_review"
    assert again.json()["run_id"] == paused["run_id"] and conflict.status_code == 409
    assert [item["run_id"] for item in queue] == [paused["run_id"]]
    assert stale.status_code == 409 and stale.json()["run"]["status"] == "needs_review"
    assert decided.status_code == 200 and decided.json()["status"] == "completed"
    assert decided.json()["fields"]["total_amount"]["value"] == "180.00"
    with psycopg.connect(postgres_url) as conn:
        tokens = conn.execute("SELECT name, role FROM claimflow_api_tokens ORDER BY name").fetchall()
        reviewers = conn.execute(
            "SELECT reviewer, outcome FROM claimflow_review_decisions WHERE run_id = %s ORDER BY seq",
            (paused["run_id"],),
        ).fetchall()
    assert tokens == [("admin", "admin"), ("reviewer", "reviewer"), ("submitter", "submitter")]
    assert reviewers == [("reviewer", "refused"), ("reviewer", "applied")]
    assert not (tmp_path / "blobs-only" / "claimflow.db").exists()


async def test_nul_in_an_id_parameter_or_body_is_404_or_422_never_500_on_postgres(
    postgres_url: str, tmp_path: Path
) -> None:
    # Postgres cannot hold NUL in text: refused before any query, where the SQLite registry just finds nothing.
    settings = Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url)
    async with serving(settings) as api:
        paused = await api.processed("mismatch.txt", mismatch_invoice_text())
        run_id, admin = paused["run_id"], api.auth("admin")
        cursor = base64.urlsafe_b64encode(b'[1.0,"a\\u0000"]').decode()
        queries = [
            await api.client.get("/v1/runs", params=params, headers=admin)
            for params in ({"status": "a\x00"}, {"type": "a\x00"}, {"cursor": cursor})
        ]
        unknown = [
            await api.client.get(path, headers=admin)
            for path in (
                f"/v1/runs/{run_id}%00",
                f"/v1/runs/{run_id}%00/events",
                f"/v1/documents/{run_id}%00/pages/1",
                f"/v1/reviews/{run_id}%00",
            )
        ]
        api.client.cookies.set(COOKIE, api.tokens["reviewer"])
        page = await api.client.get(f"/review/runs/{run_id}%00")
        assigned = await api.client.post(f"/v1/reviews/{run_id}/assign", json={"to": "bob\x00"}, headers=admin)
        review = (await api.client.get(f"/v1/reviews/{run_id}", headers=admin)).json()
        decided = await api.client.post(
            f"/v1/reviews/{run_id}/decision",
            json={"interrupt_id": review["interrupt_id"], "action": "approve", "comment": "ok\x00"},
            headers=admin,
        )
        upload = await api.upload("again.txt", invoice_text(), key="key\x00")
        after = await api.settled(run_id)

    assert [response.status_code for response in queries] == [422, 422, 422]
    assert [response.status_code for response in unknown] == [404, 404, 404, 404]
    assert unknown[0].json() == {"message": f"no run '{run_id}\\x00'"}
    assert page.status_code == 404 and "No such review" in page.text
    assert assigned.status_code == 422 and decided.status_code == 422 and upload.status_code == 422
    assert after["status"] == "needs_review"


async def test_a_file_name_with_control_characters_is_stored_written_out(postgres_url: str, tmp_path: Path) -> None:
    # A NUL in a multipart file name reached Postgres, which refuses it in text: a 500 and no run.
    body = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="in\x00voice\x1b.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n" + invoice_text().encode() + b"\r\n--b--\r\n"
    )
    settings = Settings(data_dir=tmp_path / "blobs-only", database_url=postgres_url)
    async with serving(settings) as api:
        headers = api.auth("submitter") | {"Content-Type": "multipart/form-data; boundary=b"}
        response = await api.client.post("/v1/documents", content=body, headers=headers)
        assert response.status_code == 201, response.text
        done = await api.settled(response.json()["run_id"])

    assert done["document"] == "in\\x00voice\\x1b.txt"
    assert done["status"] == "completed"
