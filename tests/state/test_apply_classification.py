"""apply_classification: an active type is accepted only with quotes found in the source that name it.

"unknown" needs none.
"""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from claimflow.state.apply import apply_classification
from claimflow.state.claims import ClassificationClaim
from claimflow.state.documents import SourceText
from claimflow.state.reasons import classification_reasons
from claimflow.state.schema import DocumentType, DocumentTypes, Field
from claimflow.state.workflow import Patch
from tests.factories import INVOICE_SOURCE, PURCHASE_ORDER, TYPES, claimed, make_state


def _apply(claim: ClassificationClaim, types: DocumentTypes = TYPES) -> Patch:
    return apply_classification(claim, INVOICE_SOURCE, types=types, step="classify", claim_id="classify#1")


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


def test_claim_confidence_is_a_probability() -> None:
    with pytest.raises(ValidationError):
        ClassificationClaim.model_validate({"doc_type": "invoice", "confidence": 1.2})
    with pytest.raises(ValidationError):
        ClassificationClaim.model_validate({"doc_type": "invoice", "confidence": 0.9, "note": "extra key"})


def test_a_type_that_is_not_active_is_rejected_even_with_a_quote() -> None:
    # The claim's vocabulary is the active types: any name parses, but only an active one is accepted.
    claim = ClassificationClaim.model_validate(
        {"doc_type": "purchase_order", "confidence": 0.9, "evidence": [{"quote": "INVOICE"}]}
    )
    patch = _apply(claim)
    found = patch.classification
    assert found is not None
    assert not found.accepted
    assert "type 'purchase_order' is not one of the active types: invoice, receipt, contract" in found.reasons
    assert [e.type for e in patch.events or []] == ["claim.rejected"]
    assert make_state(**patch.as_update()).doc_type is None


def test_a_built_in_type_is_rejected_when_only_other_types_are_active() -> None:
    found = _apply(ClassificationClaim(doc_type="invoice", confidence=0.9, evidence=[claimed("INVOICE")]),
                   types=DocumentTypes([PURCHASE_ORDER])).classification  # fmt: skip
    assert found is not None
    assert not found.accepted
    assert any("not one of the active types: purchase_order" in reason for reason in found.reasons)


def test_a_user_type_is_accepted_when_it_is_active() -> None:
    source = SourceText(pages=("PURCHASE ORDER\nPO Number: 4711\n",))
    claim = ClassificationClaim(doc_type="purchase_order", confidence=0.9, evidence=[claimed("PURCHASE ORDER")])
    patch = apply_classification(
        claim, source, types=DocumentTypes([PURCHASE_ORDER]), step="classify", claim_id="classify#1"
    )
    assert patch.classification is not None
    assert patch.classification.accepted
    assert make_state(**patch.as_update()).doc_type == "purchase_order"


def test_a_receipt_quoting_invoice_is_rejected_as_not_named() -> None:
    patch = _apply(ClassificationClaim(doc_type="receipt", confidence=0.99, evidence=[claimed("INVOICE")]))

    found = patch.classification
    assert found is not None and not found.accepted
    assert found.reasons == [
        "no quote names type 'receipt': quote one of its titles ('Receipt', 'Official Receipt', ...), "
        "field labels or keywords"
    ]
    (outcome,) = patch.claims or []
    assert (outcome.accepted, outcome.check) == (False, "type_not_named")
    assert [e.type for e in patch.events or []] == ["claim.rejected"]
    state = make_state(**patch.as_update())
    assert state.doc_type is None
    # The rejected classification goes where every rejected classification goes: to review, with its reason.
    [reason] = classification_reasons(state, TYPES)
    assert reason.code == "unsupported_evidence" and "no quote names type 'receipt'" in reason.message


def test_one_naming_quote_is_enough_and_a_label_or_keyword_names_the_type() -> None:
    slip = SourceText(pages=("KEDAI MAJU\nTAX INVOICE\nCashier: 03\nTotal RM 12.50\n",))

    def verdict(doc_type: str, *quotes: str) -> bool:
        claim = ClassificationClaim(doc_type=doc_type, confidence=0.9, evidence=[claimed(q) for q in quotes])
        found = apply_classification(claim, slip, types=TYPES, step="classify", claim_id="c").classification
        assert found is not None
        return found.accepted

    assert verdict("receipt", "TAX INVOICE", "Cashier")  # a receipt's keyword
    assert verdict("receipt", "Total RM 12.50")  # a label of the receipt's total
    assert verdict("invoice", "TAX INVOICE")  # a title of the invoice
    assert not verdict("receipt", "TAX INVOICE", "KEDAI MAJU")
    assert not verdict("contract", "Cashier")


def test_a_user_type_is_named_by_its_titles_labels_and_keywords() -> None:
    source = SourceText(pages=("SUPPLY ORDER\nPO Number: 4711\nShip via: road\nINVOICE\n",))
    order = DocumentType(
        name="purchase_order",
        description="An order a buyer sends a seller.",
        titles=("Supply Order",),
        keywords=("Ship via",),
        fields=[Field("order_number", "identifier", labels=("PO Number",))],
    )
    types = DocumentTypes([order])

    def accepted(quote: str) -> bool:
        claim = ClassificationClaim(doc_type="purchase_order", confidence=0.9, evidence=[claimed(quote)])
        found = apply_classification(claim, source, types=types, step="classify", claim_id="c").classification
        assert found is not None
        return found.accepted

    assert [accepted(q) for q in ("SUPPLY ORDER", "PO Number: 4711", "Ship via", "INVOICE")] == [
        True,
        True,
        True,
        False,
    ]
    assert order.describe()["keywords"] == ["Ship via"]
