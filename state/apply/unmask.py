"""Bring claims about the masked text back to the source text.

The model sees placeholders; apply checks evidence against the source. Quotes and values get their
originals back and stated offsets move to where they are in the source.
"""

from __future__ import annotations

from collections.abc import Sequence

from state.claims import ClassificationClaim, ExtractionClaim
from state.evidence import ClaimedEvidence
from state.masking import Replacement, source_offset, unmask_text


def _evidence(claimed: ClaimedEvidence, replacements: tuple[Replacement, ...], used: list[str]) -> ClaimedEvidence:
    quote = unmask_text(claimed.quote, replacements)
    used.extend(quote.placeholders)
    page = claimed.page
    start = source_offset(page, claimed.start, replacements) if page and claimed.start is not None else claimed.start
    end = claimed.end
    if page and claimed.start is not None and end is not None and start is not None:
        # The end moves with everything before it; a placeholder inside the quote grows to its original.
        end = start + len(quote.text) if quote.placeholders else source_offset(page, end, replacements)
    return ClaimedEvidence(quote=quote.text, page=page, start=start, end=end)


def unmask_classification(
    claim: ClassificationClaim, replacements: Sequence[Replacement]
) -> tuple[ClassificationClaim, list[str]]:
    """The claim with source quotes and offsets, and the placeholders that were restored."""
    used: list[str] = []
    evidence = [_evidence(e, tuple(replacements), used) for e in claim.evidence]
    return claim.model_copy(update={"evidence": evidence}), used


def unmask_extraction(claim: ExtractionClaim, replacements: Sequence[Replacement]) -> tuple[ExtractionClaim, list[str]]:
    """The claim with source quotes, values and offsets, and the placeholders that were restored."""
    used: list[str] = []
    table = tuple(replacements)
    fields = []
    for field_claim in claim.fields:
        value = unmask_text(field_claim.value, table)
        used.extend(value.placeholders)
        fields.append(
            field_claim.model_copy(
                update={"value": value.text, "evidence": _evidence(field_claim.evidence, table, used)}
            )
        )
    items = [item.model_copy(update={"evidence": _evidence(item.evidence, table, used)}) for item in claim.line_items]
    return claim.model_copy(update={"fields": fields, "line_items": items}), sorted(set(used))
