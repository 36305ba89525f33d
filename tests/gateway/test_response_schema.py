"""A claim type's JSON schema is built once per gateway process, not on every request; what is sent is unchanged."""

from __future__ import annotations

import json
from typing import Any

import instructor
import pytest
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway.instructor_backend import _response_schema
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from tests.factories import INVOICE
from tests.fakes.openai_server import FakeModelServer, Reply, chat_completion, claim_reply
from tests.gateway.conftest import MakeGateway

VALID = ClassificationClaim.model_validate(
    {"doc_type": "invoice", "confidence": 0.93, "evidence": [{"quote": "INVOICE", "page": 1}]}
)


def _fresh_schema(model: type[BaseModel]) -> dict[str, Any]:
    """What Instructor's own wrapper of `model` gives, built now (a new wrapper: nothing cached)."""
    return instructor.openai_schema(model).model_json_schema()


@pytest.fixture
def generated(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The titles of the JSON schemas pydantic generates from here on."""
    titles: list[str] = []
    generate = GenerateJsonSchema.generate

    def counted(self: GenerateJsonSchema, schema: Any, mode: Any = "validation") -> Any:
        result = generate(self, schema, mode)
        titles.append(str(result.get("title")))
        return result

    monkeypatch.setattr(GenerateJsonSchema, "generate", counted)
    return titles


def _answer(mode: str) -> Reply:
    """The valid claim as a server answers it in `mode`: a tool call, fenced JSON, or plain JSON."""
    content = VALID.model_dump_json()
    if mode != "tools":
        return claim_reply(f"```json\n{content}\n```" if mode == "md_json" else content)
    body = chat_completion("")
    call = {"id": "call_1", "type": "function", "function": {"name": "ClassificationClaim", "arguments": content}}
    body["choices"][0]["message"] = {"role": "assistant", "content": None, "tool_calls": [call]}
    return Reply(body=body)


@pytest.mark.parametrize("mode", ["json", "json_schema", "tools", "md_json"])
async def test_requests_after_the_first_generate_no_schema_and_send_the_same_body(
    model_server: FakeModelServer, server_gateway: MakeGateway, generated: list[str], mode: str
) -> None:
    model_server.script(*(_answer(mode) for _ in range(3)))
    gateway = server_gateway(openai_mode=mode)
    request = ModelInput(pages=INVOICE.pages, types=BUILTIN_TYPES)

    await gateway.complete(CLASSIFY, request)
    generated.clear()
    for _ in range(2):
        result = await gateway.complete(CLASSIFY, request)
        assert result.claim == VALID

    assert "ClassificationClaim" not in generated
    bodies = [json.dumps(sent.body, sort_keys=True) for sent in model_server.requests]
    assert bodies[0] == bodies[1] == bodies[2]
    fresh = json.dumps(_fresh_schema(ClassificationClaim), indent=2, ensure_ascii=False)
    body = model_server.requests[0].body
    if mode == "json":
        assert fresh in body["messages"][0]["content"]  # Instructor's JSON mode spells the schema out
    if mode == "json_schema":
        assert body["response_format"]["json_schema"]["schema"] == json.loads(fresh)
    if mode == "tools":
        assert body["tools"][0]["function"]["parameters"]["properties"] == json.loads(fresh)["properties"]


def test_each_caller_gets_its_own_copy_and_the_claim_type_is_left_alone() -> None:
    wrapper = _response_schema(ExtractionClaim)
    first = wrapper.model_json_schema()
    assert first == _fresh_schema(ExtractionClaim)
    first["title"] = "edited by a caller"
    first["properties"].clear()
    assert wrapper.model_json_schema() == _fresh_schema(ExtractionClaim)
    assert wrapper.model_json_schema(mode="serialization") == instructor.openai_schema(
        ExtractionClaim
    ).model_json_schema(mode="serialization")
    assert "model_json_schema" not in vars(ExtractionClaim)  # pydantic's own, untouched


def test_a_subclass_of_the_wrapper_has_a_schema_of_its_own() -> None:
    wrapper = _response_schema(ClassificationClaim)

    class Narrower(wrapper):  # type: ignore[misc,valid-type]
        """A model built on the wrapper, as a partial or streaming model is."""

        note: str = "extra"

    assert "note" in Narrower.model_json_schema()["properties"]
    assert "note" not in wrapper.model_json_schema()["properties"]


def test_the_wrapper_is_built_without_looking_for_its_source(monkeypatch: pytest.MonkeyPatch) -> None:
    # A claim type takes its descriptions from attribute docstrings; a subclass inheriting that setting has pydantic
    # find its source through inspect.getmodule, a scan of every loaded module, on the first request's path.
    import inspect

    class Documented(BaseModel):
        """A claim type of a user's, described by docstrings."""

        model_config = {"use_attribute_docstrings": True}
        total: str
        """The grand total, as printed."""

    looked: list[object] = []
    getmodule = inspect.getmodule

    def counted(thing: object, filename: str | None = None) -> object:
        looked.append(thing)
        return getmodule(thing, filename)

    monkeypatch.setattr(inspect, "getmodule", counted)
    wrapper = _response_schema(Documented)
    assert looked == []
    monkeypatch.undo()
    assert wrapper.model_json_schema() == _fresh_schema(Documented)
    assert wrapper.model_json_schema()["properties"]["total"]["description"] == "The grand total, as printed."
    assert (wrapper.__name__, wrapper.__doc__) == ("Documented", Documented.__doc__)


def test_a_model_that_is_already_instructors_wrapper_is_used_as_it_is() -> None:
    class Own(instructor.OpenAISchema):
        """A response model a user built on Instructor's class."""

        total: str

    assert _response_schema(Own) is Own
    assert "model_json_schema" not in vars(Own)  # left alone
