"""Versioned prompt specs, one per model step."""

from __future__ import annotations

from typing import Any

from claimflow.prompts._spec import ClaimT, PromptSpec
from claimflow.prompts.classify import CLASSIFY
from claimflow.prompts.extract import EXTRACT_CONTRACT, EXTRACT_INVOICE, EXTRACT_RECEIPT

ALL_PROMPTS: tuple[PromptSpec[Any], ...] = (CLASSIFY, EXTRACT_INVOICE, EXTRACT_RECEIPT, EXTRACT_CONTRACT)

__all__ = [
    "ALL_PROMPTS",
    "CLASSIFY",
    "EXTRACT_CONTRACT",
    "EXTRACT_INVOICE",
    "EXTRACT_RECEIPT",
    "ClaimT",
    "PromptSpec",
]
