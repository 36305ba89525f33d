"""The proof reads a quote as a reader does: a rate is no amount, and an invisible character joins what it splits.

`VAT 20%` writes a rate, so it proves no tax of 20.00; `RM 1\u200b31.60` shows 131.60 on screen, so it proves no
total of 31.60 (a zero-width space, soft hyphen, word joiner or byte-order mark is no gap between digits).
"""

from __future__ import annotations

import sys
import unicodedata
from dataclasses import replace

import pytest

from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.state.apply import check_row_claim
from claimflow.state.claims import RowClaim
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


@pytest.mark.parametrize(
    ("value", "page", "quote", "reads"),
    [
        # A sign the quote leaves out: a credit note's total quoted without its minus, brackets or CR.
        ("612.40", "Refund total: -£612.40\n", "£612.40", "-612.40"),
        ("612.40", "Total: - £612.40\n", "£612.40", "-612.40"),
        ("612.40", "Total: (612.40)\n", "612.40", "-612.40"),
        ("612.40", "Total: 612.40 CR\n", "612.40", "-612.40"),
        ("612.40", "Total: 612.40-\n", "612.40", "-612.40"),
        # A sign the quote makes up: a separator dash, or a hyphen of a code before the currency.
        ("-612.40", "Total - £612.40\n", "- £612.40", "612.40"),
        ("-456.00", "Total AB-£456.00\n", "-£456.00", "456.00"),
    ],
)
def test_an_amount_whose_quote_is_cut_so_its_sign_reads_otherwise_than_on_the_page_is_not_proved(
    value: str, page: str, quote: str, reads: str
) -> None:
    proof = _prove(INVOICE, "total_amount", value, page, quote)
    assert proof is not None and not proof.ok, proof
    assert proof.check == "value_not_in_quote"
    assert f"which reads {reads} there, not {value}: where the quote is cut changes the sign" in proof.reason
    assert repr(page.strip()) in proof.reason  # the line, as the page writes it


@pytest.mark.parametrize(
    ("value", "page", "quote"),
    [
        ("-612.40", "Refund total: -£612.40\n", "-£612.40"),
        ("-612.40", "Total: - £612.40\n", "- £612.40"),
        ("612.40", "Total - £612.40\n", "£612.40"),  # a separator: the page reads it positive too
        ("-612.40", "Total: (612.40)\n", "(612.40)"),
        ("285.00", "Umsatzsteuer (S) 1.500,00 19 285,00\n", "285,00"),  # the line reads 19 285,00 two ways
        ("285.00", "Steuerbetrag in EUR 285\n", "EUR 285"),
        ("1234.56", "Gesamtbetrag EUR 1.234,56\n", "1.234,56"),
    ],
)
def test_an_amount_quoted_as_the_page_reads_it_is_proved(value: str, page: str, quote: str) -> None:
    field = "tax_amount" if "steuer" in page.lower() else "total_amount"
    proof = _prove(INVOICE, field, value, page, quote)
    assert proof is not None and proof.ok, proof


def test_a_statement_reads_cr_as_money_in_so_a_quote_without_it_proves_the_same_positive_amount() -> None:
    statement = replace(INVOICE, credit_marks="statement")
    proof = _prove(statement, "total_amount", "612.40", "Total: 612.40 CR\n", "612.40")
    assert proof is not None and proof.ok, proof


ROWS_PAGE = "INVOICE\nDescription Qty Amount\nFlyers A5 2 120.00\nReturned flyers 1 10.00 CR\nNet: 110.00\n"


def _row(quote: str, amount: str) -> tuple[bool, list[str]]:
    claim = RowClaim(
        table="line_items",
        cells={"description": quote.split(" 1 ")[0], "quantity": "1", "amount": amount},
        evidence=ClaimedEvidence(quote=quote),
    )
    outcome, _ = check_row_claim(INVOICE, claim, SourceText(pages=(ROWS_PAGE,)), step="extract", claim_id="r")
    return outcome.accepted, outcome.reasons


def test_a_row_quoted_without_its_credit_mark_does_not_make_the_credit_a_charge() -> None:
    accepted, reasons = _row("Returned flyers 1 10.00", "10.00")
    assert not accepted
    assert any("which reads -10.00 there, not 10.00: where the quote is cut changes the sign" in r for r in reasons)
    accepted, reasons = _row("Returned flyers 1 10.00 CR", "-10.00")
    assert accepted, reasons
