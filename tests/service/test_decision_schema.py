"""`/openapi.json` tells a client how a decision clears a field: `edits: {FIELD: []}`, in words and an example.

The request's schema said only "field name to new value(s)": that no values clears an optional field, and that a
required one is refused, was written in the README alone.
"""

from __future__ import annotations

from typing import Any

from tests.service._api import Api


def _request_schema(schema: dict[str, Any], path: str, method: str) -> dict[str, Any]:
    """The JSON schema of an operation's request body, its `$ref` followed."""
    body = schema["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    found: dict[str, Any] = schema["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    return found


async def test_the_served_schema_says_that_no_values_clears_a_field(api: Api) -> None:
    answer = await api.client.get("/openapi.json")
    assert answer.status_code == 200
    decision = _request_schema(answer.json(), "/v1/reviews/{run_id}/decision", "post")
    edits = decision["properties"]["edits"]
    description = " ".join(edits["description"].split())
    assert 'No values (`{"due_date": []}`) clears the field' in description, description
    assert "a required one is refused (422) and the run stays paused" in description, description
    assert {"due_date": []} in edits["examples"], edits
    assert all(isinstance(example, dict) for example in edits["examples"])
    # The other fields say what they are too, where only their names were shown.
    assert "stale one is refused (409)" in decision["properties"]["interrupt_id"]["description"]
    assert "required for `reject`" in decision["properties"]["reason"]["description"]
