"""What a model is asked at one step of a document type: the messages, the claim's schema, the output cap, the hashes.

Built from the pieces a model call is built from, so what `claimflow types prompt` prints is what is sent: the
prompt spec the node picks (`CLASSIFY`, `extract_prompt`), the request the node makes of it (`ModelInput`), the
messages and hashes a recording keeps (`Question.of`, over `render_messages`) and the cap the gateway puts on
the answer (`OutputCaps.for_step`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from claimflow.nodes.ports import ModelInput
from claimflow.prompts import CLASSIFY, PromptSpec, extract_prompt
from claimflow.runtime.gateway._exchange import Question
from claimflow.runtime.gateway.caps import OutputCaps
from claimflow.runtime.gateway.render import schema_json
from claimflow.state.schema import DocumentType, DocumentTypes

Step = Literal["classify", "extract"]
STEPS: tuple[Step, ...] = ("classify", "extract")
"""The model steps of a document type: the classification that chooses among the active types, its extraction."""

PAGE_PLACEHOLDER = "{page 1's masked text; each further page follows after a form feed and its own --- page N --- line}"
"""The document's text where no document is given: its one page marker is the first a real document gets."""


@dataclass(frozen=True)
class StepPrompt:
    """One step's call as the gateway makes it, for a given document or the placeholder."""

    step: Step
    doc_type: str
    question: Question
    """The rendered system and user messages, the prompt's `name@version` and the hashes a recording names."""
    schema: str
    """The JSON schema of the claim the answer must be (sorted keys), as the prompt's content hash covers it."""
    max_output_tokens: int
    """The output token cap the request carries."""

    def as_json(self, document: str | None) -> dict[str, Any]:
        """The JSON shape `claimflow types prompt --json` prints; `input_hash` only for a real document."""
        question = self.question
        return {
            "type": self.doc_type,
            "step": self.step,
            "prompt": question.prompt,
            "prompt_hash": question.prompt_hash,
            "schema_hash": question.schema_hash,
            "input_hash": question.input_hash if document is not None else None,
            "max_output_tokens": self.max_output_tokens,
            "system": question.system,
            "user": question.user,
            "schema": json.loads(self.schema),
            "document": document,
        }


def step_prompt(
    step: Step, doc_type: DocumentType, types: DocumentTypes, caps: OutputCaps, pages: tuple[str, ...] | None = None
) -> StepPrompt:
    """The call `step` makes for a document of `doc_type` among the active `types`.

    Args:
        step: `classify` (the list offered is every active type, as the classify node offers it) or `extract`.
        doc_type: The type the document is, or is to be classified as.
        types: The active types.
        caps: The configured output token caps.
        pages: The document's masked pages; None shows `PAGE_PLACEHOLDER` in their place.
    """
    shown = pages if pages is not None else (PAGE_PLACEHOLDER,)
    prompt: PromptSpec[Any]
    if step == "classify":
        prompt, request = CLASSIFY, ModelInput(pages=shown, types=tuple(types))
    else:
        prompt, request = extract_prompt(doc_type), ModelInput(pages=shown, doc_type=doc_type)
    return StepPrompt(
        step=step,
        doc_type=doc_type.name,
        question=Question.of(prompt, request),
        schema=schema_json(prompt.response_model),
        max_output_tokens=caps.for_step(prompt.name, request.doc_type),
    )
