"""Evidence proves a value only whole: a quote cut out of a longer word or number, a value on a line another
field's label of another kind governs, or a number glued to a word proves nothing.

The cases a model gets wrong within one quote (a value cut out of a token of the quote, another field's label of
the same kind) are in tests/schema/test_evidence_proves_the_field.py; these are the ones at the quote's edges, across
kinds, and in how numbers, names and terms are read.
"""

from __future__ import annotations

import pytest

from claimflow.doctypes import INVOICE, RECEIPT
from claimflow.state.apply import check_field_claim
from claimflow.state.claims import FieldClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence, locate
from claimflow.state.normalize import find_amounts, parse_amount
from claimflow.state.outcomes import ClaimOutcome
from claimflow.state.schema import DocumentType
from claimflow.state.word_edges import cut_word

PAGE = (
    "INVOICE\n"
    "Seller: ACMEX Trading\n"
    "Invoice No.: INV-2024-0117\n"
    "Invoice Date: 12.03.2024\n"
    "Order ref: 4711\n"
    "Net: 100.00\n"
    "Total: 112.00\n"
    "Amount due: EUR 112.00\n"
)


def _check(field: str, value: str, quote: str, *, page: str = PAGE, doc_type: DocumentType = INVOICE) -> ClaimOutcome:
    claim = FieldClaim(field=field, value=value, confidence=0.95, evidence=ClaimedEvidence(quote=quote))
    return check_field_claim(doc_type, claim, SourceText(pages=(page,)), step="extract", claim_id="c1")


@pytest.mark.parametrize(
    ("field", "value", "quote", "whole"),
    [
        ("total_amount", "1", "Total: 1", "Total: 112.00"),
        ("total_amount", "11", "Total: 11", "Total: 112.00"),
        ("total_amount", "112", "Total: 112", "Total: 112.00"),
        ("total_amount", "12.00", "12.00", "112.00"),
        ("net_amount", "10", "Net: 10", "Net: 100.00"),
        ("invoice_number", "INV-2024-01", "Invoice No.: INV-2024-01", "INV-2024-0117"),
        ("issue_date", "2020-03-12", "Invoice Date: 12.03.20", "12.03.2024"),
        ("vendor_name", "ACME", "Seller: ACME", "ACMEX"),
    ],
)
def test_a_quote_cut_out_of_a_longer_word_or_number_proves_nothing(
    field: str, value: str, quote: str, whole: str
) -> None:
    outcome = _check(field, value, quote)
    assert not outcome.accepted
    assert outcome.check == "quote_not_found"
    assert any("only part of" in reason and whole in reason for reason in outcome.reasons), outcome.reasons


def test_the_whole_quote_still_proves_its_value() -> None:
    outcome = _check("total_amount", "112.00", "Total: 112.00")
    assert outcome.accepted and outcome.check == "own_label"


def test_stated_offsets_inside_a_longer_number_are_refused() -> None:
    start = PAGE.index("112.00") + 1  # "12.00" inside "112.00"
    claimed = ClaimedEvidence(quote="12.00", page=1, start=start, end=start + 5)
    assert locate(claimed, SourceText(pages=(PAGE,))).evidence is None


def test_punctuation_and_line_ends_are_word_edges() -> None:
    page = "Thank you!\nTotal: 9.50.\n(Change 0.50)"
    assert cut_word(page, 0, 9) is None  # "Thank you" before "!"
    assert cut_word(page, page.index("9.50"), page.index("9.50") + 4) is None  # a full stop ends the sentence
    assert cut_word(page, page.index("Change"), page.index("0.50") + 4) is None
    assert cut_word(page, 0, 5) is None  # "Thank" before a space
    assert cut_word(page, 0, 4) == "Thank"


def test_a_classification_quote_cut_out_of_a_word_does_not_name_the_type() -> None:
    page = "Memo\nThe goods were never invoiced; please call.\n"
    assert locate(ClaimedEvidence(quote="invoice"), SourceText(pages=(page,))).evidence is None
    assert locate(ClaimedEvidence(quote="invoiced"), SourceText(pages=(page,))).evidence is not None


def test_scripts_written_without_spaces_have_no_word_edges_but_numbers_do() -> None:
    page = "領収書\n合計金額1,234円です\n"
    quote = "合計金額1,234円"
    start = page.index(quote)
    assert cut_word(page, start, start + len(quote)) is None  # letters around a quote in Japanese do not run on
    assert cut_word(page, page.index("1,234"), page.index("1,234") + 3) == "合計金額1,234円です"  # "1,2" of "1,234"


@pytest.mark.parametrize(
    ("field", "value", "quote", "label"),
    [
        ("invoice_number", "112.00", "Total: 112.00", "Total"),
        ("invoice_number", "12.03.2024", "Invoice Date: 12.03.2024", "Invoice Date"),
        ("issue_date", "2024-01-17", "Invoice No.: RE-2024-01-17-003", "Invoice No."),
    ],
)
def test_a_value_under_a_label_of_another_kind_that_it_reads_as_is_refused(
    field: str, value: str, quote: str, label: str
) -> None:
    page = PAGE + "Invoice No.: RE-2024-01-17-003\n"
    outcome = _check(field, value, quote, page=page)
    assert not outcome.accepted
    assert outcome.check == "wrong_label"
    assert outcome.label == label


def test_an_amount_right_after_an_identifiers_label_is_the_identifier() -> None:
    page = "INVOICE\nInvoice No.: 4711\nTotal: 119.00\n"
    outcome = _check("total_amount", "4711", "Invoice No.: 4711", page=page)
    assert not outcome.accepted and outcome.check == "wrong_label"
    assert "invoice_number" in outcome.reasons[-1]


def test_a_currency_after_an_amounts_label_is_still_the_currency() -> None:
    outcome = _check("currency", "EUR", "Amount due: EUR 112.00")
    assert outcome.accepted, outcome.reasons


def test_a_receipts_total_beside_its_currency_symbol_is_proved() -> None:
    page = "SHOP SDN BHD\nTOTAL RM62.80\nCASH RM70.00\n"
    assert _check("total_amount", "62.80", "TOTAL RM62.80", page=page, doc_type=RECEIPT).accepted


@pytest.mark.parametrize("text", ["AB1250", "X12Y", "ref9.50"])
def test_a_number_glued_to_a_word_is_no_amount(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize(("text", "value"), [("EUR12.50", "12.50"), ("RM62.80", "62.80"), ("Rs500", "500")])
def test_a_number_glued_to_its_currency_is_an_amount(text: str, value: str) -> None:
    assert [str(match.value) for match in find_amounts(text)] == [value]


@pytest.mark.parametrize("text", ["0.125", "0,500", "-0.750"])
def test_a_leading_zero_does_not_group_thousands(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("line", "part", "whole"),
    [
        ("Seller: Northwind\u00a0Widgets\u00a0Ltd", "Northwind", "Northwind\u00a0Widgets\u00a0Ltd"),
        ("Seller: Northwind\u202fWidgets\u202fLtd", "Widgets Ltd", "Northwind\u202fWidgets\u202fLtd"),
        ("Seller: Mercedes-Benz AG", "Mercedes", "Mercedes-Benz AG"),
        ("Seller: Procter & Gamble Ltd", "Gamble Ltd", "Procter & Gamble Ltd"),
    ],
)
def test_a_name_joined_by_other_spaces_an_ampersand_or_a_hyphen_is_not_cut(line: str, part: str, whole: str) -> None:
    page = f"INVOICE\n{line}\nTotal: 10.00\n"
    assert not _check("vendor_name", part, line, page=page).accepted
    assert _check("vendor_name", whole, line, page=page).accepted


@pytest.mark.parametrize("part", ["2024", "2024 0117", "0117 5531", "5531"])
def test_a_part_of_a_space_grouped_number_is_not_the_identifier(part: str) -> None:
    page = "INVOICE\nInvoice No.: 2024 0117 5531\nTotal: 10.00\n"
    assert not _check("invoice_number", part, "Invoice No.: 2024 0117 5531", page=page).accepted
    assert _check("invoice_number", "2024 0117 5531", "Invoice No.: 2024 0117 5531", page=page).accepted


@pytest.mark.parametrize("space", ["\u00a0", "\u202f"])
def test_a_number_grouped_by_a_no_break_space_is_read_only_whole(space: str) -> None:
    line = f"Total: 1{space}234,56 EUR"
    page = f"INVOICE\n{line}\n"
    assert [str(match.value) for match in find_amounts(line)] == ["1234.56"]
    assert _check("total_amount", "1234.56", line, page=page).accepted
    assert not _check("total_amount", "1", line, page=page).accepted
    assert not _check("total_amount", "234.56", line, page=page).accepted


def test_a_number_grouped_by_a_plain_space_is_still_read_both_ways() -> None:
    # "3 191.00" is as often a quantity and a price as a grouped number.
    assert [str(match.value) for match in find_amounts("3 191.00")] == ["3191.00", "3", "191.00"]


@pytest.mark.parametrize("written", ["(100.00)", "100,00-", "100.00 CR", "1.234,50-", "(1,234.50)"])
def test_accountings_negatives_are_read_negative(written: str) -> None:
    (match,) = [m for m in find_amounts(f"Total: {written}") if m.end - m.start > 1]
    assert match.value < 0
    page = f"CREDIT NOTE\nInvoice No.: CN-1\nTotal: {written}\n"
    assert _check("total_amount", str(match.value), f"Total: {written}", page=page).accepted
    assert not _check("total_amount", str(-match.value), f"Total: {written}", page=page).accepted


@pytest.mark.parametrize("text", ["Qty (2) x 3.00", "10.-", "(1.234)"])
def test_brackets_and_dashes_that_are_not_negatives_keep_the_sign(text: str) -> None:
    assert all(match.value > 0 for match in find_amounts(text))


def test_figures_set_flush_right_under_a_heading_row_stand_under_their_own_labels() -> None:
    page = "INVOICE\nNet amount        VAT      Total\n    1,000.00   190.00   1,190.00\n"
    figures = "1,000.00   190.00   1,190.00"
    for field, value in (("net_amount", "1000.00"), ("tax_amount", "190.00"), ("total_amount", "1190.00")):
        outcome = _check(field, value, figures, page=page)
        assert outcome.accepted and outcome.check == "own_label", (field, outcome.reasons)
    for field, value, label in (("total_amount", "1000.00", "Net amount"), ("net_amount", "1190.00", "Total")):
        outcome = _check(field, value, figures, page=page)
        assert not outcome.accepted and outcome.label == label


@pytest.mark.parametrize(
    ("value", "line", "printed"),
    [
        ("12.50", "Invoice No.: -12.50", "-12.50"),
        ("12.50", "Invoice No.: \u221212.50", "\u221212.50"),
        ("4711", "Invoice No.: +4711", "+4711"),
        ("-12.50", "Invoice No.: 12.50", "12.50"),
    ],
)
def test_an_identifier_claimed_without_the_sign_the_page_prints_or_with_one_it_does_not_is_not_proved(
    value: str, line: str, printed: str
) -> None:
    outcome = _check("invoice_number", value, line, page=f"INVOICE\n{line}\n")
    assert (outcome.accepted, outcome.check) == (False, "value_not_in_quote"), outcome.reasons
    assert outcome.reasons[0].endswith(
        f": the quote writes it {printed!r}, and a sign before an identifier's figures is part of it"
    )


@pytest.mark.parametrize(
    ("value", "line"),
    [
        ("-12.50", "Invoice No.: -12.50"),
        ("-12.50", "Invoice No.: \u221212.50"),  # a minus sign is a minus
        ("4711", "Invoice No.: #4711"),  # a number sign is punctuation
        ("4711", "Invoice No.: 4711."),  # so is a sentence's full stop
        ("NW20240117", "Invoice No.: NW-2024-0117"),  # and the dashes between an identifier's parts
        ("12.50", "Invoice No. - 12.50"),  # a dash apart from the figures is no sign
    ],
)
def test_an_identifier_is_proved_with_its_sign_and_without_the_punctuation_around_it(value: str, line: str) -> None:
    outcome = _check("invoice_number", value, line, page=f"INVOICE\n{line}\n")
    assert outcome.accepted, outcome.reasons
