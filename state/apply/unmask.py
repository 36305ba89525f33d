"""Bring claims about the masked text back to the source text.

The model sees placeholders; apply checks evidence against the source. A claimed quote is first
located in the masked text the model saw (so any stated page and offsets are checked where they
were meant), then its placeholders get their originals back and its offsets move to the same
place in the source. A quote the masked text does not contain keeps its statement and is
rejected by apply against the source.
"""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence, locate
from claimflow.state.masking import Replacement, source_offset, unmask_text


class _Unmasker:
    def __init__(self, masked: SourceText, replacements: Sequence[Replacement]) -> None:
        self.masked = masked
        self.replacements = tuple(replacements)
        self.used: set[str] = set()

    def text(self, text: str) -> str:
        restored = unmask_text(text, self.replacements)
        self.used.update(restored.placeholders)
        return restored.text

    def evidence(self, claimed: ClaimedEvidence) -> ClaimedEvidence:
        quote = self.text(claimed.quote)
        found = locate(claimed, self.masked).evidence
        if found is None:
            return claimed.model_copy(update={"quote": quote})
        start = source_offset(found.page, found.start, self.replacements)
        end = source_offset(found.page, found.end, self.replacements)
        return ClaimedEvidence(
            quote=quote,
            page=found.page if claimed.page is not None else None,
            start=start if claimed.start is not None else None,
            end=end if claimed.end is not None else None,
        )


def unmask_classification(
    claim: ClassificationClaim, masked: SourceText, replacements: Sequence[Replacement]
) -> tuple[ClassificationClaim, list[str]]:
    """The claim in source terms, and the placeholders that were restored."""
    unmasker = _Unmasker(masked, replacements)
    evidence = [unmasker.evidence(e) for e in claim.evidence]
    return claim.model_copy(update={"evidence": evidence}), sorted(unmasker.used)


def unmask_extraction(
    claim: ExtractionClaim, masked: SourceText, replacements: Sequence[Replacement]
) -> tuple[ExtractionClaim, list[str]]:
    """The claim in source terms (quotes, values, offsets), and the placeholders that were restored."""
    unmasker = _Unmasker(masked, replacements)
    fields = [
        field.model_copy(update={"value": unmasker.text(field.value), "evidence": unmasker.evidence(field.evidence)})
        for field in claim.fields
    ]
    rows = [
        row.model_copy(
            update={
                "cells": {name: unmasker.text(value) for name, value in row.cells.items()},
                "evidence": unmasker.evidence(row.evidence),
            }
        )
        for row in claim.rows
    ]
    return claim.model_copy(update={"fields": fields, "rows": rows}), sorted(unmasker.used)
