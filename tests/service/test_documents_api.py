"""Uploading documents: the run comes back queued at once, advances in the pool; idempotency keys; limits."""

from __future__ import annotations

import hashlib
from dataclasses import replace

from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.settings import Settings
from tests.integration._docs import CORRUPT_PDF, invoice_text, mismatch_invoice_text
from tests.integration._stores import stored_blobs
from tests.service._api import Api, serving


async def test_an_upload_returns_the_queued_run_which_then_completes(api: Api) -> None:
    response = await api.upload("clean.txt", invoice_text())

    assert response.status_code == 201
    queued = response.json()
    assert queued["status"] == "queued" and queued["document"] == "clean.txt"
    view_keys = {"run_id", "document", "status", "doc_type", "fields", "review_reasons", "error", "superseded_by"}
    assert set(queued) == view_keys
    done = await api.settled(queued["run_id"])
    assert done["status"] == "completed" and done["doc_type"] == "invoice"
    assert done["fields"]["total_amount"]["value"] == "180.00"
    # The same JSON as `claimflow show --json` prints: the engine's own view.
    assert done == (await api.engine.view(queued["run_id"])).model_dump(mode="json")


async def test_the_same_key_and_bytes_return_the_same_run(api: Api) -> None:
    first = await api.upload("a.txt", invoice_text(), key="order-17")
    again = await api.upload("a.txt", invoice_text(), key="order-17")
    other_key = await api.upload("a.txt", invoice_text(), key="order-18")
    no_key = [await api.upload("a.txt", invoice_text()) for _ in range(2)]

    assert first.status_code == again.status_code == 201
    assert again.json()["run_id"] == first.json()["run_id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert other_key.json()["run_id"] != first.json()["run_id"]
    # Without a key every upload is a run of its own.
    assert len({response.json()["run_id"] for response in no_key} | {first.json()["run_id"]}) == 3
    assert len(await api.engine.registry.list_runs()) == 4


async def test_other_bytes_with_a_used_key_are_409_and_store_no_run(api: Api) -> None:
    first = await api.upload("a.txt", invoice_text(), key="k-1")
    runs_before = len(await api.engine.registry.list_runs())

    conflict = await api.upload("a.txt", mismatch_invoice_text(), key="k-1")

    assert conflict.status_code == 409
    assert conflict.json()["message"] == (
        f"the Idempotency-Key 'k-1' was used for another document (run {first.json()['run_id']}); send those bytes,"
        " or use a new key"
    )
    assert len(await api.engine.registry.list_runs()) == runs_before
    refused_id = hashlib.sha256(mismatch_invoice_text().encode()).hexdigest()
    assert not (api.engine.settings.data_dir / "blobs" / refused_id[:2] / refused_id).exists()
    # The first run is untouched and still completes.
    assert (await api.settled(first.json()["run_id"]))["status"] == "completed"


async def test_a_key_with_a_control_character_is_422_and_stores_no_run(api: Api) -> None:
    refused = await api.upload("a.txt", invoice_text(), key="k\x00")

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"] == [
        "header.Idempotency-Key: has the control character U+0000 at position 1; remove it (none is allowed here)"
    ]
    assert await api.engine.registry.list_runs() == []


async def test_keys_belong_to_their_token(api: Api) -> None:
    await api.token("other-submitter", "submitter")
    mine = await api.upload("a.txt", invoice_text(), key="k")
    theirs = await api.upload("b.txt", mismatch_invoice_text(), key="k", who="other-submitter")

    assert theirs.status_code == 201
    assert theirs.json()["run_id"] != mine.json()["run_id"]


async def test_a_document_over_the_size_limit_fails_its_run_without_being_stored(settings: Settings) -> None:
    small = replace(settings, limits=IngestLimits(max_bytes=100))
    async with serving(small) as api:
        response = await api.upload("big.txt", invoice_text())

    assert response.status_code == 201
    assert response.json()["status"] == "failed"
    assert "big.txt is" in response.json()["error"] and "over the 100 bytes limit" in response.json()["error"]
    assert stored_blobs(settings.data_dir) == set()


async def test_explaining_a_run_refused_at_intake_gives_the_reason(settings: Settings) -> None:
    small = replace(settings, limits=IngestLimits(max_bytes=100))
    async with serving(small) as api:
        run_id = (await api.upload("big.txt", invoice_text())).json()["run_id"]
        explained = await api.client.get(f"/v1/runs/{run_id}/explain", headers=api.auth("admin"))

    text = explained.json()["text"]
    assert text.splitlines()[0] == f"run {run_id}: big.txt (no document stored)"
    assert "outcome: failed (big.txt is" in text and "over the 100 bytes limit" in text
    assert "intake refused the file" in text and "has not started" not in text


async def test_a_key_holds_for_uploads_over_the_size_limit_too(settings: Settings) -> None:
    limited = replace(settings, limits=IngestLimits(max_bytes=1000))
    small, big = invoice_text("NW-2024-0931"), invoice_text("NW-2024-0932") + "x" * 2000
    async with serving(limited) as api:
        first = await api.upload("a.txt", small, key="k-small")
        over_a_used_key = await api.upload("a.txt", big, key="k-small")
        retried = await api.upload("a.txt", small, key="k-small")
        failed = await api.upload("b.txt", big, key="k-big")
        failed_again = await api.upload("b.txt", big, key="k-big")
        small_under_the_big_key = await api.upload("b.txt", small, key="k-big")
        runs = await api.engine.registry.list_runs()

    # Other bytes under a used key are refused, over the limit or not, and the key still names its run.
    assert over_a_used_key.status_code == 409
    assert retried.status_code == 201 and retried.headers["Idempotent-Replayed"] == "true"
    assert retried.json()["run_id"] == first.json()["run_id"]
    # The same upload over the limit again is the run that failed for it, replayed.
    assert failed.json()["status"] == "failed"
    assert failed_again.headers["Idempotent-Replayed"] == "true"
    assert failed_again.json()["run_id"] == failed.json()["run_id"]
    assert small_under_the_big_key.status_code == 409
    assert len(runs) == 2


async def test_a_corrupt_file_fails_its_run_with_a_reason(api: Api) -> None:
    done = await api.processed("broken.pdf", CORRUPT_PDF)

    assert done["status"] == "failed" and done["error"]


async def test_an_upload_without_a_file_is_422_with_a_message(api: Api) -> None:
    response = await api.client.post("/v1/documents", headers=api.auth("submitter"))

    assert response.status_code == 422
    assert "file" in response.json()["message"]
    assert response.json()["errors"] == ["body.file: send the document as the multipart/form-data file field `file`"]


async def test_a_file_sent_as_a_text_field_is_422_saying_so_and_other_fields_are_400(api: Api) -> None:
    # `curl -F file=<invoice.txt` sends the text as a field, without a file name: say that, not "too many fields".
    as_text = await api.client.post("/v1/documents", data={"file": invoice_text()}, headers=api.auth("submitter"))
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    urlencoded = await api.client.post("/v1/documents", content=b"file=INVOICE", headers=api.auth("submitter") | form)
    with_a_note = await api.client.post(
        "/v1/documents",
        data={"note": "urgent"},
        files={"file": ("a.txt", invoice_text().encode())},
        headers=api.auth("submitter"),
    )

    assert as_text.status_code == 422, as_text.text
    assert as_text.json()["errors"] == [
        "body.file: is a text field, not a file: send the document as a file with a file name (curl -F file=@PATH)"
    ]
    assert urlencoded.status_code == 422 and urlencoded.json()["errors"] == as_text.json()["errors"]
    assert with_a_note.status_code == 400, with_a_note.text
    assert with_a_note.json()["message"] == "send one field, the file `file`, and nothing else: remove note"
    assert await api.engine.registry.list_runs() == []


async def test_a_file_name_with_a_path_keeps_only_its_last_part(api: Api) -> None:
    response = await api.upload("../../etc/invoice.txt", invoice_text())

    assert response.json()["document"] == "invoice.txt"


async def test_a_run_left_unfinished_by_a_stopped_server_completes_on_the_next_start(settings: Settings) -> None:
    async with serving(settings) as api:
        # Registered and queued, but the server stops before the pool advances it (as when it is killed).
        row, _ = await api.engine.receive(invoice_text().encode(), "left.txt")
        await api.engine.registry.release(row.run_id, owner=api.engine.owner, status="queued")
        assert (await api.engine.registry.get_run(row.run_id)).status == "queued"

    async with serving(settings, tokens=False) as again:
        again.tokens = api.tokens  # tokens are kept in the registry: the same ones work after a restart
        done = await again.settled(row.run_id)

    assert done["status"] == "completed"
