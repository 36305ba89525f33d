"""The proof reads a quote as a reader does: a rate is no amount, and an invisible character joins what it splits.

`VAT 20%` writes a rate, so it proves no tax of 20.00; `RM 1\u200b31.60` shows 131.60 on screen, so it proves no
total of 31.60 (a zero-width space, soft hyphen, word joiner or byte-order mark is no gap between digits).
"""

from __future__ import annotations

import sys
import unicodedata

import pytest

from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence, locate
from claimflow.state.normalize.text import is_format
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


FORMAT_CHARACTERS = ["\u200b", "\u00ad", "\u2060", "\ufeff", "\u200e"]
"""Zero-width space, soft hyphen, word joiner, byte-order mark, left-to-right mark: none is drawn."""


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_a_format_character_inside_a_number_does_not_split_it(char: str) -> None:
    page = f"TOTAL RM 1{char}31.60"
    whole = _prove(RECEIPT, "total_amount", "31.60", page)
    assert whole is not None and not whole.ok and whole.check == "value_not_in_quote"
    assert _prove(RECEIPT, "total_amount", "31.60", page, quote="31.60") is None  # cut out of 1\u200b31.60
    assert _prove(RECEIPT, "total_amount", "31.60", page, quote=f"{char}31.60") is None
    shown = _prove(RECEIPT, "total_amount", "131.60", page)
    assert shown is not None and shown.ok and shown.check == "own_label"  # what a reader sees


@pytest.mark.parametrize("char", FORMAT_CHARACTERS)
def test_a_format_character_beside_a_value_is_no_part_of_it(char: str) -> None:
    for page, field, value in [
        (f"Invoice No.: {char}INV-2024-0117{char}", "invoice_number", "INV-2024-0117"),
        (f"Invoice Date: {char}12.03.2024", "issue_date", "2024-03-12"),
        (f"Total: {char}112.00{char}", "total_amount", "112.00"),
    ]:
        proof = _prove(INVOICE, field, value, page)
        assert proof is not None and proof.ok, (page, proof)


def test_a_format_character_inside_a_word_or_a_date_joins_it() -> None:
    invoice = _prove(INVOICE, "invoice_number", "0117", "Invoice No.: INV-2024-\u200b0117")
    assert invoice is not None and not invoice.ok
    date = _prove(INVOICE, "issue_date", "2024-03-02", "Invoice Date: 1\u206002.03.2024")
    assert date is not None and not date.ok


def test_format_characters_are_every_character_of_unicode_category_cf() -> None:
    every = [chr(code) for code in range(sys.maxunicode + 1) if unicodedata.category(chr(code)) == "Cf"]
    assert all(is_format(char) for char in every)
    assert not any(is_format(char) for char in " \u00a0\t-\u2011.,0aZ€")
