"""Rules every type shares: required fields present, dates plausible."""

from __future__ import annotations

from datetime import date

import pytest

from claimflow.state.fields import DocType
from claimflow.state.policy import Policy
from claimflow.state.rules import dates_plausible, required_present, validate_document
from tests.factories import clean_invoice_fields, field_result, fields

TODAY = date(2024, 6, 1)


def test_required_fields_present_passes_when_all_have_values() -> None:
    result = required_present("invoice", clean_invoice_fields())
    assert result.passed
    assert result.rule == "required_fields_present"


def test_required_fields_missing_rejected_or_empty_fail() -> None:
    values = clean_invoice_fields()
    del values["vendor_name"]
    values["invoice_number"] = field_result("invoice_number", None, status="missing")
    values["total_amount"] = field_result("total_amount", "160.65", status="rejected")
    values["issue_date"] = field_result("issue_date", "", status="accepted")
    result = required_present("invoice", values)
    assert not result.passed
    assert result.fields == ["vendor_name", "invoice_number", "issue_date", "total_amount"]


def test_optional_fields_are_not_required() -> None:
    values = clean_invoice_fields()
    for name in ("due_date", "currency", "net_amount", "tax_amount"):
        del values[name]
    assert required_present("invoice", values).passed


def test_edited_required_field_counts() -> None:
    parties = {"parties": field_result("parties", ["A", "B"], status="edited")}
    assert required_present("contract", parties).passed
    assert not required_present("contract", {"parties": field_result("parties", [], status="edited")}).passed


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
    (result,) = dates_plausible(fields({"issue_date": value}), today=TODAY)
    assert result.rule == "date_plausible"
    assert result.passed is passed
    assert result.fields == ["issue_date"]


def test_only_usable_dates_are_checked() -> None:
    values = {
        "issue_date": field_result("issue_date", "1900-01-01", status="rejected"),
        "vendor_name": field_result("vendor_name", "ACME"),
        "due_date": field_result("due_date", "1900-01-01"),
    }
    results = dates_plausible(values, today=TODAY)
    assert [(r.fields, r.passed) for r in results] == [(["due_date"], False)]


@pytest.mark.parametrize("doc_type", ["invoice", "receipt", "contract"])
def test_validate_document_flags_missing_required_fields(doc_type: DocType) -> None:
    results = validate_document(doc_type, {}, [], Policy(), today=TODAY, duplicate_runs=[])
    (required,) = [r for r in results if r.rule == "required_fields_present"]
    assert not required.passed
