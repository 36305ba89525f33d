"""What `CR` and `DR` after an amount say, as a type declares it: the evidence check reads them the type's way.

Accounting's reading (the default, as invoices print it) takes `100.00 CR` for a credit, negative, and `DR` for no
sign; a bank statement (`credit_marks="statement"`) reads `100.00 CR` as money in and `100.00 DR` as money out.
Brackets and a minus are negative under both. Every document here is synthetic.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from claimflow.doctypes import CONTRACT, INVOICE, RECEIPT
from claimflow.state.apply import check_field_claim, check_row_claim
from claimflow.state.claims import FieldClaim, RowClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.normalize import CreditMarks, check_value, find_amounts
from claimflow.state.proof import find_proving_evidence
from claimflow.state.schema import DocumentType
from tests.runtime.backends._statement import CREDIT_STATEMENT, STATEMENT


@pytest.mark.parametrize(
    ("written", "accounting", "statement"),
    [
        ("100.00 CR", "-100.00", "100.00"),
        ("100.00 DR", "100.00", "-100.00"),
        ("1.234,50 CR", "-1234.50", "1234.50"),
        ("£100.00 DR", "100.00", "-100.00"),
        ("(100.00)", "-100.00", "-100.00"),
        ("100.00-", "-100.00", "-100.00"),
        ("-100.00", "-100.00", "-100.00"),
        ("-£100.00", "-100.00", "-100.00"),
        ("(£100.00)", "-100.00", "-100.00"),
        ("100.00", "100.00", "100.00"),
    ],
)
def test_each_reading_of_the_marks_signs_the_amount_its_way(written: str, accounting: str, statement: str) -> None:
    text = f"Closing Balance: {written}"
    assert [m.value for m in find_amounts(text)] == [Decimal(accounting)]
    assert [m.value for m in find_amounts(text, marks="accounting")] == [Decimal(accounting)]
    assert [m.value for m in find_amounts(text, marks="statement")] == [Decimal(statement)]


@pytest.mark.parametrize("marks", ["accounting", "statement"])
def test_a_mark_is_read_only_as_a_word_after_a_sum_of_money(marks: CreditMarks) -> None:
    """`DRAFT`, `CREDIT` and a count before `DR` are no marks, under either reading."""
    for text in ("100.00 DRAFT", "100.00 CREDIT", "Page 2 DR", "DR 100.00"):
        assert all(m.value > 0 for m in find_amounts(text, marks=marks)), text


@pytest.mark.parametrize(
    ("doc_type", "written", "accepted", "rejected"),
    [
        (CREDIT_STATEMENT, "100.00 CR", "100.00", "-100.00"),
        (CREDIT_STATEMENT, "100.00 DR", "-100.00", "100.00"),
        (STATEMENT, "100.00 CR", "-100.00", "100.00"),
        (STATEMENT, "100.00 DR", "100.00", "-100.00"),
    ],
    ids=["statement-cr", "statement-dr", "accounting-cr", "accounting-dr"],
)
def test_a_claim_is_proved_by_its_quote_as_the_type_reads_the_mark(
    doc_type: DocumentType, written: str, accepted: str, rejected: str
) -> None:
    line = f"Closing Balance: {written}"
    source = SourceText(pages=(f"Bank Statement\nAccount: 12345678\n{line}\n",))

    def outcome(value: str) -> tuple[bool, str]:
        claim = FieldClaim(field="closing_balance", value=value, confidence=0.9, evidence=ClaimedEvidence(quote=line))
        result = check_field_claim(doc_type, claim, source, step="extract", claim_id="c1")
        return result.accepted, result.check

    assert outcome(accepted) == (True, "own_label")
    assert outcome(rejected) == (False, "value_not_in_quote")


@pytest.mark.parametrize(
    ("doc_type", "accepted", "rejected"),
    [(CREDIT_STATEMENT, ("-612.40", "100.00"), ("612.40", "-100.00")),
     (STATEMENT, ("612.40", "-100.00"), ("-612.40", "100.00"))],
    ids=["statement", "accounting"],
)  # fmt: skip
def test_a_rows_amount_cell_is_checked_as_the_type_reads_the_mark(
    doc_type: DocumentType, accepted: tuple[str, str], rejected: tuple[str, str]
) -> None:
    lines = ("2024-03-04  Card payment BRAKES  612.40 DR", "2024-03-07  Transfer from SQUARE  100.00 CR")
    source = SourceText(pages=("Bank Statement\nDate  Description  Amount\n" + "\n".join(lines) + "\n",))

    def accepts(line: str, amount: str) -> bool:
        cells = {"date": line[:10], "amount": amount}
        claim = RowClaim(table="transactions", cells=cells, evidence=ClaimedEvidence(quote=line))
        outcome, _ = check_row_claim(doc_type, claim, source, step="extract", claim_id="r1")
        return outcome.accepted

    assert [accepts(line, amount) for line, amount in zip(lines, accepted, strict=True)] == [True, True]
    assert [accepts(line, amount) for line, amount in zip(lines, rejected, strict=True)] == [False, False]


@pytest.mark.parametrize(
    ("doc_type", "found", "not_found"),
    [(CREDIT_STATEMENT, "250.00", "-250.00"), (STATEMENT, "-250.00", "250.00")],
    ids=["statement", "accounting"],
)
def test_a_reviewers_value_is_found_in_the_source_as_the_type_reads_the_mark(
    doc_type: DocumentType, found: str, not_found: str
) -> None:
    source = SourceText(pages=("Bank Statement\nClosing Balance: 250.00 CR\n",))
    spec = doc_type.field("closing_balance")
    assert spec is not None
    evidence = find_proving_evidence(doc_type, spec, found, source)
    assert evidence is not None and evidence.quote == "250.00"
    assert find_proving_evidence(doc_type, spec, not_found, source) is None


def test_check_value_reads_the_marks_as_accounting_does_unless_told() -> None:
    assert check_value("amount", "-100.00", "Total: 100.00 CR").ok
    assert not check_value("amount", "100.00", "Total: 100.00 CR").ok
    assert check_value("amount", "100.00", "Total: 100.00 CR", marks="statement").ok
    assert check_value("amount", "-100.00", "Total: 100.00 DR", marks="statement").ok


@pytest.mark.parametrize("doc_type", [INVOICE, RECEIPT, CONTRACT], ids=lambda t: t.name)
def test_the_built_in_types_read_the_marks_as_accounting_does(doc_type: DocumentType) -> None:
    assert doc_type.credit_marks == "accounting"
    assert doc_type.describe()["credit_marks"] == "accounting"


@pytest.mark.parametrize(
    ("doc_type", "page"),
    [(INVOICE, "CREDIT NOTE\nInvoice No.: CN-1\n{line}\n"), (RECEIPT, "CAFE NERO\nCashier: 4\n{line}\n")],
    ids=["invoice", "receipt"],
)
def test_the_built_in_totals_read_cr_negative_and_dr_as_no_sign_as_before(doc_type: DocumentType, page: str) -> None:
    for written, value, other in (("45.00 CR", "-45.00", "45.00"), ("45.00 DR", "45.00", "-45.00")):
        line = f"Total: {written}"
        source = SourceText(pages=(page.format(line=line),))

        def accepted(amount: str, line: str = line, source: SourceText = source) -> bool:
            claim = FieldClaim(field="total_amount", value=amount, confidence=0.9, evidence=ClaimedEvidence(quote=line))
            return check_field_claim(doc_type, claim, source, step="extract", claim_id="c1").accepted

        assert accepted(value), (doc_type.name, written)
        assert not accepted(other), (doc_type.name, written)
