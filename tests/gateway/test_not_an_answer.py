"""A success status whose body is not the API's answer fails the call at once; it is never taken for invalid output.

A wrong base URL often reaches a server that answers 200 with a web page, an empty body or another API's JSON.
Taken for the model's output, it would be retried with "errors" the model never made and then sent to review.
"""

from __future__ import annotations

import pytest

from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY
from tests.factories import INVOICE
from tests.fakes.openai_server import FakeModelServer, Reply, claim_reply
from tests.gateway.conftest import MakeGateway

REQUEST = ModelInput(pages=INVOICE.pages)
MODELS = {"openai:fake-model": "an OpenAI chat completion", "anthropic:fake-claude": "an Anthropic message"}

NOT_ANSWERS = [
    pytest.param(Reply(text="<html><body>Open WebUI</body></html>"), "text/plain '<html><body>", id="web-page"),
    pytest.param(Reply(text=""), "an empty body", id="empty"),
    pytest.param(Reply(body={"object": "list", "data": []}), 'application/json \'{"object": ', id="other-json"),
    pytest.param(
        Reply(body={"error": {"message": "model 'x' not found"}}), "an error: \"model 'x' not found\"", id="error"
    ),
]


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize(("reply", "shown"), NOT_ANSWERS)
async def test_a_success_that_is_not_an_answer_fails_the_call_once_naming_the_base_url(
    model: str, reply: Reply, shown: str, model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(reply, reply)

    with pytest.raises(ModelUnavailableError) as raised:
        await server_gateway(model).complete(CLASSIFY, REQUEST)

    text = str(raised.value)
    assert f"the server answered HTTP 200 with {shown}" in text
    assert f", not {MODELS[model]} after 1 attempt; check that --base-url" in text
    assert raised.value.usage is not None and raised.value.usage.attempts == 1
    assert len(model_server.requests) == 1  # the same server would answer the same way: not retried


async def test_a_chat_completion_is_still_read(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(claim_reply({"doc_type": "invoice", "confidence": 0.9, "evidence": []}))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim is not None and result.claim.doc_type == "invoice"
