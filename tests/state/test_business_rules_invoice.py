"""The invoice type's declared rules: arithmetic within tolerance, line items, date order, duplicates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimflow.doctypes import INVOICE
from claimflow.state.outcomes import RuleResult, TableRow
from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document
from tests.factories import INVOICE_SOURCE, clean_invoice_fields, evidence_at, field_result, table_row

TODAY = date(2024, 6, 1)


def _rule(results: list[RuleResult], name: str) -> RuleResult:
    (found,) = [r for r in results if r.rule == name]
    return found


def _lines(*amounts: str) -> dict[str, list[dict[str, str | None]]]:
    return {"line_items": [{"description": "Hammer", "amount": amount} for amount in amounts]}


def _row(amount: str) -> TableRow:
    cells: dict[str, str | None] = {"description": "Hammer", "quantity": None, "unit_price": None, "amount": amount}
    return table_row(cells, evidence_at(INVOICE_SOURCE, 2, "50,00"))


def _amounts(net: str, tax: str, total: str) -> dict[str, str | list[str]]:
    return {"net_amount": net, "tax_amount": tax, "total_amount": total}


def test_the_invoice_declares_its_rules_in_order() -> None:
    assert [r.name for r in INVOICE.rules] == [
        "net_plus_tax_equals_total",
        "line_items_sum_to_net",
        "due_date_not_before_issue_date",
        "amount_due_not_above_total",
        "invoice_type_code_matches_type",
        "invoice_number_not_seen_for_vendor",
    ]


@pytest.mark.parametrize(
    ("total", "passed"),
    [("160.65", True), ("160.66", True), ("160.64", True), ("160.67", False), ("160.63", False), ("170.65", False)],
)
def test_net_plus_tax_equals_total_within_a_cent(total: str, passed: bool) -> None:
    result = _rule(INVOICE.check(_amounts("135.00", "25.65", total), today=TODAY), "net_plus_tax_equals_total")
    assert result.passed is passed
    assert result.fields == ["net_amount", "tax_amount", "total_amount"]
    assert ("off by" in result.message) is not passed
    assert result.code == "validation_failed"


def test_net_plus_tax_message_shows_the_sum_and_the_difference() -> None:
    (result,) = INVOICE.check(_amounts("135", "25.65", "170.65"), today=TODAY)
    assert result.message == "135.00 + 25.65 = 160.65, total is 170.65 (off by -10.00)"
    (ok,) = INVOICE.check(_amounts("135.00", "25.65", "160.65"), today=TODAY)
    assert ok.message == "135.00 + 25.65 = 160.65, total is 160.65"


def test_tolerance_comes_from_the_policy() -> None:
    values = {name: field_result(name, value) for name, value in _amounts("135.00", "25.65", "160.70").items()}
    loose = validate_document(INVOICE, values, {}, Policy(amount_tolerance=Decimal("0.05")), today=TODAY)
    strict = validate_document(INVOICE, values, {}, Policy(), today=TODAY)
    assert _rule(loose, "net_plus_tax_equals_total").passed
    assert not _rule(strict, "net_plus_tax_equals_total").passed


def test_arithmetic_rule_needs_all_three_amounts() -> None:
    assert INVOICE.check({"net_amount": "135.00", "total_amount": "999.00"}, today=TODAY) == []


def test_rejected_amounts_are_not_used() -> None:
    values = {name: field_result(name, value) for name, value in _amounts("135.00", "25.65", "160.65").items()}
    values["tax_amount"] = field_result("tax_amount", "99.00", status="rejected")
    results = validate_document(INVOICE, values, {}, Policy(), today=TODAY)
    assert not [r for r in results if r.rule == "net_plus_tax_equals_total"]


def test_edited_amounts_are_used() -> None:
    values = {name: field_result(name, value) for name, value in _amounts("135.00", "25.65", "160.65").items()}
    values["total_amount"] = field_result("total_amount", "170.65", status="edited")
    results = validate_document(INVOICE, values, {}, Policy(), today=TODAY)
    assert not _rule(results, "net_plus_tax_equals_total").passed


def test_line_items_sum_to_net() -> None:
    net = {"net_amount": "135.00"}
    assert _rule(INVOICE.check(net, tables=_lines("50.00", "85.00"), today=TODAY), "line_items_sum_to_net").passed
    result = _rule(INVOICE.check(net, tables=_lines("50.00", "80.00"), today=TODAY), "line_items_sum_to_net")
    assert not result.passed
    assert result.message == "2 line(s) sum to 130.00, net amount is 135.00"
    assert result.fields == ["net_amount"]


def test_line_items_tolerance_grows_with_the_number_of_lines() -> None:
    net = {"net_amount": "135.02"}
    assert _rule(INVOICE.check(net, tables=_lines("50.00", "85.00"), today=TODAY), "line_items_sum_to_net").passed
    assert not _rule(INVOICE.check(net, tables=_lines("135.00"), today=TODAY), "line_items_sum_to_net").passed


def test_line_items_tolerance_comes_from_the_policy_too() -> None:
    net = {"net_amount": "135.10"}
    tables = _lines("50.00", "85.00")
    assert not _rule(INVOICE.check(net, tables=tables, today=TODAY), "line_items_sum_to_net").passed
    loose = INVOICE.check(net, tables=tables, today=TODAY, tolerance=Decimal("0.05"))
    assert _rule(loose, "line_items_sum_to_net").passed


def test_no_line_items_means_no_line_rule() -> None:
    without = INVOICE.check({"net_amount": "135.00"}, today=TODAY)
    empty = INVOICE.check({"net_amount": "135.00"}, tables={"line_items": []}, today=TODAY)
    assert all(r.rule != "line_items_sum_to_net" for r in [*without, *empty])


@pytest.mark.parametrize(
    ("issue", "due", "passed"),
    [("2024-03-12", "2024-04-11", True), ("2024-03-12", "2024-03-12", True), ("2024-03-12", "2024-03-11", False)],
)
def test_due_date_before_issue_date_fails(issue: str, due: str, passed: bool) -> None:
    result = _rule(INVOICE.check({"issue_date": issue, "due_date": due}, today=TODAY), "due_date_not_before_issue_date")
    assert result.passed is passed
    assert result.fields == ["issue_date", "due_date"]
    assert result.message == f"due {due} {'is not' if passed else 'is'} before issue {issue}"


def test_duplicate_invoice_runs_fail_as_a_duplicate() -> None:
    known = {"vendor_name": "ACME Tools GmbH", "invoice_number": "INV-2024-0042"}
    (fresh,) = INVOICE.check(known, today=TODAY)
    assert fresh.rule == "invoice_number_not_seen_for_vendor"
    assert fresh.passed
    assert fresh.message == "invoice number not seen before for this vendor"
    (duplicate,) = INVOICE.check(known, today=TODAY, earlier_runs=("run-0", "run-7"))
    assert not duplicate.passed
    assert duplicate.message == (
        "invoice number already seen for this vendor in run(s) run-0, run-7 (completed, or under way or in review"
        " since before this one)"
    )
    assert duplicate.code == "duplicate"
    assert duplicate.fields == ["vendor_name", "invoice_number"]


def test_duplicate_check_needs_vendor_and_number() -> None:
    assert INVOICE.check({"invoice_number": "INV-2024-0042"}, today=TODAY, earlier_runs=("run-0",)) == []


def test_the_duplicate_key_is_the_vendor_and_the_invoice_number() -> None:
    assert INVOICE.duplicate_key == ("vendor_name", "invoice_number")
    same = INVOICE.key_of(clean_invoice_fields())
    assert same is not None
    respaced = clean_invoice_fields()
    respaced["vendor_name"] = field_result("vendor_name", "acme tools  GMBH")
    respaced["invoice_number"] = field_result("invoice_number", "INV 2024 0042")
    assert INVOICE.key_of(respaced) == same
    other = clean_invoice_fields()
    other["invoice_number"] = field_result("invoice_number", "INV-2024-0043")
    assert INVOICE.key_of(other) != same


def test_validate_document_runs_common_and_invoice_rules() -> None:
    tables = {"line_items": [_row("50.00"), _row("85.00")]}
    results = validate_document(INVOICE, clean_invoice_fields(), tables, Policy(), today=TODAY)
    assert {r.rule for r in results} == {
        "required_fields_present",
        "date_plausible",
        "net_plus_tax_equals_total",
        "line_items_sum_to_net",
        "due_date_not_before_issue_date",
        "invoice_number_not_seen_for_vendor",
    }
    assert all(r.passed for r in results), [r.message for r in results if not r.passed]


def test_validate_document_passes_earlier_runs_to_the_duplicate_rule() -> None:
    results = validate_document(INVOICE, clean_invoice_fields(), {}, Policy(), today=TODAY, earlier_runs=("run-0",))
    duplicate = _rule(results, "invoice_number_not_seen_for_vendor")
    assert (duplicate.passed, duplicate.code) == (False, "duplicate")
    assert [r.rule for r in results if not r.passed] == ["invoice_number_not_seen_for_vendor"]
