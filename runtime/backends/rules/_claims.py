"""Turn rule findings into claims, and drop any that the apply step would reject.

The rules backend promises the same contract as a model: every quote is at its stated place and
every value follows from its quote. Checking that here, with the very functions apply uses,
means a rule bug shows up as a missing field instead of a rejected claim.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from claimflow.runtime.backends.rules._lines import Span, evidence
from claimflow.state.apply import check_field_claim
from claimflow.state.claims import FieldClaim
from claimflow.state.documents import SourceText
from claimflow.state.lengths import MAX_VALUE_CHARS
from claimflow.state.schema import DocumentType


@dataclass(frozen=True)
class Finding:
    """A value a rule found, where it found it, and how sure the rule is."""

    field: str
    value: str
    confidence: float
    span: Span


def to_claims(doc_type: DocumentType, pages: Sequence[str], findings: Iterable[Finding]) -> list[FieldClaim]:
    """Build field claims, keeping only those apply would accept (quote, whole value, labels)."""
    source = SourceText(pages=tuple(pages))
    claims: list[FieldClaim] = []
    seen: set[tuple[str, str]] = set()
    for finding in findings:
        quoted = evidence(pages, finding.span)
        if quoted is None or len(finding.value) > MAX_VALUE_CHARS or (finding.field, finding.value.casefold()) in seen:
            continue
        confidence = round(min(max(finding.confidence, 0.0), 1.0), 2)
        claim = FieldClaim(field=finding.field, value=finding.value, confidence=confidence, evidence=quoted)
        if not check_field_claim(doc_type, claim, source, step="rules", claim_id="rules").accepted:
            continue
        seen.add((finding.field, finding.value.casefold()))
        claims.append(claim)
    return claims


def best(findings: Iterable[Finding]) -> Finding | None:
    """The most confident finding; the earliest one wins a tie."""
    ranked = sorted(enumerate(findings), key=lambda item: (-item[1].confidence, item[0]))
    return ranked[0][1] if ranked else None


SHARED_DOUBT = 0.05
"""How much less sure a value is for a field that only shares the label it was read under (`shares_labels_of`)."""


def shared_claims(doc_type: DocumentType, pages: Sequence[str], claims: Sequence[FieldClaim]) -> list[FieldClaim]:
    """Claims for the fields nothing was read for, from a field whose labels they share, where apply accepts them.

    A field that shares another's labels (`Field.shares_labels_of`) is proved by a value under them, as a model
    reading the page would claim it (an invoice that prints only its total owes that total). The claim quotes the
    claimed field's line, `SHARED_DOUBT` less surely, and is kept only when apply's evidence check accepts it: not
    where the document prints one of the field's `unless_printed` labels.
    """
    source = SourceText(pages=tuple(pages))
    claimed = {claim.field for claim in claims}
    shared: list[FieldClaim] = []
    for spec in doc_type.value_fields:
        donors = [claim for claim in claims if claim.field in spec.shares_labels_of]
        if spec.name in claimed or spec.multiple or not donors:
            continue
        donor = max(donors, key=lambda claim: claim.confidence)  # the first of equals
        confidence = round(max(donor.confidence - SHARED_DOUBT, 0.0), 2)
        claim = FieldClaim(field=spec.name, value=donor.value, confidence=confidence, evidence=donor.evidence)
        if check_field_claim(doc_type, claim, source, step="rules", claim_id="rules").accepted:
            shared.append(claim)
    return shared
