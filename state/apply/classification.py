"""apply for ClassificationClaim: the only writer of `classification`."""

from __future__ import annotations

from claimflow.state.apply._outcome import claim_event
from claimflow.state.claims import ClassificationClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence, locate
from claimflow.state.outcomes import ClaimOutcome, Classification
from claimflow.state.schema import UNKNOWN_TYPE, DocumentType, DocumentTypes
from claimflow.state.workflow import Patch

TYPE_NOT_NAMED = "type_not_named"
"""The check that rejects a classification none of whose quotes holds a word naming the claimed type."""


def _not_named(doc_type: DocumentType, located: list[Evidence]) -> str | None:
    """Why the located quotes do not show the type, or None if one of them holds a word that names it."""
    if not located or any(doc_type.naming_words.find(found.quote) for found in located):
        return None
    examples = ", ".join(repr(word) for word in doc_type.titles[:2])
    return f"no quote names type {doc_type.name!r}: quote one of its titles ({examples}, ...), field labels or keywords"


def apply_classification(
    claim: ClassificationClaim, source: SourceText, *, types: DocumentTypes, step: str, claim_id: str
) -> Patch:
    """Accept the claimed type only if it is active, every quote is in the source and one names the type.

    A quote names the type when it holds one of the type's titles, its fields' own labels or its
    keywords (see `DocumentType.naming_words`). An "unknown" needs no quote.
    """
    reasons: list[str] = []
    doc_type = types.find(claim.doc_type)
    if claim.doc_type != UNKNOWN_TYPE and doc_type is None:
        reasons.append(f"type {claim.doc_type!r} is not one of the active types: {', '.join(types.names)}")
    located: list[Evidence] = []
    for claimed in claim.evidence:
        found = locate(claimed, source)
        if found.evidence is None:
            reasons.append(found.reason)
        else:
            located.append(found.evidence)
    if claim.doc_type != UNKNOWN_TYPE and not claim.evidence:
        reasons.append(f"type {claim.doc_type!r} is claimed without any quote from the document")
    not_named = _not_named(doc_type, located) if doc_type is not None else None
    if not_named is not None:
        reasons.append(not_named)
    accepted = not reasons
    if accepted:
        reasons.append(
            f"type {claim.doc_type!r} at confidence {claim.confidence:.2f}; {len(located)} quote(s) found in the source"
        )
    outcome = ClaimOutcome(
        claim_id=claim_id,
        step=step,
        field="doc_type",
        value=claim.doc_type,
        normalized=claim.doc_type,
        confidence=claim.confidence,
        accepted=accepted,
        reasons=reasons,
        evidence=located[0] if located else None,
        check=TYPE_NOT_NAMED if not_named is not None else None,
    )
    classification = Classification(
        doc_type=claim.doc_type,
        confidence=claim.confidence,
        accepted=accepted,
        evidence=located,
        reasons=reasons,
    )
    return Patch(classification=classification, claims=[outcome], events=[claim_event(outcome)])
