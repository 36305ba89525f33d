"""Receipt and contract rules."""

from __future__ import annotations

from datetime import date

import pytest

from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document
from claimflow.state.rules.contract import contract_rules
from claimflow.state.rules.receipt import receipt_rules
from tests.factories import field_result, fields


@pytest.mark.parametrize(("total", "passed"), [("62.80", True), ("0.01", True), ("0.00", False), ("-2.00", False)])
def test_receipt_total_must_be_positive(total: str, passed: bool) -> None:
    (result,) = receipt_rules(fields({"total_amount": total}))
    assert result.rule == "total_positive"
    assert result.passed is passed


def test_receipt_without_a_total_has_no_total_rule() -> None:
    assert receipt_rules({}) == []


def test_contract_parties_must_be_distinct() -> None:
    (distinct,) = contract_rules({"parties": field_result("parties", ["Northwind Traders Ltd.", "Blue Harbor LLC"])})
    assert distinct.passed
    (same,) = contract_rules({"parties": field_result("parties", ["Northwind Traders", "NORTHWIND  traders"])})
    assert not same.passed
    assert same.rule == "parties_distinct"
    assert same.message == "2 part(ies), 1 distinct"


def test_contract_without_parties_has_no_party_rule() -> None:
    assert contract_rules({}) == []
    assert contract_rules({"parties": field_result("parties", None, status="missing")}) == []


def test_validate_document_does_not_run_invoice_rules_for_a_receipt() -> None:
    values = fields({"vendor_name": "Shop", "issue_date": "2024-03-12", "total_amount": "62.80",
                     "net_amount": "1.00", "tax_amount": "1.00"})  # fmt: skip
    results = validate_document("receipt", values, [], Policy(), today=date(2024, 6, 1), duplicate_runs=["run-0"])
    assert {r.rule for r in results} == {"required_fields_present", "date_plausible", "total_positive"}
    assert all(r.passed for r in results)
