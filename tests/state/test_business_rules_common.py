"""Rules every type shares: required fields (and required tables) present, dates plausible."""

from __future__ import annotations

from datetime import date

import pytest

from claimflow.doctypes import CONTRACT, INVOICE
from claimflow.state.policy import Policy
from claimflow.state.rules import dates_plausible, required_present, validate_document
from claimflow.state.schema import Column, DocumentType, Field
from tests.factories import INVOICE_SOURCE, TYPES, clean_invoice_fields, evidence_at, field_result, fields, table_row

TODAY = date(2024, 6, 1)

TIMESHEET = DocumentType(
    name="timesheet",
    description="Hours worked per day by one person.",
    fields=[
        Field("employee", "text", required=True),
        Field("week_of", "date"),
        Field("days", "table", required=True, columns=[Column("hours", "amount", required=True)]),
    ],
)
"""A user type with a required table."""


def test_required_fields_present_passes_when_all_have_values() -> None:
    result = required_present(INVOICE, clean_invoice_fields(), {})
    assert result.passed
    assert result.rule == "required_fields_present"
    assert result.message == "all required fields have values"


def test_required_fields_missing_rejected_or_empty_fail() -> None:
    values = clean_invoice_fields()
    del values["vendor_name"]
    values["invoice_number"] = field_result("invoice_number", None, status="missing")
    values["total_amount"] = field_result("total_amount", "160.65", status="rejected")
    values["issue_date"] = field_result("issue_date", "", status="accepted")
    result = required_present(INVOICE, values, {})
    assert not result.passed
    assert result.fields == ["vendor_name", "invoice_number", "issue_date", "total_amount"]
    assert result.message == (
        "required field(s) without an accepted value: vendor_name, invoice_number, issue_date, total_amount"
    )
    assert result.code == "missing_required"


def test_optional_fields_are_not_required() -> None:
    values = clean_invoice_fields()
    for name in ("due_date", "currency", "net_amount", "tax_amount"):
        del values[name]
    assert required_present(INVOICE, values, {}).passed


def test_an_optional_table_without_rows_is_not_missing() -> None:
    assert required_present(INVOICE, clean_invoice_fields(), {"line_items": []}).passed


def test_edited_required_field_counts() -> None:
    parties = {"parties": field_result("parties", ["A", "B"], status="edited")}
    assert required_present(CONTRACT, parties, {}).passed
    assert not required_present(CONTRACT, {"parties": field_result("parties", [], status="edited")}, {}).passed


def test_a_required_table_needs_at_least_one_row() -> None:
    employee = fields({"employee": "J. Doe"})
    without = required_present(TIMESHEET, employee, {"days": []})
    assert (without.passed, without.fields) == (False, ["days"])
    assert not required_present(TIMESHEET, employee, {}).passed
    row = table_row({"hours": "8.00"}, evidence_at(INVOICE_SOURCE, 1, "INVOICE"))
    assert required_present(TIMESHEET, employee, {"days": [row]}).passed


@pytest.mark.parametrize(
    ("value", "passed"),
    [
        ("2024-03-12", True),
        ("1970-01-01", True),
        ("1969-12-31", False),
        ("2025-06-01", True),  # today + 365 days
        ("2025-06-02", True),  # today + 366 days, the edge
        ("2025-06-03", False),
        ("2099-01-01", False),
    ],
)
def test_dates_are_plausible_between_1970_and_a_year_ahead(value: str, passed: bool) -> None:
    (result,) = dates_plausible(INVOICE, fields({"issue_date": value}), today=TODAY)
    assert result.rule == "date_plausible"
    assert result.passed is passed
    assert result.fields == ["issue_date"]


def test_only_usable_dates_are_checked() -> None:
    values = {
        "issue_date": field_result("issue_date", "1900-01-01", status="rejected"),
        "vendor_name": field_result("vendor_name", "ACME"),
        "due_date": field_result("due_date", "1900-01-01"),
    }
    results = dates_plausible(INVOICE, values, today=TODAY)
    assert [(r.fields, r.passed) for r in results] == [(["due_date"], False)]


@pytest.mark.parametrize("doc_type", TYPES.names)
def test_validate_document_flags_missing_required_fields(doc_type: str) -> None:
    results = validate_document(TYPES.get(doc_type), {}, {}, Policy(), today=TODAY)
    (required,) = [r for r in results if r.rule == "required_fields_present"]
    assert not required.passed
    assert required.code == "missing_required"


def test_validate_document_runs_the_common_rules_for_a_type_without_rules_of_its_own() -> None:
    values = fields({"employee": "J. Doe", "week_of": "1900-01-01"})
    results = validate_document(TIMESHEET, values, {}, Policy(), today=TODAY)
    assert [(r.rule, r.passed) for r in results] == [("required_fields_present", False), ("date_plausible", False)]


def test_only_date_fields_are_checked_for_plausibility() -> None:
    values = {
        "invoice_number": field_result("invoice_number", "2031-05-01"),
        "due_date": field_result("due_date", "2031-05-01"),
    }
    results = dates_plausible(INVOICE, values, today=TODAY)
    assert [(r.fields, r.passed) for r in results] == [(["due_date"], False)]


def test_each_date_of_a_multiple_date_field_is_checked() -> None:
    visits = DocumentType(
        name="visit_log",
        description="Dates of site visits.",
        fields=[Field("visit_dates", "date", multiple=True, labels=("Visited",))],
    )
    values = {"visit_dates": field_result("visit_dates", ["2024-03-12", "2099-01-01"])}
    results = dates_plausible(visits, values, today=TODAY)
    assert [(r.passed, r.message.split(" is ")[0]) for r in results] == [
        (True, "visit_dates 2024-03-12"),
        (False, "visit_dates 2099-01-01"),
    ]
