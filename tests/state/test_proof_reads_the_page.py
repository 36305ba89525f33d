"""The proof reads a quote as a reader does: a rate is no amount, and an invisible character joins what it splits.

`VAT 20%` writes a rate, so it proves no tax of 20.00; `RM 1\u200b31.60` shows 131.60 on screen, so it proves no
total of 31.60 (a zero-width space, soft hyphen, word joiner or byte-order mark is no gap between digits).
"""

from __future__ import annotations

import pytest

from claimflow.doctypes import INVOICE
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence, locate
from claimflow.state.proof import Proof, prove
from claimflow.state.schema import DocumentType


def _prove(doc_type: DocumentType, field: str, value: str, page: str, quote: str | None = None) -> Proof | None:
    """The proof of a claim quoting `quote` (the whole page by default); None when the quote is not located."""
    source = SourceText(pages=(page,))
    located = locate(ClaimedEvidence(quote=quote or page), source)
    if located.evidence is None:
        return None
    spec = doc_type.field(field)
    assert spec is not None
    return prove(doc_type, spec, value, located.evidence, source)


@pytest.mark.parametrize(
    ("field", "value", "page"),
    [
        ("tax_amount", "20", "VAT 20%"),
        ("tax_amount", "19", "MwSt. 19 %"),
        ("tax_amount", "5.5", "TVA 5,5 %"),
        ("total_amount", "15.00", "Discount 15%"),
        ("total_amount", "21", "Total incl. IVA 21%"),
    ],
)
def test_a_rate_proves_no_amount(field: str, value: str, page: str) -> None:
    proof = _prove(INVOICE, field, value, page)
    assert proof is not None and not proof.ok
    assert proof.check == "value_not_in_quote"


def test_the_amount_beside_its_rate_is_still_proved() -> None:
    proof = _prove(INVOICE, "tax_amount", "25.65", "VAT 19%: 25.65")
    assert proof is not None and proof.ok and proof.check == "own_label"
