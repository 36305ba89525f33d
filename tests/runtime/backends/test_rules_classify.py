import pytest
from _rules_docs import INVOICE_DE, INVOICE_EN, INVOICE_FR, MEMO, NDA, NEWSLETTER, RECEIPT_MY, RECEIPT_NOISY

from claimflow.doctypes import BUILTIN_TYPES, CONTRACT, INVOICE, RECEIPT
from claimflow.runtime.backends import rules
from claimflow.state.schema import DocumentType


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (INVOICE_EN, "invoice"),
        (INVOICE_DE, "invoice"),
        (INVOICE_FR, "invoice"),
        (RECEIPT_MY, "receipt"),
        (RECEIPT_NOISY, "receipt"),
        (NDA, "contract"),
    ],
)
def test_classifies_each_type(text: str, expected: str) -> None:
    claim = rules.classify([text], BUILTIN_TYPES)
    assert claim.doc_type == expected
    assert claim.confidence >= 0.7


@pytest.mark.parametrize("text", [MEMO, NEWSLETTER, "", "12 34 56"])
def test_nothing_fits_is_unknown(text: str) -> None:
    claim = rules.classify([text], BUILTIN_TYPES)
    assert claim.doc_type == "unknown"
    assert claim.evidence == []


def test_clear_documents_are_more_certain_than_sparse_ones() -> None:
    sparse = "Invoice\nPlease find attached.\n"
    assert rules.classify([INVOICE_EN], BUILTIN_TYPES).confidence > rules.classify([sparse], BUILTIN_TYPES).confidence


def test_gst_tax_invoice_title_on_a_till_slip_is_a_receipt() -> None:
    # In GST countries a till slip is titled "Tax Invoice"; cash, change and a short price list win.
    slip = RECEIPT_MY.replace("SIMPLIFIED TAX INVOICE", "TAX INVOICE")
    assert rules.classify([slip], BUILTIN_TYPES).doc_type == "receipt"


def test_label_is_not_mistaken_for_a_title() -> None:
    # "Invoice No: 77" on a till slip is a label; it must not outweigh the receipt cues.
    slip = RECEIPT_MY.replace("SIMPLIFIED TAX INVOICE", "INVOICE NO: 77")
    assert rules.classify([slip], BUILTIN_TYPES).doc_type == "receipt"


def test_classification_quotes_are_on_the_page() -> None:
    pages = ["cover page", INVOICE_DE]
    claim = rules.classify(pages, BUILTIN_TYPES)
    assert claim.evidence
    for quote in claim.evidence:
        assert quote.page is not None and quote.start is not None and quote.end is not None
        assert pages[quote.page - 1][quote.start : quote.end] == quote.quote


@pytest.mark.parametrize(
    ("text", "own_type"),
    [(INVOICE_EN, INVOICE), (INVOICE_DE, INVOICE), (NDA, CONTRACT), (RECEIPT_MY, RECEIPT)],
    ids=["invoice-en", "invoice-de", "nda", "receipt"],
)
def test_only_the_active_types_are_candidates(text: str, own_type: DocumentType) -> None:
    others = tuple(t for t in BUILTIN_TYPES if t is not own_type)
    assert rules.classify([text], (own_type,)).doc_type == own_type.name
    claim = rules.classify([text], others)
    assert claim.doc_type == "unknown" and claim.evidence == []
    assert rules.classify([text], ()).doc_type == "unknown"
