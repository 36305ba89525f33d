"""The Anthropic gateway against the scripted server's `/v1/messages`: tool-calling mode, same policy."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pytest
from pydantic import BaseModel

from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway import GatewayConfig, GatewaySetupError, OutputCaps, make_gateway
from claimflow.state.claims import ClassificationClaim
from tests.factories import INVOICE
from tests.fakes.openai_server import FakeModelServer, Reply, anthropic_message, error_reply
from tests.gateway.conftest import MakeGateway

REQUEST = ModelInput(pages=INVOICE.pages, feedback=("doc_type: Field required",))
VALID = ClassificationClaim.model_validate(
    {"doc_type": "invoice", "confidence": 0.9, "evidence": [{"quote": "INVOICE"}]}
)


def tool_reply(payload: BaseModel | Mapping[str, Any], **usage: int) -> Reply:
    return Reply(body=anthropic_message(payload, tool_name="ClassificationClaim", model="fake-claude", **usage))


async def test_a_tool_call_comes_back_as_the_claim_with_usage(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(tool_reply(VALID, input_tokens=900, output_tokens=100))

    result = await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.raw is not None and json.loads(result.raw) == VALID.model_dump(mode="json")
    usage = result.usage
    assert (usage.model, usage.input_tokens, usage.output_tokens, usage.attempts) == (
        "anthropic:fake-claude",
        900,
        100,
        1,
    )
    assert usage.cost == pytest.approx((900 * 3 + 100 * 15) / 1_000_000)  # priced by bare model name


async def test_the_request_is_a_forced_tool_call_with_system_pages_feedback_and_max_tokens(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(tool_reply(VALID))

    await server_gateway("anthropic:fake-claude", output_caps=OutputCaps(default=1234)).complete(CLASSIFY, REQUEST)

    [sent] = model_server.requests
    assert sent.path == "/v1/messages"
    # The header carrying the key differs between SDK versions (x-api-key, or a bearer token).
    assert "test-anthropic-key" in sent.headers.get("x-api-key", "") + sent.headers.get("authorization", "")
    assert (sent.model, sent.body["max_tokens"]) == ("fake-claude", 1234)
    assert sent.body["tool_choice"]["name"] == "ClassificationClaim"
    assert sent.text_of("system") == CLASSIFY.system
    user = sent.text_of("user")
    assert "--- page 1 ---" in user
    assert "Your previous answer was invalid:\n- doc_type: Field required" in user


async def test_invalid_tool_input_is_named_with_its_field(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(tool_reply({"doc_type": "invoice", "confidence": 7}))

    result = await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)

    assert result.claim is None
    assert result.errors == ["confidence: Input should be less than or equal to 1 (got 7)"]


async def test_an_answer_without_the_tool_call_is_invalid(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    body = anthropic_message(VALID, tool_name="ClassificationClaim")
    body["content"] = [{"type": "text", "text": "I think it is an invoice."}]
    body["stop_reason"] = "end_turn"
    model_server.script(Reply(body=body))

    result = await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)

    assert result.claim is None
    assert result.errors[0].startswith("the answer does not contain exactly one ClassificationClaim object")


async def test_overloaded_is_retried(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(error_reply(529, "Overloaded"), tool_reply(VALID))

    result = await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.usage.attempts == 2


async def test_repeated_failures_fail_the_step(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(*[error_reply(500, "Internal server error")] * 4)

    with pytest.raises(
        ModelUnavailableError, match=r"^classify@3 on anthropic:fake-claude: HTTP 500 .* after 4 attempts$"
    ):
        await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)


def test_a_missing_key_is_a_setup_error_naming_the_variable() -> None:
    with pytest.raises(GatewaySetupError, match="anthropic:claude-haiku-4-5 needs an API key: set ANTHROPIC_API_KEY"):
        make_gateway("anthropic:claude-haiku-4-5", GatewayConfig(openai_api_key="sk-only-openai"))
