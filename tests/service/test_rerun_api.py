"""`POST /v1/runs/{id}/rerun`: a run failed while the model's server was down goes again once it is back.

The server's model is the fake OpenAI-compatible server over real HTTP, allowed one attempt a call. It first
answers with a 503, so the uploaded run fails; then it answers as the model would, and the re-run, queued at
once and advanced by the server's pool, finishes. The old run stays failed, superseded, with what failed it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import claimflow
from claimflow.runtime.settings import Settings
from tests.fakes.openai_server import FakeModelServer, document_run_replies, error_reply
from tests.integration._docs import MEMO, invoice_text, write
from tests.service._api import Api, serving


@pytest.fixture
async def api_on_model(tmp_path: Path, server: FakeModelServer, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[Api]:
    """The app on the fake server's model, one attempt per call, so a server error fails the run at once."""
    monkeypatch.setenv("CLAIMFLOW_MODEL_MAX_ATTEMPTS", "1")
    monkeypatch.setenv("CLAIMFLOW_SERVE_CONCURRENCY", "1")  # one run at a time: the scripted answers in order
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = Settings.load(data_dir=tmp_path / "data", model="openai:fake-model", base_url=server.base_url)
    async with serving(settings) as running:
        yield running


async def test_a_run_failed_while_the_model_was_down_is_run_again_over_the_api(
    api_on_model: Api, server: FakeModelServer
) -> None:
    api = api_on_model
    server.script(error_reply(503, "the model is loading"))
    failed = await api.processed("invoice.txt", invoice_text("NW-31"))
    assert failed["status"] == "failed" and "503" in failed["error"], failed
    assert failed["superseded_by"] is None

    server.script(*document_run_replies())
    response = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun", headers=api.auth("submitter"))

    assert response.status_code == 201, response.text
    queued = response.json()
    assert queued["run_id"] != failed["run_id"] and queued["status"] == "queued"
    assert queued["document"] == "invoice.txt"
    assert response.headers["Location"] == f"/v1/runs/{queued['run_id']}"
    finished = await api.settled(queued["run_id"])
    assert finished["status"] == "completed", finished
    assert finished["fields"]["invoice_number"]["value"] == "NW-31"

    old = (await api.client.get(f"/v1/runs/{failed['run_id']}", headers=api.auth("admin"))).json()
    assert old["status"] == "failed" and old["superseded_by"] == queued["run_id"]  # the run to follow
    assert finished["superseded_by"] is None
    assert old["error"].startswith(f"superseded: run again as {queued['run_id']}"), old["error"]
    assert old["error"].endswith(f"; it had failed: {failed['error']}")
    events = (await api.client.get(f"/v1/runs/{queued['run_id']}/events", headers=api.auth("admin"))).json()
    started = next(item for item in events if item["type"] == "run.started")
    assert started["data"]["rerun_of"] == failed["run_id"] and started["data"]["model"] == "openai:fake-model"


async def test_what_is_not_run_again_is_refused_and_left_as_it_was(api_on_model: Api, server: FakeModelServer) -> None:
    api = api_on_model
    server.script(error_reply(503, "the model is loading"))
    failed = await api.processed("invoice.txt", invoice_text("NW-32"))
    server.script(*document_run_replies())
    first = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun", headers=api.auth("admin"))
    assert first.status_code == 201, first.text
    completed = await api.settled(first.json()["run_id"])
    assert completed["status"] == "completed"

    twice = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun", headers=api.auth("submitter"))
    assert twice.status_code == 409 and "was run again already" in twice.json()["message"]
    assert twice.json()["superseded_by"] == completed["run_id"]  # a client that sent it twice learns which run
    done = await api.client.post(f"/v1/runs/{completed['run_id']}/rerun", headers=api.auth("submitter"))
    assert done.status_code == 409
    assert "is completed; only unfinished and failed runs are re-run" in done.json()["message"]
    as_reviewer = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun", headers=api.auth("reviewer"))
    assert as_reviewer.status_code == 403
    unknown = await api.client.post("/v1/runs/0123456789abcdef/rerun", headers=api.auth("submitter"))
    assert unknown.status_code == 404
    anonymous = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun")
    assert anonymous.status_code == 401

    runs = (await api.client.get("/v1/runs", headers=api.auth("admin"))).json()["items"]
    assert [(run["run_id"], run["status"]) for run in runs] == [
        (failed["run_id"], "failed"),
        (completed["run_id"], "completed"),
    ]
    assert server.unscripted == 0  # nothing ran a third time


async def test_every_failed_run_is_run_again_at_once_by_an_admin(
    api_on_model: Api, server: FakeModelServer, tmp_path: Path
) -> None:
    api = api_on_model
    server.script(*[error_reply(503, "the model is loading")] * 3)
    first, second, third = [await api.processed(f"{n}.txt", invoice_text(f"NW-4{n}")) for n in range(3)]
    assert {first["status"], second["status"], third["status"]} == {"failed"}
    server.script(*document_run_replies())
    once = await api.client.post(f"/v1/runs/{first['run_id']}/rerun", headers=api.auth("submitter"))
    assert (await api.settled(once.json()["run_id"]))["status"] == "completed"
    # A failed run of a model this server cannot build (a replay's, made by a command on the same data directory).
    empty = tmp_path / "nothing-recorded"
    empty.mkdir()
    async with claimflow.open_engine(data_dir=api.engine.settings.data_dir, model=f"replay:{empty}") as other:
        stuck = await other.process(write(tmp_path, "memo.txt", MEMO))
    assert stuck.status == "failed"

    server.script(*document_run_replies(), *document_run_replies())
    none = await api.client.post("/v1/runs/rerun-failed", params={"error": "no such error"}, headers=api.auth("admin"))
    assert none.json() == {"rerun": [], "left": []}  # no failed run's error holds that text: none is touched
    refused = await api.client.post("/v1/runs/rerun-failed", headers=api.auth("submitter"))
    answer = await api.client.post("/v1/runs/rerun-failed", headers=api.auth("admin"))

    assert refused.status_code == 403
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [item["rerun_of"] for item in body["rerun"]] == [second["run_id"], third["run_id"]]  # oldest first
    assert [item["run_id"] for item in body["left"]] == [stuck.run_id]
    assert "cannot build" in body["left"][0]["message"]
    for item in body["rerun"]:
        assert item["run"]["status"] == "queued"
        assert (await api.settled(item["run"]["run_id"]))["status"] == "completed"
    again = (await api.client.post("/v1/runs/rerun-failed", headers=api.auth("admin"))).json()
    assert again["rerun"] == [] and [item["run_id"] for item in again["left"]] == [stuck.run_id]
    assert server.unscripted == 0
