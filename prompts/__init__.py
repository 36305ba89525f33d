"""Versioned prompt specs: classify, and one extract_<type> prompt per active document type."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from claimflow.prompts._spec import ClaimT, PromptSpec, schema_text
from claimflow.prompts.classify import CLASSIFY
from claimflow.prompts.extract import describe_types, extract_prompt
from claimflow.state.schema import DocumentType


def prompts_for(types: Iterable[DocumentType]) -> tuple[PromptSpec[Any], ...]:
    """Every prompt a workflow over `types` uses: classify, then each type's extraction prompt."""
    return (CLASSIFY, *(extract_prompt(doc_type) for doc_type in types))


__all__ = ["CLASSIFY", "ClaimT", "PromptSpec", "describe_types", "extract_prompt", "prompts_for", "schema_text"]
