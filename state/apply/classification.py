"""apply for ClassificationClaim: the only writer of `classification`."""

from __future__ import annotations

from collections.abc import Collection

from claimflow.state.apply._outcome import claim_event
from claimflow.state.claims import ClassificationClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import Evidence, locate
from claimflow.state.outcomes import ClaimOutcome, Classification
from claimflow.state.workflow import Patch


def apply_classification(
    claim: ClassificationClaim, source: SourceText, *, types: Collection[str], step: str, claim_id: str
) -> Patch:
    """Accept the claimed type only if it is active (`types`) and every quote is in the source.

    An "unknown" needs no quote.
    """
    reasons: list[str] = []
    if claim.doc_type != "unknown" and claim.doc_type not in types:
        reasons.append(f"type {claim.doc_type!r} is not one of the active types: {', '.join(types)}")
    located: list[Evidence] = []
    for claimed in claim.evidence:
        found = locate(claimed, source)
        if found.evidence is None:
            reasons.append(found.reason)
        else:
            located.append(found.evidence)
    if claim.doc_type != "unknown" and not claim.evidence:
        reasons.append(f"type {claim.doc_type!r} is claimed without any quote from the document")
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
    )
    classification = Classification(
        doc_type=claim.doc_type,
        confidence=claim.confidence,
        accepted=accepted,
        evidence=located,
        reasons=reasons,
    )
    return Patch(classification=classification, claims=[outcome], events=[claim_event(outcome)])
