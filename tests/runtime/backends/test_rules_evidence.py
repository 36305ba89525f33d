"""The contract every claim of the rules backend keeps: apply accepts its quote, value and label (or row cells)."""

import pytest
from _rules_docs import INVOICE_DE, INVOICE_EN, INVOICE_FR, NDA, RECEIPT_MY, RECEIPT_NOISY

from claimflow.doctypes import CONTRACT, INVOICE, RECEIPT
from claimflow.runtime.backends import rules
from claimflow.state.apply import check_field_claim, check_row_claim
from claimflow.state.documents import SourceText
from claimflow.state.schema import DocumentType

CASES: list[tuple[DocumentType, list[str]]] = [
    (INVOICE, [INVOICE_EN]),
    (INVOICE, [INVOICE_DE]),
    (INVOICE, [INVOICE_FR]),
    (INVOICE, ["Cover letter\n\nSee next page.", INVOICE_EN.replace("\n", "\r\n")]),
    (INVOICE, [INVOICE_DE.replace(" ", "\u00a0")]),
    (RECEIPT, [RECEIPT_MY]),
    (RECEIPT, [RECEIPT_NOISY]),
    (RECEIPT, ["   \n" + RECEIPT_MY.replace("\n", "\n  ")]),
    (CONTRACT, [NDA]),
    (CONTRACT, [NDA[:400], NDA[400:]]),
    # Documents of another type still yield only valid claims.
    (INVOICE, [NDA]),
    (CONTRACT, [RECEIPT_MY]),
    (RECEIPT, [INVOICE_FR]),
]


@pytest.mark.parametrize(("doc_type", "pages"), CASES, ids=[f"{t.name}-{i}" for i, (t, _) in enumerate(CASES, start=1)])
def test_every_claim_is_located_and_proves_its_field(doc_type: DocumentType, pages: list[str]) -> None:
    claim = rules.extract(doc_type, pages)
    source = SourceText(pages=tuple(pages))
    for field in claim.fields:
        ev = field.evidence
        assert ev.page is not None and ev.start is not None and ev.end is not None
        assert pages[ev.page - 1][ev.start : ev.end] == ev.quote
        assert ev.quote == ev.quote.strip()
        assert len(ev.quote) <= 240, "quotes stay short and local"
        outcome = check_field_claim(doc_type, field, source, step="extract", claim_id="c")
        assert outcome.accepted, (field.field, field.value, ev.quote, outcome.check, outcome.reasons)
        assert outcome.check in ("own_label", "no_label")
    for row in claim.rows:
        ev = row.evidence
        assert ev.page is not None and ev.start is not None and ev.end is not None
        assert pages[ev.page - 1][ev.start : ev.end] == ev.quote
        outcome, accepted_row = check_row_claim(doc_type, row, source, step="extract", claim_id="r")
        assert outcome.accepted and accepted_row is not None, (row.cells, ev.quote, outcome.reasons)


def test_multi_page_claims_name_their_page() -> None:
    pages = ["Page one has no fields.", INVOICE_DE]
    claim = rules.extract(INVOICE, pages)
    assert claim.fields
    assert {f.evidence.page for f in claim.fields} == {2}


def test_one_claim_per_field_except_parties() -> None:
    for doc_type, pages in CASES:
        names = [f.field for f in rules.extract(doc_type, pages).fields if f.field != "parties"]
        assert len(names) == len(set(names))
