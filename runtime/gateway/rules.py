"""The offline `rules` backend behind the model gateway: deterministic rules, the same claim contract."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import ValidationError

from claimflow.nodes.ports import ClaimT, ModelInput, ModelResult, Usage
from claimflow.prompts import PromptSpec
from claimflow.runtime.backends import rules
from claimflow.runtime.offload import offload

READ_IN_PLACE_UP_TO = 1_000
"""Texts up to this many characters are read by claimflow's own rules in place, on the event loop.

Measured here: classifying such a text and extracting a receipt take about 1 ms each, an invoice 2.5-4.5 ms.
A thread would not free the loop sooner: the rules are Python holding the interpreter lock, which a running
thread gives up only every 5 ms (the switch interval), and the hand-off there and back costs 0.2-0.5 ms.
"""


def _claimflows(function: Callable[..., Any] | None) -> bool:
    """Whether a type's offline detector or extractor is claimflow's own code (None: the generic one, also ours)."""
    return function is None or getattr(function, "__module__", "").partition(".")[0] == "claimflow"


def _in_place_size(ours: bool, pages: Sequence[str]) -> int | None:
    """The size `offload` is told: the text's, for claimflow's own rules over a short text; else None (a thread)."""
    chars = sum(len(page) for page in pages)
    return chars if ours and chars <= READ_IN_PLACE_UP_TO else None


class RulesGateway:
    """Answers classify and extract_<type> prompts with rules over the text; no model, no network.

    Confidence is the rules' own estimate of being right, not a probability from a model.
    """

    name = "rules"

    async def complete(self, prompt: PromptSpec[ClaimT], request: ModelInput) -> ModelResult[ClaimT]:
        """Run the rule set that matches the prompt's step."""
        started = time.perf_counter()
        output: Any
        # Reading the text is CPU work: on a thread, so other runs go on meanwhile, unless it is only claimflow's
        # own rules over a short text. Users' detectors and extractors always get a thread: no text size bounds
        # their time, and the document's wall-time limit must be able to stop waiting for one that is stuck.
        if prompt.name == "classify":
            ours = all(_claimflows(doc_type.detector) for doc_type in request.types)
            output = await offload(_in_place_size(ours, request.pages), rules.classify, request.pages, request.types)
        elif prompt.name.startswith("extract_") and request.doc_type is not None:
            ours = _claimflows(request.doc_type.extractor)
            output = await offload(_in_place_size(ours, request.pages), rules.extract, request.doc_type, request.pages)
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
