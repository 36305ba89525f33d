"""The misses of a labelled set: which document got which field wrong or left it out, the unreviewed first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claimflow.doctypes import BUILTIN_TYPES
from claimflow.evals.dataset import Outcome
from claimflow.evals.manifest import LabelledDocument
from claimflow.evals.misses import misses, misses_of
from claimflow.evals.values import ClaimedValue, expected_counts
from claimflow.state.schema.catalog import DocumentTypes

TYPES = DocumentTypes(BUILTIN_TYPES)
ROWS = [{"description": "flyers", "amount": "120.00"}, {"description": "posters", "amount": "30.00"}]


def _outcome(
    doc_id: str, expected: dict[str, Any], values: list[ClaimedValue], *, status: str, doc_type: str = "invoice"
) -> Outcome:
    invoice = TYPES.find("invoice")
    assert invoice is not None
    doc = LabelledDocument(doc_id, Path(f"{doc_id}.txt"), "invoice", expected)
    return Outcome(doc, status, doc_type, tuple(values), (), expected_counts(invoice, expected))


def test_a_wrong_value_a_missing_one_and_a_table_column_are_each_a_miss_with_their_labels() -> None:
    outcome = _outcome(
        "inv-1",
        {"total_amount": "150.00", "invoice_number": "INV-1", "issue_date": "2024-03-05", "line_items": ROWS},
        [
            ClaimedValue("total_amount", "105.00", 0.9, False),
            ClaimedValue("issue_date", "2024-03-05", 0.9, True),
            ClaimedValue("line_items.amount", "120.00", None, True),
            ClaimedValue("line_items.amount", "3.00", None, False),
            ClaimedValue("line_items.description", "flyers", None, True),
        ],
        status="needs_review",
    )

    found = {miss.field: miss for miss in misses_of(outcome, TYPES)}

    assert set(found) == {"total_amount", "invoice_number", "line_items.amount", "line_items.description"}
    assert (found["total_amount"].wrong, found["total_amount"].missed) == (("105.00",), 1)
    assert found["total_amount"].expected == "150.00"
    assert (found["invoice_number"].wrong, found["invoice_number"].missed) == ((), 1)
    assert (found["line_items.amount"].wrong, found["line_items.amount"].missed) == (("3.00",), 1)
    assert found["line_items.amount"].expected == ["120.00", "30.00"]
    assert (found["line_items.description"].wrong, found["line_items.description"].missed) == ((), 1)
    assert not any(miss.unreviewed for miss in found.values())  # a reviewer sees these before the record


def test_a_value_claimed_where_the_labels_give_none_is_wrong_and_misses_nothing() -> None:
    outcome = _outcome("inv-2", {}, [ClaimedValue("due_date", "2024-12-15", 0.9, False)], status="completed")

    [miss] = misses_of(outcome, TYPES)

    assert (miss.field, miss.wrong, miss.missed, miss.expected, miss.unreviewed) == (
        "due_date", ("2024-12-15",), 0, None, True
    )  # fmt: skip


def test_a_document_of_another_type_misses_its_classification_first() -> None:
    outcome = _outcome("inv-3", {"total_amount": "9.00"}, [], status="needs_review", doc_type="receipt")

    assert [(miss.field, miss.wrong, miss.expected) for miss in misses_of(outcome, TYPES)] == [
        ("doc_type", ("receipt",), "invoice"),
        ("total_amount", (), "9.00"),
    ]


def test_wrong_values_that_went_unreviewed_come_first_then_the_manifests_order() -> None:
    def total(doc_id: str, claimed: str | None, status: str) -> Outcome:
        values = [ClaimedValue("total_amount", claimed, 0.9, claimed == "1.00")] if claimed else []
        return _outcome(doc_id, {"total_amount": "1.00"}, values, status=status)

    reviewed, silent = total("a", "2.00", "needs_review"), total("c", "7.00", "completed")
    missing = total("b", None, "completed")  # nothing wrong went into its record
    right = total("d", "1.00", "completed")

    found = misses([reviewed, missing, silent, right], TYPES)

    assert [(miss.document, miss.unreviewed) for miss in found] == [("c", True), ("a", False), ("b", False)]
    assert found[0].as_json() == {
        "document": "c", "doc_type": "invoice", "field": "total_amount", "wrong": ["7.00"], "missed": 1,
        "expected": "1.00", "status": "completed", "unreviewed": True,
    }  # fmt: skip
