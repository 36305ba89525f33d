"""`/openapi.json` documents the errors the server sends: each status a route answers, with the body's shape.

FastAPI's own schema said `{"detail": [...]}` for a 422 this server answers `{"message", "errors"}`, and named no
401 or 403 where a dependency refuses the caller: a client generated from it could not read its errors.
"""

from __future__ import annotations

from typing import Any

import httpx

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
