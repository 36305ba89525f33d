"""Every request carries an output token cap, and every attempt ends by its deadline, whatever the server does."""

from __future__ import annotations

import dataclasses
import time

import pytest

from claimflow.doctypes import BUILTIN_TYPES, CONTRACT, INVOICE, RECEIPT
from claimflow.nodes.ports import ModelInput, ModelUnavailableError
from claimflow.prompts import CLASSIFY, extract_prompt
from claimflow.runtime.gateway import GatewayConfig, GatewaySetupError, OutputCaps, make_gateway
from claimflow.runtime.gateway.caps import CLASSIFY_CAP, MAX_CAP, MIN_CAP, derived_cap
from claimflow.runtime.gateway.instructor_backend import InstructorGateway
from claimflow.state.claims import ClassificationClaim
from claimflow.state.schema import Column, DocumentType, Field
from tests.factories import INVOICE as INVOICE_TEXT
from tests.fakes.openai_server import FakeModelServer, Reply, anthropic_message, chat_completion, claim_reply
from tests.gateway.conftest import FAST_RETRIES, MakeGateway

REQUEST = ModelInput(pages=INVOICE_TEXT.pages, types=BUILTIN_TYPES)
VALID = ClassificationClaim.model_validate(
    {"doc_type": "invoice", "confidence": 0.93, "evidence": [{"quote": "INVOICE", "page": 1}]}
)


def _type(name: str, fields: int, *, columns: int = 0) -> DocumentType:
    specs = [Field(f"field_{n}", labels=(f"Label {name} {n}",)) for n in range(fields)]
    if columns:
        specs.append(Field("rows", kind="table", columns=[Column(f"col_{n}") for n in range(columns)]))
    return DocumentType(name=name, description=f"A {name}.", fields=specs)


# the caps --------------------------------------------------------------------------------------
def test_classify_is_small_and_extraction_grows_with_the_type() -> None:
    assert derived_cap("classify", None) == CLASSIFY_CAP == 1024
    caps = {size: derived_cap(f"extract_t{size}", _type(f"t{size}", size)) for size in (1, 10, 30, 80)}
    assert caps[1] == MIN_CAP
    assert caps[1] < caps[10] < caps[30] < caps[80] == MAX_CAP
    assert derived_cap("extract_t", _type("t", 5, columns=4)) > derived_cap("extract_t", _type("t", 5))
    multiple = DocumentType(name="m", description="An m.", fields=[Field("party", multiple=True)] * 1)
    single = DocumentType(name="s", description="An s.", fields=[Field("party")])
    assert derived_cap("extract_m", multiple) >= derived_cap("extract_s", single)
    assert all(cap % 256 == 0 for cap in caps.values())


def test_the_built_in_types_get_caps_that_fit_their_claims() -> None:
    """A complete invoice claim (8 fields, five rows) measured ~1100 tokens: the cap leaves room, not a runaway."""
    invoice = derived_cap("extract_invoice", INVOICE)
    assert 4096 <= invoice <= MAX_CAP
    assert MIN_CAP <= derived_cap("extract_receipt", RECEIPT) < invoice
    assert MIN_CAP <= derived_cap("extract_contract", CONTRACT) < invoice


def test_a_step_cap_wins_over_its_kind_over_the_default_over_the_derived_one() -> None:
    caps = OutputCaps(default=3000, steps={"extract": 2000, "extract_invoice": 1500, "classify": 300})
    assert caps.for_step("extract_invoice", INVOICE) == 1500
    assert caps.for_step("extract_receipt", RECEIPT) == 2000
    assert caps.for_step("classify") == 300
    assert OutputCaps(default=3000).for_step("extract_invoice", INVOICE) == 3000
    assert OutputCaps().for_step("extract_invoice", INVOICE) == derived_cap("extract_invoice", INVOICE)
    with pytest.raises(GatewaySetupError, match="at least 1"):
        OutputCaps(steps={"classify": 0})


# what is sent ----------------------------------------------------------------------------------
async def test_every_openai_compatible_request_carries_max_tokens_for_its_step(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(claim_reply(VALID), claim_reply({"fields": [], "rows": []}))
    gateway = server_gateway()

    await gateway.complete(CLASSIFY, REQUEST)
    await gateway.complete(extract_prompt(INVOICE), ModelInput(pages=INVOICE_TEXT.pages, doc_type=INVOICE))

    classify, extract = model_server.requests
    assert classify.body["max_tokens"] == CLASSIFY_CAP
    assert extract.body["max_tokens"] == derived_cap("extract_invoice", INVOICE)
    assert "max_completion_tokens" not in classify.body


async def test_configured_caps_are_sent(model_server: FakeModelServer, server_gateway: MakeGateway) -> None:
    model_server.script(claim_reply(VALID))

    await server_gateway(output_caps=OutputCaps(steps={"classify": 333})).complete(CLASSIFY, REQUEST)

    assert model_server.requests[0].body["max_tokens"] == 333


async def test_anthropic_requests_carry_the_derived_cap(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    body = anthropic_message(VALID, tool_name="ClassificationClaim")
    model_server.script(Reply(body=body))

    await server_gateway("anthropic:fake-claude").complete(CLASSIFY, REQUEST)

    assert model_server.requests[0].body["max_tokens"] == CLASSIFY_CAP


def test_openai_s_own_api_gets_max_completion_tokens_and_other_servers_max_tokens() -> None:
    own = make_gateway("openai:gpt-4o-mini", GatewayConfig(openai_api_key="k"))
    local = make_gateway("openai:qwen", GatewayConfig(openai_base_url="http://127.0.0.1:8080/v1"))
    assert isinstance(own, InstructorGateway) and isinstance(local, InstructorGateway)
    assert (own.cap_parameter, local.cap_parameter) == ("max_completion_tokens", "max_tokens")


async def test_an_answer_cut_off_at_the_cap_is_invalid_output_with_its_raw_text(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    model_server.script(Reply(body=chat_completion('{"doc_type": "inv', finish_reason="length")))

    result = await server_gateway().complete(CLASSIFY, REQUEST)

    assert result.claim is None and "cut off at the output token limit" in result.errors[0]
    assert result.raw == '{"doc_type": "inv'


# the deadline ----------------------------------------------------------------------------------
async def test_an_endless_answer_ends_at_the_deadline_and_the_failure_says_so(
    model_server: FakeModelServer, server_gateway: MakeGateway
) -> None:
    """The server trickles a byte every 50 ms: no read ever waits 0.4 s, so only a total deadline ends it."""
    endless = Reply(body=chat_completion(VALID.model_dump_json()), endless=True, trickle_s=0.05)
    model_server.script(endless, endless)
    gateway = server_gateway(timeout_s=0.4, transport=dataclasses.replace(FAST_RETRIES, max_attempts=2))

    started = time.monotonic()
    with pytest.raises(ModelUnavailableError) as raised:
        await gateway.complete(CLASSIFY, REQUEST)
    elapsed = time.monotonic() - started

    assert str(raised.value) == "classify@3 on openai:fake-model: no answer within 0.4 s after 2 attempts"
    assert 0.8 <= elapsed < 2.5
    assert len(model_server.requests) == 2
    assert all(request.body["max_tokens"] == CLASSIFY_CAP for request in model_server.requests)
    usage = raised.value.usage
    assert usage is not None and (usage.attempts, usage.model, usage.prompt) == (2, "openai:fake-model", "classify@3")
    assert usage.latency_ms >= 800
    deadline = time.monotonic() + 2
    while model_server.abandoned < 2 and time.monotonic() < deadline:  # the connections were closed
        time.sleep(0.05)
    assert model_server.abandoned == 2
