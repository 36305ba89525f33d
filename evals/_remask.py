"""Personal data masked again: a run's events and state hold the originals, a golden case only placeholders.

A run unmasks what the model quoted (`[IBAN_1]` back to the IBAN as printed) before apply checks it, so the
claims its events tell, the rows and values of its state and a reviewer's quotes hold the document's own
text. A case is written from the masked pages the model saw; each original its run masked goes back behind
its placeholder before it is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from claimflow.state.masking import Replacement


def remasked(value: Any, replacements: Sequence[Replacement]) -> Any:
    """`value` (JSON data: dicts, lists, strings, scalars) with each original of `replacements` as its placeholder.

    Longer originals go first, so one that holds another (an e-mail holding a shorter masked text) is replaced
    whole. Keys and non-string scalars are kept as they are.
    """
    pairs = sorted({(item.original, item.placeholder) for item in replacements if item.original},
                   key=lambda pair: (-len(pair[0]), pair))  # fmt: skip
    return _walk(value, pairs)


def _walk(value: Any, pairs: list[tuple[str, str]]) -> Any:
    if isinstance(value, str):
        for original, placeholder in pairs:
            value = value.replace(original, placeholder)
        return value
    if isinstance(value, dict):
        return {key: _walk(item, pairs) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(item, pairs) for item in value]
    return value
