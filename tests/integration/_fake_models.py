"""A scripted in-process model provider for engine tests (the HTTP-level fakes live in tests/fakes)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from claimflow.nodes.ports import ModelInput, ModelResult, Usage
from claimflow.prompts import PromptSpec
from claimflow.runtime.backends import rules

Answer = Callable[[ModelInput], Any]


class ScriptedGateway:
    """Answers each prompt with a scripted claim (or the rules backend's), counting calls in flight."""

    def __init__(
        self,
        name: str,
        answers: dict[str, Answer] | None = None,
        *,
        delay_s: float = 0.0,
        tokens: tuple[int, int] = (100, 20),
        cost: float = 0.01,
    ) -> None:
        self.name = name
        self.answers = answers or {}
        self.delay_s = delay_s
        self.tokens = tokens
        self.cost = cost
        self.calls: list[str] = []
        self.in_flight = 0
        self.max_in_flight = 0

    async def complete(self, prompt: PromptSpec[Any], request: ModelInput) -> ModelResult[Any]:
        self.calls.append(prompt.name)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await asyncio.sleep(self.delay_s)
        finally:
            self.in_flight -= 1
        answer = self.answers.get(prompt.name)
        if answer is not None:
            claim = answer(request)
        elif prompt.name == "classify":
            claim = rules.classify(request.pages, request.types)
        else:
            assert request.doc_type is not None
            claim = rules.extract(request.doc_type, request.pages)
        usage = Usage(
            model=self.name,
            prompt=prompt.ref,
            prompt_hash=prompt.content_hash,
            input_tokens=self.tokens[0],
            output_tokens=self.tokens[1],
            cost=self.cost,
            latency_ms=self.delay_s * 1000,
        )
        return ModelResult(claim=prompt.response_model.model_validate(claim.model_dump()), usage=usage)


class FailingGateway:
    """Raises the given error for every call, as a provider that cannot be reached would."""

    def __init__(self, error: Exception, name: str = "openai:flaky") -> None:
        self.error = error
        self.name = name

    async def complete(self, prompt: PromptSpec[Any], request: ModelInput) -> ModelResult[Any]:
        raise self.error


class StallingGateway(ScriptedGateway):
    """The rules backend, except that its first call once `armed` never answers: a slow model its caller gives up on.

    `stalled` is set when that call begins.
    """

    def __init__(self, *, armed: bool = True) -> None:
        super().__init__("rules")
        self.armed = armed
        self.stalled = asyncio.Event()

    async def complete(self, prompt: PromptSpec[Any], request: ModelInput) -> ModelResult[Any]:
        if self.armed and not self.stalled.is_set():
            self.stalled.set()
            await asyncio.Event().wait()
        return await super().complete(prompt, request)
