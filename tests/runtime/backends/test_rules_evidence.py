"""The contract every claim of the rules backend keeps: apply would accept its quote and value (or line amount)."""

import pytest
from _rules_docs import INVOICE_DE, INVOICE_EN, INVOICE_FR, NDA, RECEIPT_MY, RECEIPT_NOISY

from claimflow.runtime.backends import rules
from claimflow.state.documents import SourceText
from claimflow.state.evidence import locate
from claimflow.state.fields import DocType, field_spec
from claimflow.state.normalize import check_value

CASES: list[tuple[DocType, list[str]]] = [
    ("invoice", [INVOICE_EN]),
    ("invoice", [INVOICE_DE]),
    ("invoice", [INVOICE_FR]),
    ("invoice", ["Cover letter\n\nSee next page.", INVOICE_EN.replace("\n", "\r\n")]),
    ("invoice", [INVOICE_DE.replace(" ", "\u00a0")]),
    ("receipt", [RECEIPT_MY]),
    ("receipt", [RECEIPT_NOISY]),
    ("receipt", ["   \n" + RECEIPT_MY.replace("\n", "\n  ")]),
    ("contract", [NDA]),
    ("contract", [NDA[:400], NDA[400:]]),
    # Documents of another type still yield only valid claims.
    ("invoice", [NDA]),
    ("contract", [RECEIPT_MY]),
    ("receipt", [INVOICE_FR]),
]


@pytest.mark.parametrize(("doc_type", "pages"), CASES)
def test_every_claim_is_located_and_follows_from_its_quote(doc_type: DocType, pages: list[str]) -> None:
    claim = rules.extract(doc_type, pages)
    source = SourceText(pages=tuple(pages))
    for field in claim.fields:
        ev = field.evidence
        assert ev.page is not None and ev.start is not None and ev.end is not None
        assert pages[ev.page - 1][ev.start : ev.end] == ev.quote
        assert ev.quote == ev.quote.strip()
        assert locate(ev, source).evidence is not None
        spec = field_spec(doc_type, field.field)
        assert spec is not None
        assert check_value(spec.kind, field.value, ev.quote).ok, (field.field, field.value, ev.quote)
        assert len(ev.quote) <= 240, "quotes stay short and local"
    for item in claim.line_items:
        ev = item.evidence
        assert ev.page is not None and ev.start is not None and ev.end is not None
        assert pages[ev.page - 1][ev.start : ev.end] == ev.quote
        assert locate(ev, source).evidence is not None
        assert check_value("amount", item.amount, ev.quote).ok, (item.amount, ev.quote)


def test_multi_page_claims_name_their_page() -> None:
    pages = ["Page one has no fields.", INVOICE_DE]
    claim = rules.extract("invoice", pages)
    assert claim.fields
    assert {f.evidence.page for f in claim.fields} == {2}


def test_one_claim_per_field_except_parties() -> None:
    for doc_type, pages in CASES:
        names = [f.field for f in rules.extract(doc_type, pages).fields if f.field != "parties"]
        assert len(names) == len(set(names))
