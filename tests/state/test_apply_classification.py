"""apply_classification: a type is accepted only with quotes found in the source; "unknown" needs none."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from claimflow.state.apply import apply_classification
from claimflow.state.claims import ClassificationClaim
from claimflow.state.workflow import Patch
from tests.factories import INVOICE, claimed, make_state


def _apply(claim: ClassificationClaim) -> Patch:
    return apply_classification(claim, INVOICE, step="classify", claim_id="classify#1")


def test_type_with_a_quote_in_the_source_is_accepted() -> None:
    patch = _apply(ClassificationClaim(doc_type="invoice", confidence=0.93, evidence=[claimed("INVOICE")]))
    found = patch.classification
    assert found is not None
    assert found.accepted
    assert found.doc_type == "invoice"
    assert found.confidence == 0.93
    assert [(e.page, e.quote) for e in found.evidence] == [(1, "INVOICE")]
    (outcome,) = patch.claims or []
    assert outcome.accepted
    assert outcome.claim_id == "classify#1"
    assert outcome.field == "doc_type"
    assert [e.type for e in patch.events or []] == ["claim.accepted"]
    assert make_state(**patch.as_update()).doc_type == "invoice"


def test_known_type_without_a_quote_is_rejected() -> None:
    patch = _apply(ClassificationClaim(doc_type="receipt", confidence=0.99))
    found = patch.classification
    assert found is not None
    assert not found.accepted
    assert any("without any quote" in reason for reason in found.reasons)
    assert [e.type for e in patch.events or []] == ["claim.rejected"]
    assert make_state(**patch.as_update()).doc_type is None


def test_fabricated_quote_is_rejected() -> None:
    patch = _apply(ClassificationClaim(doc_type="receipt", confidence=0.99, evidence=[claimed("CASH RECEIPT")]))
    found = patch.classification
    assert found is not None
    assert not found.accepted
    assert any("not in the document" in reason for reason in found.reasons)


def test_one_fabricated_quote_among_real_ones_rejects_the_claim() -> None:
    claim = ClassificationClaim(
        doc_type="invoice", confidence=0.9, evidence=[claimed("INVOICE"), claimed("TAX INVOICE")]
    )
    found = _apply(claim).classification
    assert found is not None
    assert not found.accepted
    assert [e.quote for e in found.evidence] == ["INVOICE"]


def test_quote_on_a_wrongly_stated_page_is_rejected() -> None:
    found = _apply(ClassificationClaim(doc_type="invoice", confidence=0.9, evidence=[claimed("INVOICE", page=2)]))
    assert found.classification is not None
    assert not found.classification.accepted


def test_unknown_is_accepted_without_quotes_and_leaves_no_doc_type() -> None:
    patch = _apply(ClassificationClaim(doc_type="unknown", confidence=0.4))
    found = patch.classification
    assert found is not None
    assert found.accepted
    assert found.doc_type == "unknown"
    assert make_state(**patch.as_update()).doc_type is None


def test_claim_vocabulary_is_closed() -> None:
    with pytest.raises(ValidationError):
        ClassificationClaim.model_validate({"doc_type": "purchase_order", "confidence": 0.9})
    with pytest.raises(ValidationError):
        ClassificationClaim.model_validate({"doc_type": "invoice", "confidence": 1.2})
