"""The offline `rules` backend behind the model gateway: deterministic rules, the same claim contract."""

from __future__ import annotations

import time
from typing import Any

from pydantic import ValidationError

from claimflow.nodes.ports import ClaimT, ModelInput, ModelResult, Usage
from claimflow.prompts import PromptSpec
from claimflow.runtime.backends import rules
from claimflow.runtime.offload import off_loop


class RulesGateway:
    """Answers classify and extract_<type> prompts with rules over the text; no model, no network.

    Confidence is the rules' own estimate of being right, not a probability from a model.
    """

    name = "rules"

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Run the rule set that matches the prompt's step."""
        started = time.perf_counter()
        output: Any
        # Reading the whole text is CPU work: off the event loop, so other runs go on meanwhile.
        if prompt.name == "classify":
            output = await off_loop(rules.classify, request.pages, request.types)
        elif prompt.name.startswith("extract_") and request.doc_type is not None:
            output = await off_loop(rules.extract, request.doc_type, request.pages)
        else:
            raise ValueError(f"the rules backend has no rules for prompt {prompt.ref}")
        errors: list[str] = []
        claim: ClaimT | None
        try:
            # Same contract as a model: the output must validate as the prompt's response model.
            claim = prompt.response_model.model_validate(output.model_dump())
        except ValidationError as error:
            claim, errors = None, [str(item["msg"]) for item in error.errors()]
        usage = Usage(
            model=self.name,
            prompt=prompt.ref,
            prompt_hash=prompt.content_hash,
            latency_ms=round((time.perf_counter() - started) * 1000, 3),
            validation_errors=errors,
        )
        return ModelResult(claim=claim, usage=usage, errors=errors)
