"""The OpenAI-compatible gateway over real HTTP against the scripted server: every case follows the policy.

Invalid output comes back as errors after one request (the graph, not the gateway, retries it); transport
failures are retried as the transport policy says and then fail the step with a clear reason.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time

import pytest

from claimflow.doctypes import BUILTIN_TYPES, RECEIPT
from claimflow.doctypes import INVOICE as INVOICE_TYPE
from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.runtime.gateway._transport import as_transport_failure
from claimflow.state.apply import apply_classification
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.errors import UnknownDocumentTypeError
from claimflow.state.schema import DocumentTypes
from tests.factories import INVOICE
from tests.fakes.openai_server import (
    FakeModelServer,
    Reply,
    chat_completion,
    claim_reply,
    document_run_replies,
    error_reply,
    rate_limited,
    shown_pages,
)
from tests.fakes.tcp_proxy import closed_port
from tests.gateway.conftest import FAST_RETRIES, MakeGateway

FAST_RETRIES_TWO = dataclasses.replace(FAST_RETRIES, max_attempts=2)
PAGES = INVOICE.pages
REQUEST = ModelInput(pages=PAGES, types=BUILTIN_TYPES)
EXTRACT_INVOICE = extract_prompt(INVOICE_TYPE)
VALID = ClassificationClaim.model_validate(
    {"doc_type": "invoice", "confidence": 0.93, "evidence": [{"quote": "INVOICE", "page": 1}]}
)


async def test_a_valid_claim_comes_back_with_tokens_cost_and_one_attempt(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(claim_reply(VALID, prompt_tokens=1200, completion_tokens=300))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert type(result.claim) is ClassificationClaim
    assert result.claim == VALID
    assert result.errors == []
    usage = result.usage
    assert (usage.model, usage.prompt, usage.prompt_hash) == ("openai:fake-model", "classify@3", CLASSIFY.content_hash)
    assert (usage.input_tokens, usage.output_tokens, usage.attempts) == (1200, 300, 1)
    assert usage.cost == pytest.approx((1200 * 2.0 + 300 * 8.0) / 1_000_000)
    assert usage.latency_ms > 0


async def test_a_server_reporting_no_usage_has_its_tokens_estimated_and_priced(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    # Without usage, token and cost budgets would never be spent by this server's calls.
    body = chat_completion(VALID.model_dump_json())
    del body["usage"]
    model_server.script(Reply(body=body))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    usage = result.usage
    assert usage.tokens_estimated
    sent = model_server.requests[0]
    sent_chars = len(sent.text_of("system")) + len(sent.text_of("user"))
    assert sent_chars // 8 < usage.input_tokens < sent_chars  # about four characters a token
    assert usage.output_tokens == -(-len(VALID.model_dump_json()) // 4)
    assert usage.cost == pytest.approx((usage.input_tokens * 2.0 + usage.output_tokens * 8.0) / 1_000_000)


async def test_reported_usage_is_not_estimated(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(claim_reply(VALID, prompt_tokens=7, completion_tokens=3))
    usage = (await server_gateway().complete(CLASSIFY, REQUEST)).usage
    assert (usage.input_tokens, usage.output_tokens, usage.tokens_estimated) == (7, 3, False)


async def test_the_request_carries_model_key_prompt_pages_and_json_mode(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(claim_reply(VALID))

    await server_gateway().complete(CLASSIFY, REQUEST)

    [sent] = model_server.requests
    assert sent.path == "/v1/chat/completions"
    assert sent.model == "fake-model"
    assert sent.headers["authorization"] == "Bearer test-key"
    assert sent.body["response_format"] == {"type": "json_object"}
    assert sent.text_of("system").startswith(CLASSIFY.system)
    assert '"ClassificationClaim"' in sent.text_of("system")  # Instructor adds the schema
    user = sent.text_of("user")
    assert user.startswith("Document types:\n- invoice: A bill from a seller")  # the active types, in order
    assert "\n- receipt: " in user and "\n- contract: " in user and "\n- unknown: none of the above\n" in user
    assert "--- page 1 ---\nACME Tools GmbH" in user
    assert "--- page 2 ---\nItem" in user
    assert "previous answer was invalid" not in user


async def test_a_retry_sends_the_validation_errors_back(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(claim_reply(VALID))
    feedback = ("confidence: Input should be less than or equal to 1 (got 7)",)

    await server_gateway().complete(CLASSIFY, ModelInput(pages=PAGES, types=BUILTIN_TYPES, feedback=feedback))

    user = model_server.requests[0].text_of("user")
    assert "Your previous answer was invalid:\n- confidence: Input should be less than or equal to 1 (got 7)" in user


async def test_malformed_json_is_an_invalid_answer_not_a_reask(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(claim_reply('{"doc_type": "invoice", confidence: 0.9', completion_tokens=12))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim is None
    assert result.raw == '{"doc_type": "invoice", confidence: 0.9'
    assert len(result.errors) == 1
    assert result.errors[0].startswith("the answer is not valid JSON (")
    assert result.usage.validation_errors == result.errors
    assert (result.usage.output_tokens, result.usage.attempts) == (12, 1)
    assert len(model_server.requests) == 1  # the gateway never re-asks; the graph does, with the errors


async def test_json_in_a_bare_code_fence_is_read(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    """Some local models fence JSON even in JSON mode: the fence alone is not an error."""
    fenced = f"```json\n{VALID.model_dump_json(indent=2)}\n```"
    model_server.script(claim_reply(fenced))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.errors == []
    assert result.raw == fenced  # the answer as received, fence and all


async def test_an_answer_given_as_a_single_tool_call_is_read(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    """Some OpenAI-compatible servers answer JSON mode with one tool call and no content."""
    body = chat_completion("")
    body["choices"][0]["message"] = {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "answer", "arguments": VALID.model_dump_json()}}
        ],
    }
    model_server.script(Reply(body=body))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.errors == []
    assert result.raw == VALID.model_dump_json()


async def test_a_fenced_answer_is_still_validated(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(claim_reply('```\n{"doc_type": "invoice", "confidence": 1.5}\n```'))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.errors == ["confidence: Input should be less than or equal to 1 (got 1.5)"]


async def test_prose_around_the_json_is_invalid(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(claim_reply(f"Here is the answer:\n```json\n{VALID.model_dump_json()}\n```"))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim is None
    assert result.errors[0].startswith("the answer is not valid JSON (")


async def test_a_value_out_of_range_is_named_with_its_field(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(claim_reply({"doc_type": "invoice", "confidence": 7, "evidence": []}))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim is None
    assert result.errors == ["confidence: Input should be less than or equal to 1 (got 7)"]
    assert len(model_server.requests) == 1


async def test_missing_and_unknown_fields_are_named_with_their_paths(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    answer = {
        "fields": [{"field": "total_amount", "value": "160.65", "confidence": 0.9}],
        "totals": "160.65",
    }
    model_server.script(claim_reply(answer))
    request = ModelInput(pages=PAGES, doc_type=INVOICE_TYPE)

    result = await server_gateway().complete(EXTRACT_INVOICE, request)

    assert result.claim is None
    assert result.errors == [
        "fields.0.evidence: Field required",
        "totals: Extra inputs are not permitted (got '160.65')",
    ]


async def test_a_type_outside_the_active_types_is_returned_as_claimed_and_apply_rejects_it(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    """The types are data now, not a Literal in the schema: apply, which knows the active ones, refuses it."""
    answer = {"doc_type": "purchase order", "confidence": 0.9, "evidence": [{"quote": "INVOICE", "page": 1}]}
    model_server.script(claim_reply(answer))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.errors == []
    assert result.claim is not None and result.claim.doc_type == "purchase order"
    patch = apply_classification(
        result.claim, INVOICE, types=DocumentTypes(BUILTIN_TYPES), step="classify", claim_id="c"
    )
    assert patch.classification is not None and not patch.classification.accepted
    assert patch.classification.reasons == [
        "type 'purchase order' is not one of the active types: invoice, receipt, contract"
    ]


async def test_an_answer_cut_off_at_the_token_limit_is_invalid(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(Reply(body=chat_completion('{"doc_type": "inv', finish_reason="length")))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim is None
    assert "cut off at the output token limit" in result.errors[0]


async def test_a_quote_that_is_not_in_the_document_is_returned_as_claimed(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    """The gateway does not check evidence: apply does, and rejects it there (never fixed up here)."""
    answer = {"doc_type": "invoice", "confidence": 0.99, "evidence": [{"quote": "PURCHASE ORDER 77", "page": 1}]}
    model_server.script(claim_reply(answer))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.errors == []
    assert result.claim is not None
    assert result.claim.evidence[0].quote == "PURCHASE ORDER 77"
    assert "PURCHASE ORDER 77" not in "".join(PAGES)


async def test_429_with_retry_after_waits_as_asked_then_succeeds(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(rate_limited(retry_after=0.3), claim_reply(VALID))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.usage.attempts == 2
    first, second = model_server.requests
    assert second.at - first.at >= 0.3
    assert result.usage.latency_ms >= 300


async def test_server_errors_back_off_and_recover(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(error_reply(503), error_reply(502), claim_reply(VALID))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.usage.attempts == 3


async def test_repeated_500s_fail_the_step_after_max_attempts(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(*[error_reply(500, "upstream exploded")] * 4)

    with pytest.raises(ModelUnavailableError) as raised:
        await server_gateway().complete(CLASSIFY, REQUEST)

    assert str(raised.value) == "classify@3 on openai:fake-model: HTTP 500 (upstream exploded) after 4 attempts"
    assert len(model_server.requests) == 4


async def test_a_retry_after_beyond_the_policy_fails_at_once(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(rate_limited(retry_after=120))

    with pytest.raises(ModelUnavailableError, match=r"asked to wait 120 s, over the 1 s allowed after 1 attempt$"):
        await server_gateway().complete(CLASSIFY, REQUEST)

    assert len(model_server.requests) == 1


async def test_a_client_error_is_not_retried(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(error_reply(403, "not allowed"))

    with pytest.raises(ModelUnavailableError, match=r"HTTP 403 \(not allowed\) after 1 attempt$") as raised:
        await server_gateway().complete(CLASSIFY, REQUEST)

    assert not raised.value.key_refused
    assert len(model_server.requests) == 1


@pytest.mark.parametrize(
    ("model", "setting"), [("openai:fake-model", "OPENAI_API_KEY"), ("anthropic:fake-claude", "ANTHROPIC_API_KEY")]
)
async def test_a_refused_key_is_not_retried_and_names_the_setting_that_holds_it(
    model_server: FakeModelServer, server_gateway: MakeGateway, model: str, setting: str
) -> None:
    model_server.script(error_reply(401, "invalid api key"))

    with pytest.raises(ModelUnavailableError) as raised:
        await server_gateway(model).complete(CLASSIFY, REQUEST)

    assert str(raised.value).endswith(
        f"HTTP 401 (invalid api key) after 1 attempt; check {setting} (the provider's key)"
    )
    assert raised.value.key_refused
    assert len(model_server.requests) == 1


async def test_slow_answers_time_out_are_retried_then_fail(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(*[Reply(body=chat_completion(VALID.model_dump_json()), delay_s=2.0)] * 2)
    gateway = server_gateway(timeout_s=0.2, transport=FAST_RETRIES_TWO)

    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as raised:
        await gateway.complete(CLASSIFY, REQUEST)
    waited = time.monotonic() - started

    assert str(raised.value) == "classify@3 on openai:fake-model: no answer within 0.2 s after 2 attempts"
    assert waited < 1.5  # the client gave up; it did not wait for the slow answers
    # The client gave up on its second request within 0.2 s: on a busy machine the server may read it a moment later.
    deadline = time.monotonic() + 5
    while len(model_server.requests) < 2 and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert len(model_server.requests) == 2


async def test_a_slow_answer_then_a_fast_one_succeeds(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(Reply(body=chat_completion(VALID.model_dump_json()), delay_s=2.0), claim_reply(VALID))

    result = await server_gateway(timeout_s=0.2).complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    assert result.usage.attempts == 2


async def test_an_unreachable_server_is_retried_then_fails(server_gateway: MakeGateway) -> None:
    gateway = server_gateway(openai_base_url=f"http://127.0.0.1:{closed_port()}/v1", transport=FAST_RETRIES_TWO)

    with pytest.raises(ModelUnavailableError, match=r"could not connect.* after 2 attempts$"):
        await gateway.complete(CLASSIFY, REQUEST)


@pytest.mark.parametrize("model", ["openai:fake-model", "anthropic:fake-claude"])
async def test_a_server_that_hangs_up_mid_answer_is_retried_and_named_as_a_broken_connection(
    model: str, model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    cut = Reply(body=chat_completion(VALID.model_dump_json()), hang_up=True)
    model_server.script(cut, cut)

    with pytest.raises(ModelUnavailableError) as raised:
        await server_gateway(model, transport=FAST_RETRIES_TWO).complete(CLASSIFY, REQUEST)

    text = str(raised.value)
    assert f"the connection to {model_server.base_url}/" in text and " broke before the answer: " in text
    assert "could not connect" not in text  # it connected: the server hung up
    assert "peer closed connection without sending complete message body" in text and text.endswith(" after 2 attempts")
    assert len(model_server.requests) == 2


def test_a_reset_connection_is_named_by_the_first_error_in_its_chain_that_says_something() -> None:
    import httpx2
    import openai

    url = "http://127.0.0.1:9/v1/chat/completions"
    reset = httpx2.ReadError("")  # what the HTTP client raises on a reset: an empty message
    reset.__cause__ = ConnectionResetError(104, "Connection reset by peer")
    error = openai.APIConnectionError(request=httpx2.Request("POST", url))
    error.__cause__ = reset

    failure = as_transport_failure(error, FAST_RETRIES, 5.0)

    assert failure is not None and failure.retryable
    assert failure.what == f"the connection to {url} broke before the answer: [Errno 104] Connection reset by peer"


async def test_a_scripted_document_run_answers_classify_then_extract(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(*document_run_replies())
    gateway = server_gateway()

    classified = await gateway.complete(CLASSIFY, REQUEST)
    assert classified.claim is not None and classified.claim.doc_type == "invoice"
    request = ModelInput(pages=PAGES, doc_type=INVOICE_TYPE)
    extracted = await gateway.complete(EXTRACT_INVOICE, request)

    assert isinstance(extracted.claim, ExtractionClaim)
    assert {claim.field for claim in extracted.claim.fields} >= {"invoice_number", "total_amount"}
    assert model_server.requests[1].text_of("user").startswith("Fields:\n- vendor_name (text, required)")
    assert model_server.pending == 0 and model_server.unscripted == 0
    assert shown_pages(model_server.requests[1]) == PAGES


async def test_a_scripted_document_run_can_force_an_active_type_and_refuses_another(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    with pytest.raises(UnknownDocumentTypeError, match="unknown document type 'memo'; active: invoice, receipt"):
        document_run_replies("memo")
    model_server.script(*document_run_replies("receipt"))
    gateway = server_gateway()

    classified = await gateway.complete(CLASSIFY, REQUEST)
    assert classified.claim is not None and classified.claim.doc_type == "receipt"
    extracted = await gateway.complete(extract_prompt(RECEIPT), ModelInput(pages=PAGES, doc_type=RECEIPT))

    assert isinstance(extracted.claim, ExtractionClaim) and extracted.claim.rows == []
    assert "vendor_address" in {claim.field for claim in extracted.claim.fields}  # a receipt's field, read as one
    assert model_server.pending == 0 and model_server.unscripted == 0


@pytest.mark.parametrize(
    ("mode", "response_format"),
    [("json", "json_object"), ("json_schema", "json_schema"), ("md_json", None)],
)
async def test_the_openai_mode_decides_how_the_schema_is_asked_for(
    model_server: FakeModelServer, server_gateway: MakeGateway, mode: str, response_format: str | None
) -> None:
    content = VALID.model_dump_json()
    model_server.script(claim_reply(f"```json\n{content}\n```" if mode == "md_json" else content))

    result = await server_gateway(openai_mode=mode).complete(CLASSIFY, REQUEST)

    assert result.claim == VALID
    sent = model_server.requests[0].body.get("response_format")
    assert (sent or {}).get("type") == response_format
