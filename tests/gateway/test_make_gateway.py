"""`make_gateway`: model strings and keys are checked before any document is touched."""

from __future__ import annotations

import pytest

from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway import (
    GatewayConfig,
    GatewaySetupError,
    InstructorGateway,
    RulesGateway,
    UnknownModelError,
    make_gateway,
)
from claimflow.runtime.gateway.providers import LOCAL_SERVER_KEY
from claimflow.state.claims import ClassificationClaim
from tests.fakes.openai_server import FakeModelServer, claim_reply


def test_rules_needs_no_configuration() -> None:
    assert isinstance(make_gateway("rules"), RulesGateway)


@pytest.mark.parametrize("model", ["gpt-4o-mini", "llama:8b", "replay", ""])
def test_an_unknown_backend_lists_what_is_available(model: str) -> None:
    with pytest.raises(UnknownModelError, match=r"available: rules, openai:<model>, anthropic:<model>"):
        make_gateway(model)


@pytest.mark.parametrize(
    ("model", "meant"),
    [
        ("gpt-4o", "openai:gpt-4o"),
        ("o3-mini", "openai:o3-mini"),
        ("claude-sonnet-4-5", "anthropic:claude-sonnet-4-5"),
        ("openai/gpt-4o", "openai:gpt-4o"),
        ("OpenAI:gpt-4o", "openai:gpt-4o"),
        ("rule", "rules"),
    ],
)
def test_a_providers_model_named_without_its_provider_is_suggested_with_it(model: str, meant: str) -> None:
    with pytest.raises(UnknownModelError, match=f"unknown model '{model}' \\(did you mean '{meant}'\\?\\); available"):
        make_gateway(model)


@pytest.mark.parametrize("model", ["llama3", "mistral:7b", "huggingface/llama3"])
def test_no_provider_is_guessed_for_a_name_no_provider_uses(model: str) -> None:
    with pytest.raises(UnknownModelError) as refused:
        make_gateway(model)
    assert "did you mean" not in str(refused.value)


def test_unknown_model_is_a_setup_error() -> None:
    assert issubclass(UnknownModelError, GatewaySetupError)


@pytest.mark.parametrize("model", ["openai:", "anthropic:  "])
def test_a_provider_without_a_model_name_is_a_setup_error(model: str) -> None:
    with pytest.raises(GatewaySetupError, match="names no model"):
        make_gateway(model, GatewayConfig(openai_api_key="sk", anthropic_api_key="ak"))


@pytest.mark.parametrize("base_url", [None, "https://api.openai.com/v1"])
def test_openai_without_a_key_names_the_variable(base_url: str | None) -> None:
    with pytest.raises(GatewaySetupError) as raised:
        make_gateway("openai:gpt-4o-mini", GatewayConfig(openai_base_url=base_url))

    message = str(raised.value)
    assert message.startswith("openai:gpt-4o-mini needs an API key: set OPENAI_API_KEY")
    assert "CLAIMFLOW_OPENAI_BASE_URL" in message


def test_a_base_url_that_is_not_http_is_a_setup_error() -> None:
    with pytest.raises(GatewaySetupError, match="'localhost:8000' is not an http"):
        make_gateway("openai:llama3", GatewayConfig(openai_base_url="localhost:8000"))


def test_openai_builds_an_instructor_gateway_named_after_the_model() -> None:
    gateway = make_gateway("openai:gpt-4o-mini", GatewayConfig(openai_api_key="sk-test"))

    assert isinstance(gateway, InstructorGateway)
    assert gateway.name == "openai:gpt-4o-mini"


async def test_a_local_server_needs_no_key(model_server: FakeModelServer) -> None:
    model_server.script(claim_reply({"doc_type": "unknown", "confidence": 0.2}))
    gateway = make_gateway("openai:llama3.1:8b", GatewayConfig(openai_base_url=model_server.base_url))
    assert isinstance(gateway, InstructorGateway)

    try:
        result = await gateway.complete(CLASSIFY, ModelInput(pages=("MEMO",)))
    finally:
        await gateway.aclose()

    assert result.claim == ClassificationClaim(doc_type="unknown", confidence=0.2)
    [sent] = model_server.requests
    assert sent.model == "llama3.1:8b"  # everything after the first colon is the model name
    assert sent.headers["authorization"] == f"Bearer {LOCAL_SERVER_KEY}"


async def test_a_configured_key_is_sent_to_a_local_server(model_server: FakeModelServer) -> None:
    model_server.script(claim_reply({"doc_type": "unknown", "confidence": 0.2}))
    config = GatewayConfig(openai_base_url=model_server.base_url, openai_api_key="vllm-secret")
    gateway = make_gateway("openai:qwen", config)
    assert isinstance(gateway, InstructorGateway)

    try:
        await gateway.complete(CLASSIFY, ModelInput(pages=("MEMO",)))
    finally:
        await gateway.aclose()

    assert model_server.requests[0].headers["authorization"] == "Bearer vllm-secret"
