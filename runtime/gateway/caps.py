"""How long an answer may be: the output token cap every request carries, per step.

A request without a cap lets a model that runs away keep a server generating long after claimflow gave up
on the answer, and later requests queue behind it. So every request carries one (OpenAI-compatible servers:
`max_tokens`, OpenAI's own API: `max_completion_tokens`, Anthropic: `max_tokens`).

The cap is the first of these that is set:
1. the step's own: `steps["extract_invoice"]` (`CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT_INVOICE`);
2. its kind's: `steps["extract"]` for every extraction, `steps["classify"]` (`CLAIMFLOW_MAX_OUTPUT_TOKENS_EXTRACT`,
   `CLAIMFLOW_MAX_OUTPUT_TOKENS_CLASSIFY`);
3. `default` for every step (`CLAIMFLOW_MAX_OUTPUT_TOKENS`);
4. a size derived from the claim the step must return (`derived_cap`): about twice the tokens of a complete
   claim, so a valid answer is never cut while a runaway stops soon.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from claimflow.runtime.gateway.errors import GatewaySetupError
from claimflow.state.schema import DocumentType

CLASSIFY_CAP = 1024
"""A classification claim is a type, a confidence and at most five quotes: about 300 tokens at most."""
MIN_CAP = 1024
MAX_CAP = 8192
"""Derived caps stay within what current hosted models accept as an output limit."""
FALLBACK_CAP = 4096
"""A step that is neither classify nor extract_<type>."""

_BASE = 256
"""The claim's envelope and some slack for white space around the JSON."""
_PER_VALUE = 64
"""One field claim: field name, value, confidence and a quote with its place (measured ~50 tokens)."""
_VALUES_OF_A_MULTIPLE_FIELD = 4
_ROWS_PER_TABLE = 25
_PER_ROW = 24
_PER_CELL = 12
_HEADROOM = 2
"""Valid answers vary (pretty-printed JSON, long quotes): the cap is twice the expected size."""
_ROUND_TO = 256


def derived_cap(step: str, doc_type: DocumentType | None) -> int:
    """The default cap of a step, from the size of its claim.

    Args:
        step: The prompt's name: `classify` or `extract_<type>`.
        doc_type: The type being extracted (None for classify).

    Returns:
        `CLASSIFY_CAP` for classify; for an extraction, twice the expected tokens of its claim (64 per field
        value, four values for a multiple field, 25 rows of 24 + 12 per column per table field) plus 256,
        rounded up to 256 and kept within `MIN_CAP`..`MAX_CAP`; `FALLBACK_CAP` for any other step.
    """
    if step == "classify":
        return CLASSIFY_CAP
    if doc_type is None or not step.startswith("extract_"):
        return FALLBACK_CAP
    expected = 0
    for spec in doc_type.value_fields:
        expected += _PER_VALUE * (_VALUES_OF_A_MULTIPLE_FIELD if spec.multiple else 1)
    for table in doc_type.table_fields:
        expected += _ROWS_PER_TABLE * (_PER_ROW + _PER_CELL * len(table.columns))
    cap = _BASE + _HEADROOM * expected
    cap = math.ceil(cap / _ROUND_TO) * _ROUND_TO
    return max(MIN_CAP, min(MAX_CAP, cap))


def step_kind(step: str) -> str:
    """`extract` for `extract_<type>`, else the step's name."""
    return "extract" if step.startswith("extract_") else step


@dataclass(frozen=True)
class OutputCaps:
    """The configured output token caps; what is not configured is derived from the claim's size."""

    default: int | None = None
    """The cap of every step that has none of its own (`CLAIMFLOW_MAX_OUTPUT_TOKENS`)."""
    steps: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))
    """Caps by step (`extract_invoice`) or kind (`classify`, `extract`); the step's own wins."""

    def __post_init__(self) -> None:
        for name, value in (("default", self.default), *self.steps.items()):
            if value is not None and value < 1:
                raise GatewaySetupError(f"the output token cap of {name} must be at least 1, not {value}")

    def for_step(self, step: str, doc_type: DocumentType | None = None) -> int:
        """The cap to send with a request of `step` (a prompt's name).

        Args:
            step: `classify` or `extract_<type>`.
            doc_type: The type being extracted, for a derived cap.

        Returns:
            The step's own cap, else its kind's, else the default, else `derived_cap(step, doc_type)`.
        """
        for key in (step, step_kind(step)):
            if key in self.steps:
                return self.steps[key]
        if self.default is not None:
            return self.default
        return derived_cap(step, doc_type)
