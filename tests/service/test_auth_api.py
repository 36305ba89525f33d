"""Tokens and roles: every endpoint but /healthz needs a valid token; roles and type scopes are enforced,
and a caller that may not look learns nothing about which runs exist."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration._docs import invoice_text, mismatch_invoice_text
from tests.service._api import Api

MISSING = "f" * 32

# Every protected endpoint, with a request that would otherwise be valid. {run} is a run that exists.
ENDPOINTS: list[tuple[str, str]] = [
    ("GET", "/v1/runs"),
    ("GET", "/v1/runs/{run}"),
    ("GET", "/v1/runs/{run}/events"),
    ("GET", "/v1/runs/{run}/events/stream"),
    ("GET", "/v1/runs/{run}/explain"),
    ("GET", "/v1/runs/{run}/record"),
    ("GET", "/v1/reviews"),
    ("GET", "/v1/reviews/{run}"),
    ("POST", "/v1/reviews/{run}/decision"),
    ("POST", "/v1/documents"),
    ("GET", "/v1/types"),
    ("GET", "/metrics"),
]


async def _call(api: Api, method: str, path: str, run_id: str, headers: dict[str, str]) -> Any:
    url = path.format(run=run_id)
    if method == "POST" and url.endswith("/decision"):
        return await api.client.post(url, json={"interrupt_id": "x", "action": "approve"}, headers=headers)
    if method == "POST":
        return await api.client.post(url, files={"file": ("a.txt", invoice_text().encode())}, headers=headers)
    return await api.client.get(url, headers=headers)


@pytest.fixture
async def paused(api: Api) -> str:
    done = await api.processed("mismatch.txt", mismatch_invoice_text())
    assert done["status"] == "needs_review"
    return str(done["run_id"])


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
async def test_no_wrong_or_revoked_token_is_401_whether_the_run_exists_or_not(
    api: Api, paused: str, method: str, path: str
) -> None:
    await api.token("gone", "admin")
    assert (await api.client.get("/v1/runs", headers=api.auth("gone"))).status_code == 200
    assert await api.engine.revoke_token("gone")
    wrong = {"Authorization": "Bearer cf_" + "x" * 43}
    cases = {"none": {}, "wrong": wrong, "revoked": api.auth("gone"), "not bearer": {"Authorization": "Basic a2ltOng="}}
    runs_before = len(await api.engine.registry.list_runs())

    for case, headers in cases.items():
        answers = [await _call(api, method, path, run_id, headers) for run_id in (paused, MISSING)]
        for answer in answers:
            assert answer.status_code == 401, (case, answer.text)
            assert answer.headers["WWW-Authenticate"] == "Bearer"
            assert "message" in answer.json()
        assert answers[0].json() == answers[1].json()  # the same answer: nothing told about the run

    assert len(await api.engine.registry.list_runs()) == runs_before  # no upload got through
    assert (await api.engine.pending_review(paused)) is not None  # no decision got through


async def test_healthz_needs_no_token(api: Api) -> None:
    response = await api.client.get("/healthz")

    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("who", "method", "path"),
    [
        ("submitter", "GET", "/v1/reviews"),
        ("submitter", "GET", "/v1/reviews/{run}"),
        ("submitter", "POST", "/v1/reviews/{run}/decision"),
        ("reviewer", "POST", "/v1/documents"),
    ],
)
async def test_a_missing_role_is_403_whether_the_run_exists_or_not(
    api: Api, paused: str, who: str, method: str, path: str
) -> None:
    answers = [await _call(api, method, path, run_id, api.auth(who)) for run_id in (paused, MISSING)]

    assert [answer.status_code for answer in answers] == [403, 403]
    assert answers[0].json() == answers[1].json()
    assert "role" in answers[0].json()["message"]
    assert (await api.engine.pending_review(paused)) is not None


@pytest.mark.parametrize("who", ["submitter", "reviewer", "admin"])
async def test_every_role_reads_runs_and_types(api: Api, paused: str, who: str) -> None:
    for path in ("/v1/runs", f"/v1/runs/{paused}", f"/v1/runs/{paused}/events", "/v1/types", "/metrics"):
        assert (await api.client.get(path, headers=api.auth(who))).status_code == 200, path


async def test_a_reviewer_of_other_types_gets_the_answer_of_a_missing_run(api: Api, paused: str) -> None:
    await api.token("contracts-only", "reviewer", ["contract"])
    await api.token("invoices-only", "reviewer", ["invoice"])
    other, mine = api.auth("contracts-only"), api.auth("invoices-only")

    for method, path in [
        ("GET", "/v1/reviews/{run}"),
        ("POST", "/v1/reviews/{run}/decision"),
        ("GET", "/v1/runs/{run}"),
        ("GET", "/v1/runs/{run}/events"),
        ("GET", "/v1/runs/{run}/events/stream"),
        ("GET", "/v1/runs/{run}/explain"),
        ("GET", "/v1/runs/{run}/record"),
    ]:
        hidden = await _call(api, method, path, paused, other)
        missing = await _call(api, method, path, MISSING, other)
        assert hidden.status_code == missing.status_code == 404, path
        assert hidden.json()["message"] == missing.json()["message"].replace(MISSING, paused), path

    assert (await api.client.get("/v1/reviews", headers=other)).json() == []
    assert (await api.client.get("/v1/runs", headers=other)).json()["items"] == []
    assert [item["run_id"] for item in (await api.client.get("/v1/reviews", headers=mine)).json()] == [paused]
    assert (await api.client.get(f"/v1/reviews/{paused}", headers=mine)).status_code == 200
    assert (await api.engine.pending_review(paused)) is not None


async def test_tokens_are_stored_only_as_hashes(api: Api) -> None:
    token = await api.token("kim", "reviewer")
    raw = (api.engine.settings.data_dir / "claimflow.db").read_bytes()
    wal = api.engine.settings.data_dir / "claimflow.db-wal"
    raw += wal.read_bytes() if wal.exists() else b""

    assert token.encode() not in raw
    assert b"kim" in raw


async def test_the_token_is_checked_before_a_body_is_read(api: Api, paused: str) -> None:
    garbage = {"Content-Type": "multipart/form-data; boundary=x"}
    upload = await api.client.post("/v1/documents", content=b"--x\r\nnot a part", headers=garbage)
    decision = await api.client.post(f"/v1/reviews/{paused}/decision", content=b"{not json", headers=garbage)

    assert upload.status_code == 401 and decision.status_code == 401
    # With a token, the same bodies are refused for what they are.
    refused = await api.client.post(
        "/v1/documents", content=b"--x\r\nnot a part", headers=garbage | api.auth("submitter")
    )
    assert refused.status_code == 400 and refused.json()["message"]
