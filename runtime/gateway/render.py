"""The messages of one model call, rendered from a prompt spec and a step's input, and their hashes.

Every backend that sends text renders it here, and record/replay keys exchanges on the same hashes, so
a recorded call and a live one agree on what was asked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from pydantic import BaseModel

from claimflow.nodes.ports import ClaimT, ModelInput
from claimflow.prompts import PromptSpec, describe_types, schema_text

PAGE_SEPARATOR = "\f\n"
"""Pages are separated by a form feed (as the prompts say) and each starts with a `--- page N ---` marker."""


def render_document(pages: Sequence[str]) -> str:
    """The pages as the model sees them: `--- page N ---` before each (1-based), form feeds between.

    Args:
        pages: Page texts in order (masked).

    Returns:
        One string with explicit page markers, so a model can state the page of a quote.
    """
    return PAGE_SEPARATOR.join(f"--- page {number} ---\n{text}" for number, text in enumerate(pages, start=1))


def render_feedback(feedback: Sequence[str]) -> str:
    """What was wrong with the previous answer, or "" on a first attempt."""
    if not feedback:
        return ""
    problems = "\n".join(f"- {item}" for item in feedback)
    return f"\nYour previous answer was invalid:\n{problems}\nAnswer again, correcting these errors.\n"


def render_messages(prompt: PromptSpec[ClaimT], request: ModelInput) -> tuple[str, str]:
    """The system and user messages of one call.

    Args:
        prompt: The step's prompt spec.
        request: The masked pages, the types to choose from (classification) and the last attempt's errors.

    Returns:
        (system, user).
    """
    return prompt.render(
        document=render_document(request.pages),
        types=describe_types(tuple(request.types)),
        feedback=render_feedback(request.feedback),
    )


def _sha256(*parts: str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def input_hash(system: str, user: str) -> str:
    """sha256 over the rendered messages: what exactly a call asked."""
    return _sha256(system, user)


def schema_json(model: type[BaseModel]) -> str:
    """The response model's JSON schema with sorted keys, built once per model."""
    return schema_text(model)


def schema_hash(model: type[BaseModel]) -> str:
    """sha256 over the response model's JSON schema: what shape the answer had to have."""
    return _sha256(schema_text(model))
