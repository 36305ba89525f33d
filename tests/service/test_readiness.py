"""`/readyz`: a readiness probe that needs no token and answers from the run registry."""

from __future__ import annotations

from tests.service._api import Api


async def test_readyz_needs_no_token_and_is_ready_when_the_registry_answers(api: Api) -> None:
    response = await api.client.get("/readyz")

    assert response.status_code == 200 and response.json() == {"status": "ready", "message": None}


async def test_readyz_is_documented_without_security_and_with_its_503(api: Api) -> None:
    schema = (await api.client.get("/openapi.json")).json()

    route = schema["paths"]["/readyz"]["get"]
    assert "security" not in route
    assert set(route["responses"]) >= {"200", "503"}
