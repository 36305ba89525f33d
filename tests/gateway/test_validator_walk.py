"""Instructor's search for async validators runs once per claim type, not five times on every request."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

import pytest
from instructor.v2.validation import async_validators
from pydantic import BaseModel

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY
from claimflow.runtime.gateway._validator_walk import walk_once
from claimflow.state.claims import ClassificationClaim
from tests.factories import INVOICE
from tests.fakes.openai_server import FakeModelServer, claim_reply
from tests.gateway.conftest import MakeGateway

VALID = ClassificationClaim.model_validate(
    {"doc_type": "invoice", "confidence": 0.93, "evidence": [{"quote": "INVOICE", "page": 1}]}
)


class _CountsLookups:
    """A class attribute that counts how often the walk asks it whether it is an async validator."""

    asked = 0

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__async_"):
            type(self).asked += 1
        raise AttributeError(name)


class Counted(BaseModel):
    """A response model whose every walk is seen."""

    marker: ClassVar[_CountsLookups] = _CountsLookups()
    total: str = ""


class AsyncChecked(BaseModel):
    """A response model with an Instructor async validator, which Instructor's runtime does not run."""

    total: str = ""

    @async_validators.async_field_validator("total")
    async def total_is_known(self, value: str) -> str:
        return value


@pytest.fixture
def walked(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The classes Instructor's own check walks from here on (after `walk_once` is in place)."""
    walk_once()
    remembering = async_validators.reject_async_validators
    seen: list[Any] = []
    original = remembering.walk  # type: ignore[attr-defined]

    def counted(response_model: Any) -> None:
        seen.append(response_model)
        original(response_model)

    monkeypatch.setattr(remembering, "walk", counted)
    monkeypatch.setattr(remembering, "passed", type(remembering.passed)())  # type: ignore[attr-defined]
    return seen


async def test_requests_walk_the_claim_type_once(
    model_server: FakeModelServer, server_gateway: MakeGateway, walked: list[Any]
) -> None:
    model_server.script(*(claim_reply(VALID) for _ in range(3)))
    gateway = server_gateway()
    request = ModelInput(pages=INVOICE.pages, types=BUILTIN_TYPES)

    for _ in range(3):
        assert (await gateway.complete(CLASSIFY, request)).claim == VALID

    assert len(model_server.requests) == 3
    classes = [model for model in walked if isinstance(model, type)]
    assert classes, "Instructor no longer checks response models: this module has nothing left to do"
    assert len(classes) == len(set(classes))


async def test_no_caller_in_instructor_walks_a_class_again(
    model_server: FakeModelServer, server_gateway: MakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Counted by the walk itself, whichever of Instructor's callers runs it: through the replacement or not.
    monkeypatch.setattr(ClassificationClaim, "walk_marker", _CountsLookups(), raising=False)
    model_server.script(*(claim_reply(VALID) for _ in range(3)))
    gateway = server_gateway()
    remembering = async_validators.reject_async_validators
    monkeypatch.setattr(remembering, "passed", type(remembering.passed)())  # type: ignore[attr-defined]
    request = ModelInput(pages=INVOICE.pages, types=BUILTIN_TYPES)
    before = _CountsLookups.asked

    for _ in range(3):
        assert (await gateway.complete(CLASSIFY, request)).claim == VALID

    assert len(model_server.requests) == 3
    assert _CountsLookups.asked - before == 2  # one walk: the two markers it asks every attribute for


def test_a_class_that_passed_is_not_walked_again() -> None:
    walk_once()
    walk_once()  # once in place, it stays as it is
    before = _CountsLookups.asked

    for _ in range(3):
        async_validators.reject_async_validators(Counted)

    assert _CountsLookups.asked - before == 2  # one walk: the two markers it asks every attribute for


def test_a_model_with_async_validators_is_refused_every_time() -> None:
    walk_once()
    for _ in range(2):
        with pytest.raises(ValueError, match="total_is_known"):
            async_validators.reject_async_validators(AsyncChecked)
    with pytest.raises(ValueError, match="total_is_known"):
        async_validators.reject_async_validators(Iterable[AsyncChecked])  # not a class: walked as before
