"""`/openapi.json` documents the errors the server sends: each status a route answers, with the body's shape.

FastAPI's own schema said `{"detail": [...]}` for a 422 this server answers `{"message", "errors"}`, and named no
401 or 403 where a dependency refuses the caller: a client generated from it could not read its errors.
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.integration._docs import mismatch_invoice_text, text_pdf
from tests.service._api import Api


def _documented(schema: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """The JSON schema the OpenAPI document gives for this answer, its `$ref` followed."""
    responses = schema["paths"][path][method]["responses"]
    assert str(status) in responses, f"{method.upper()} {path} does not document {status}: {sorted(responses)}"
    body = responses[str(status)]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    found: dict[str, Any] = schema["components"]["schemas"][name]
    return found


def _conforms(answer: httpx.Response, documented: dict[str, Any]) -> None:
    body = answer.json()
    assert set(body) <= set(documented["properties"]), (body, documented)
    assert set(documented.get("required", ())) <= set(body), (body, documented)
    for name, value in body.items():
        if documented["properties"][name].get("type") == "array":
            assert isinstance(value, list) and all(isinstance(item, str) for item in value)


async def test_every_error_the_server_sends_is_documented_with_its_shape(api: Api) -> None:
    schema = (await api.client.get("/openapi.json")).json()
    paused = (await api.upload("a.txt", "not much of a document")).json()["run_id"]
    answers = [
        ("/v1/runs", "get", await api.client.get("/v1/runs?limit=0", headers=api.auth("admin")), 422),
        ("/v1/runs", "get", await api.client.get("/v1/runs"), 401),
        ("/v1/runs/{run_id}", "get", await api.client.get("/v1/runs/nope00", headers=api.auth("admin")), 404),
        ("/v1/reviews", "get", await api.client.get("/v1/reviews", headers=api.auth("submitter")), 403),
        (
            "/v1/runs/{run_id}/rerun",
            "post",
            await api.client.post(f"/v1/runs/{paused}/rerun", headers=api.auth("reviewer")),
            403,
        ),
        (
            "/v1/documents",
            "post",
            await api.client.post("/v1/documents", files={"note": (None, "x")}, headers=api.auth("reviewer")),
            403,
        ),
        (
            "/v1/documents",
            "post",
            await api.client.post("/v1/documents", data={}, files={}, headers=api.auth("submitter")),
            422,
        ),
        (
            "/v1/reviews/{run_id}/decision",
            "post",
            await api.client.post(
                f"/v1/reviews/{paused}/decision", content=b"{" + b" " * 1_000_000 + b"}", headers=api.auth("reviewer")
            ),
            413,
        ),
        (
            "/v1/documents/{run_id}/pages/{number}",
            "get",
            await api.client.get(f"/v1/documents/{paused}/pages/1", headers=api.auth("admin")),
            404,
        ),
    ]
    for path, method, answer, status in answers:
        assert answer.status_code == status, (path, answer.text)
        _conforms(answer, _documented(schema, path, method, status))


async def test_fastapis_validation_schema_is_not_in_the_document(api: Api) -> None:
    schema = (await api.client.get("/openapi.json")).json()
    assert not {"HTTPValidationError", "ValidationError"} & set(schema["components"]["schemas"])
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if operation.get("security"):
                assert "401" in operation["responses"], f"{method.upper()} {path}"


async def _rerun_twice(api: Api) -> httpx.Response:
    """The second rerun of a failed run: 409, naming the run it was run again as (`superseded_by`)."""
    failed = await api.processed("broken.pdf", b"%PDF-1.7 not really")
    assert failed["status"] == "failed", failed
    first = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun", headers=api.auth("admin"))
    assert first.status_code == 201, first.text
    again = await api.client.post(f"/v1/runs/{failed['run_id']}/rerun", headers=api.auth("admin"))
    assert again.json()["superseded_by"] == first.json()["run_id"], again.text
    return again


async def test_answers_beyond_a_routes_own_checks_are_documented_and_none_it_never_sends(api: Api) -> None:
    # `/v1/types?x=1` and `/healthz?x=%01` answered a 422 their operations did not document; a page image's 401 and
    # 304 were not documented; the run list, the queue and rerun-failed documented a 404 they never send; a rerun's
    # 409 documented a body of `message` alone, and came with `superseded_by`.
    schema = (await api.client.get("/openapi.json")).json()
    run_id = (await api.upload("invoice.pdf", text_pdf(mismatch_invoice_text()))).json()["run_id"]
    assert (await api.settled(run_id))["status"] == "needs_review"
    page = f"/v1/documents/{run_id}/pages/1"
    image = await api.client.get(page, headers=api.auth("reviewer"))
    assert image.status_code == 200
    pages = "/v1/documents/{run_id}/pages/{number}"
    answers = [
        ("/v1/types", "get", await api.client.get("/v1/types?x=1", headers=api.auth("admin")), 422),
        ("/healthz", "get", await api.client.get("/healthz?x=%01"), 422),
        ("/metrics", "get", await api.client.get("/metrics?x=%01", headers=api.auth("admin")), 422),
        (pages, "get", await api.client.get(page), 401),
        (pages, "get", await api.client.get(f"/v1/documents/{run_id}/pages/0", headers=api.auth("admin")), 422),
        ("/v1/runs/{run_id}/rerun", "post", await _rerun_twice(api), 409),
    ]
    for path, method, answer, status in answers:
        assert answer.status_code == status, (path, answer.text)
        _conforms(answer, _documented(schema, path, method, status))
    held = await api.client.get(page, headers=api.auth("reviewer") | {"If-None-Match": image.headers["etag"]})
    assert held.status_code == 304 and "304" in schema["paths"][pages]["get"]["responses"]

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            # A 404 only where a path names a run (or a page), or the body does (runs erased together); every route
            # may be refused as a whole.
            names_a_run = "{" in path or path == "/v1/runs/erase"
            assert ("404" in operation["responses"]) == names_a_run, f"{method.upper()} {path}"
            assert "422" in operation["responses"], f"{method.upper()} {path}"
            if path.startswith("/v1/"):
                assert {"401", "503"} <= set(operation["responses"]), f"{method.upper()} {path}"
