"""A server that refuses a parameter is answered once: no retries, and the failure says which setting to change.

Local servers report a `response_format` or `tools` they do not support in many ways, some as a 500 (the
llama.cpp server's own answer to `json_schema`): none of them is transient.
"""

from __future__ import annotations

import pytest

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway._transport import refuses_a_parameter
from tests.factories import INVOICE
from tests.fakes.openai_server import FakeModelServer, error_reply
from tests.gateway.conftest import MakeGateway

REQUEST = ModelInput(pages=INVOICE.pages, types=BUILTIN_TYPES)


@pytest.mark.parametrize(
    ("status", "message", "mode", "suggested"),
    [
        (500, "response_format type json_schema is not supported", "json_schema", "set CLAIMFLOW_OPENAI_MODE to json"),
        (500, "Unsupported value: 'response_format.type' json_object", "json", "set CLAIMFLOW_OPENAI_MODE to md_json"),
        (400, "'response_format.type' must be 'json_schema' or 'text'", "json", "CLAIMFLOW_OPENAI_MODE to md_json"),
        (400, "tools are not supported by this model", "tools", "set CLAIMFLOW_OPENAI_MODE to json"),
        (422, "Unsupported parameter: 'max_tokens' is not supported with this model.", "json", "md_json"),
    ],
)
async def test_a_refused_parameter_is_sent_once_and_names_the_mode_to_use(
    model_server: FakeModelServer,
    server_gateway: MakeGateway,
    status: int,
    message: str,
    mode: str,
    suggested: str,
) -> None:
    model_server.script(*[error_reply(status, message)] * 4)

    with pytest.raises(ModelUnavailableError) as raised:
        await server_gateway(openai_mode=mode).complete(CLASSIFY, REQUEST)

    assert len(model_server.requests) == 1
    text = str(raised.value)
    assert text.startswith(f"classify@3 on openai:fake-model: HTTP {status} ({message}) after 1 attempt; ")
    assert f"CLAIMFLOW_OPENAI_MODE={mode} sends" in text and "not retried" in text
    assert suggested in text and "modes: json|json_schema|tools|md_json" in text
    assert raised.value.usage is not None and raised.value.usage.attempts == 1


async def test_an_anthropic_refusal_is_not_retried_either(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(*[error_reply(500, "tool_choice is not supported")] * 4)

    with pytest.raises(ModelUnavailableError, match=r"after 1 attempt; the server refused a parameter") as raised:
        await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)

    assert len(model_server.requests) == 1
    assert "CLAIMFLOW_OPENAI_MODE" not in str(raised.value)


async def test_an_ordinary_server_error_is_still_retried(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(*[error_reply(500, "CUDA out of memory")] * 4)

    with pytest.raises(ModelUnavailableError, match=r"HTTP 500 \(CUDA out of memory\) after 4 attempts$"):
        await server_gateway().complete(CLASSIFY, REQUEST)

    assert len(model_server.requests) == 4


@pytest.mark.parametrize(
    ("message", "refused"),
    [
        ("response_format json_schema is unsupported", True),
        ("Unrecognized request argument supplied: tools", True),
        ("got an unexpected keyword argument 'response_format'", True),
        ("Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model.", True),
        ("upstream exploded", False),
        ("rate limit reached (scripted)", False),
        ("The server is overloaded; tools will be back shortly", False),
        ("model is loading", False),
    ],
)
def test_what_counts_as_a_refused_parameter(message: str, refused: bool) -> None:
    assert refuses_a_parameter(message) is refused
