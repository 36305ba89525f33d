"""Invoice rules: arithmetic within tolerance, line items, date order, duplicates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimflow.state.outcomes import FieldResult, LineItem, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document
from claimflow.state.rules.invoice import invoice_rules
from tests.factories import INVOICE, clean_invoice_fields, evidence_at, field_result, fields

TODAY = date(2024, 6, 1)


def _rule(results: list[RuleResult], name: str) -> RuleResult:
    (found,) = [r for r in results if r.rule == name]
    return found


def _item(amount: str) -> LineItem:
    return LineItem(description="Hammer", amount=amount, evidence=evidence_at(INVOICE, 2, "50,00"))


def _amounts(net: str, tax: str, total: str) -> dict[str, FieldResult]:
    return fields({"net_amount": net, "tax_amount": tax, "total_amount": total})


@pytest.mark.parametrize(
    ("total", "passed"),
    [("160.65", True), ("160.66", True), ("160.64", True), ("160.67", False), ("160.63", False), ("170.65", False)],
)
def test_net_plus_tax_equals_total_within_a_cent(total: str, passed: bool) -> None:
    result = _rule(invoice_rules(_amounts("135.00", "25.65", total), [], Policy(), duplicate_runs=[]),
                   "net_plus_tax_equals_total")  # fmt: skip
    assert result.passed is passed
    assert result.fields == ["net_amount", "tax_amount", "total_amount"]
    assert ("off by" in result.message) is not passed


def test_tolerance_comes_from_the_policy() -> None:
    loose = Policy(amount_tolerance=Decimal("0.05"))
    results = invoice_rules(_amounts("135.00", "25.65", "160.70"), [], loose, duplicate_runs=[])
    assert _rule(results, "net_plus_tax_equals_total").passed


def test_arithmetic_rule_needs_all_three_amounts() -> None:
    partial = fields({"net_amount": "135.00", "total_amount": "999.00"})
    assert invoice_rules(partial, [], Policy(), duplicate_runs=[]) == []


def test_rejected_amounts_are_not_used() -> None:
    amounts = _amounts("135.00", "25.65", "160.65")
    amounts["tax_amount"] = field_result("tax_amount", "99.00", status="rejected")
    assert not [r for r in invoice_rules(amounts, [], Policy(), duplicate_runs=[]) if r.rule.startswith("net")]


def test_edited_amounts_are_used() -> None:
    amounts = _amounts("135.00", "25.65", "160.65")
    amounts["total_amount"] = field_result("total_amount", "170.65", status="edited")
    assert not _rule(invoice_rules(amounts, [], Policy(), duplicate_runs=[]), "net_plus_tax_equals_total").passed


def test_line_items_sum_to_net() -> None:
    net = fields({"net_amount": "135.00"})
    passing = invoice_rules(net, [_item("50.00"), _item("85.00")], Policy(), duplicate_runs=[])
    assert _rule(passing, "line_items_sum_to_net").passed
    failing = invoice_rules(net, [_item("50.00"), _item("80.00")], Policy(), duplicate_runs=[])
    result = _rule(failing, "line_items_sum_to_net")
    assert not result.passed
    assert "sum to 130.00" in result.message


def test_line_items_tolerance_grows_with_the_number_of_lines() -> None:
    net = fields({"net_amount": "135.02"})
    two_lines = [_item("50.00"), _item("85.00")]
    assert _rule(invoice_rules(net, two_lines, Policy(), duplicate_runs=[]), "line_items_sum_to_net").passed
    one_line = [_item("135.00")]
    assert not _rule(invoice_rules(net, one_line, Policy(), duplicate_runs=[]), "line_items_sum_to_net").passed


def test_no_line_items_means_no_line_rule() -> None:
    results = invoice_rules(fields({"net_amount": "135.00"}), [], Policy(), duplicate_runs=[])
    assert all(r.rule != "line_items_sum_to_net" for r in results)


@pytest.mark.parametrize(
    ("issue", "due", "passed"),
    [("2024-03-12", "2024-04-11", True), ("2024-03-12", "2024-03-12", True), ("2024-03-12", "2024-03-11", False)],
)
def test_due_date_before_issue_date_fails(issue: str, due: str, passed: bool) -> None:
    results = invoice_rules(fields({"issue_date": issue, "due_date": due}), [], Policy(), duplicate_runs=[])
    result = _rule(results, "due_date_not_before_issue_date")
    assert result.passed is passed


def test_duplicate_invoice_runs_fail() -> None:
    known = fields({"vendor_name": "ACME Tools GmbH", "invoice_number": "INV-2024-0042"})
    fresh = _rule(invoice_rules(known, [], Policy(), duplicate_runs=[]), "invoice_number_not_seen_for_vendor")
    assert fresh.passed
    duplicate = _rule(
        invoice_rules(known, [], Policy(), duplicate_runs=["run-0", "run-7"]), "invoice_number_not_seen_for_vendor"
    )
    assert not duplicate.passed
    assert "run-0, run-7" in duplicate.message


def test_duplicate_check_needs_vendor_and_number() -> None:
    only_number = fields({"invoice_number": "INV-2024-0042"})
    assert invoice_rules(only_number, [], Policy(), duplicate_runs=["run-0"]) == []


def test_validate_document_runs_common_and_invoice_rules() -> None:
    results = validate_document(
        "invoice", clean_invoice_fields(), [_item("50.00"), _item("85.00")], Policy(), today=TODAY, duplicate_runs=[]
    )
    assert {r.rule for r in results} == {
        "required_fields_present",
        "date_plausible",
        "net_plus_tax_equals_total",
        "line_items_sum_to_net",
        "due_date_not_before_issue_date",
        "invoice_number_not_seen_for_vendor",
    }
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]
