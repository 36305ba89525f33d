"""The receipt's and the contract's declared rules."""

from __future__ import annotations

from datetime import date

import pytest

from claimflow.doctypes import CONTRACT, RECEIPT
from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document
from tests.factories import field_result, fields

TODAY = date(2024, 6, 1)


@pytest.mark.parametrize(("total", "passed"), [("62.80", True), ("0.01", True), ("0.00", False), ("-2.00", False)])
def test_receipt_total_must_be_positive(total: str, passed: bool) -> None:
    (result,) = RECEIPT.check({"total_amount": total}, today=TODAY)
    assert result.rule == "total_positive"
    assert result.passed is passed
    assert result.message == f"total {total} is {'positive' if passed else 'not positive'}"
    assert result.fields == ["total_amount"]


def test_receipt_without_a_total_has_no_total_rule() -> None:
    assert RECEIPT.check({}, today=TODAY) == []


def test_contract_parties_must_be_distinct() -> None:
    (distinct,) = CONTRACT.check({"parties": ["Northwind Traders Ltd.", "Blue Harbor LLC"]}, today=TODAY)
    assert distinct.passed
    (same,) = CONTRACT.check({"parties": ["Northwind Traders", "NORTHWIND  traders"]}, today=TODAY)
    assert not same.passed
    assert same.rule == "parties_distinct"
    assert same.message == "2 part(ies), 1 distinct"
    assert same.fields == ["parties"]


def test_contract_without_parties_has_no_party_rule() -> None:
    assert CONTRACT.check({}, today=TODAY) == []
    values = {"parties": field_result("parties", None, status="missing")}
    assert [r.rule for r in validate_document(CONTRACT, values, {}, Policy(), today=TODAY)] == [
        "required_fields_present"
    ]


def test_contract_rules_ignore_rejected_parties() -> None:
    values = {"parties": field_result("parties", ["ACME", "acme"], status="rejected")}
    results = validate_document(CONTRACT, values, {}, Policy(), today=TODAY)
    assert all(r.rule != "parties_distinct" for r in results)


def test_validate_document_does_not_run_invoice_rules_for_a_receipt() -> None:
    values = fields({"vendor_name": "Shop", "issue_date": "2024-03-12", "total_amount": "62.80",
                     "net_amount": "1.00", "tax_amount": "1.00"})  # fmt: skip
    results = validate_document(RECEIPT, values, {}, Policy(), today=TODAY, earlier_runs=("run-0",))
    assert {r.rule for r in results} == {"required_fields_present", "date_plausible", "total_positive"}
    assert all(r.passed for r in results)
