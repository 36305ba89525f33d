"""The proof of a claim that quotes a whole page: what the evidence tests of one label or another ask."""

from __future__ import annotations

from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence, locate
from claimflow.state.proof import Proof, prove
from claimflow.state.schema import DocumentType


def prove_page(doc_type: DocumentType, field: str, value: str, page: str) -> Proof:
    """Whether `page`, quoted whole, proves that `field` of `doc_type` has `value`."""
    source = SourceText(pages=(page,))
    located = locate(ClaimedEvidence(quote=page), source)
    spec = doc_type.field(field)
    assert located.evidence is not None and spec is not None
    return prove(doc_type, spec, value, located.evidence, source)
