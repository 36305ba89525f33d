"""Rules are plain functions over a document's accepted values; records and keys follow the declaration."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimflow import Column, DocumentType, Field, RuleInput, RuleResult, rule
from claimflow.state.documents import DocumentRef
from claimflow.state.errors import RuleFailedError
from claimflow.state.evidence import Evidence
from claimflow.state.outcomes import Classification, FieldResult, TableRow
from claimflow.state.records import build_record, record_model
from claimflow.state.schema import DocumentTypes
from claimflow.state.workflow import WorkflowState


@rule("delivery_not_before_order", fields=["order_date", "delivery_date"])
def delivery_after_order(doc: RuleInput) -> RuleResult | None:
    """Goods are not delivered before they are ordered."""
    ordered, delivered = doc.date("order_date"), doc.date("delivery_date")
    if ordered is None or delivered is None:
        return None
    return doc.check(delivered >= ordered, f"delivery {delivered} vs order {ordered}")


@rule("lines_sum_to_total", fields=["lines", "total"], severity="info")
def lines_sum_to_total(doc: RuleInput) -> RuleResult | None:
    """The lines add up to the total."""
    total = doc.amount("total")
    if total is None or not doc.rows("lines"):
        return None
    lines = sum((row.amount("amount") or Decimal(0) for row in doc.rows("lines")), Decimal(0))
    return doc.check(abs(lines - total) <= doc.tolerance, f"lines {lines} vs total {total}")


@rule("not_seen_before", fields=["po_number"], reason="duplicate")
def not_seen_before(doc: RuleInput) -> RuleResult | None:
    """An order is processed once."""
    return doc.failed(f"seen in {', '.join(doc.earlier_runs)}") if doc.earlier_runs else doc.passed("new")


ORDER = DocumentType(
    name="purchase_order",
    description="An order a buyer sends a supplier.",
    fields=[
        Field("po_number", "identifier", required=True),
        Field("buyer", "text"),
        Field("order_date", "date"),
        Field("delivery_date", "date"),
        Field("express", "boolean"),
        Field("discount", "percentage"),
        Field("total", "amount"),
        Field("lines", "table", columns=[Column("description"), Column("amount", "amount", required=True)]),
    ],
    rules=[delivery_after_order, lines_sum_to_total, not_seen_before],
    duplicate_key=("buyer", "po_number"),
)


def test_a_rule_result_carries_the_rules_name_fields_severity_and_review_reason() -> None:
    results = {r.rule: r for r in ORDER.check({"order_date": "2024-03-10", "delivery_date": "2024-03-01"})}
    failed = results["delivery_not_before_order"]
    assert (failed.passed, failed.fields, failed.severity, failed.code) == (
        False, ["order_date", "delivery_date"], "review", "validation_failed",
    )  # fmt: skip
    assert "2024-03-01" in failed.message
    assert results["not_seen_before"].passed
    assert "lines_sum_to_total" not in results  # it does not apply without a total


def test_rules_see_table_rows_typed_and_the_policy_tolerance() -> None:
    rows = [{"description": "A", "amount": "10.00"}, {"description": "B", "amount": "5.00"}]
    (result,) = [r for r in ORDER.check({"total": "15.01"}, tables={"lines": rows}) if r.rule == "lines_sum_to_total"]
    assert result.passed and result.severity == "info"
    (strict,) = [
        r for r in ORDER.check({"total": "15.01"}, tables={"lines": rows}, tolerance=Decimal(0))
        if r.rule == "lines_sum_to_total"
    ]  # fmt: skip
    assert not strict.passed


def test_the_duplicate_rule_sees_earlier_runs_and_fails_as_a_duplicate() -> None:
    (result,) = [r for r in ORDER.check({}, earlier_runs=("run-7",)) if r.rule == "not_seen_before"]
    assert (result.passed, result.code, result.message) == (False, "duplicate", "seen in run-7")


def test_a_rule_must_return_a_rule_result() -> None:
    broken = rule("broken", fields=["total"])(lambda doc: True)  # type: ignore[arg-type,return-value]
    with pytest.raises(RuleFailedError, match="rule 'broken' returned True; a rule returns doc.check"):
        broken(RuleInput("broken", ("total",), {}))


def test_rule_input_reads_values_by_kind_and_ignores_rejected_ones() -> None:
    values = {
        "express": FieldResult(name="express", value="true", status="accepted", decided_by="c1"),
        "discount": FieldResult(name="discount", value="7.5", status="edited", decided_by="r"),
        "total": FieldResult(name="total", value="99.00", status="rejected", decided_by="c2"),
    }
    doc = RuleInput("r", ("total",), values)
    assert doc.boolean("express") is True
    assert doc.amount("discount") == Decimal("7.5")
    assert doc.amount("total") is None and not doc.has("total")


def test_the_duplicate_key_is_normalised_and_needs_every_key_field() -> None:
    def accepted(name: str, value: str) -> FieldResult:
        return FieldResult(name=name, value=value, status="accepted", decided_by="c")

    key = ORDER.key_of({"buyer": accepted("buyer", "ACME  Corp"), "po_number": accepted("po_number", "PO-17/A")})
    same = ORDER.key_of({"buyer": accepted("buyer", "acme corp"), "po_number": accepted("po_number", "po 17 a")})
    assert key is not None and key == same
    assert ORDER.key_of({"buyer": accepted("buyer", "ACME Corp")}) is None


def test_the_record_has_exactly_the_types_fields_typed_by_kind() -> None:
    evidence = Evidence(page=1, start=0, end=5, quote="x")
    state = WorkflowState(
        run_id="r1",
        document=DocumentRef(document_id="a" * 64, filename="po.pdf", media_type="application/pdf", size=1),
        classification=Classification(doc_type="purchase_order", confidence=0.9, accepted=True),
        fields={
            "order_date": FieldResult(name="order_date", value="2024-03-10", status="accepted", decided_by="c"),
            "express": FieldResult(name="express", value="false", status="accepted", decided_by="c"),
            "total": FieldResult(name="total", value="15.00", status="accepted", decided_by="c"),
        },
        tables={"lines": [TableRow(cells={"description": "A", "amount": "15.00"}, evidence=evidence)]},
    )
    record = build_record(state, DocumentTypes([ORDER]))
    assert record is not None and isinstance(record, record_model(ORDER))
    data = record.model_dump()
    assert set(data) == {"run_id", "document_id", "filename", "doc_type", *(f.name for f in ORDER.fields)}
    assert data["order_date"]["value"] == date(2024, 3, 10)
    assert data["express"]["value"] is False
    assert data["total"]["value"] == Decimal("15.00")
    assert data["lines"][0]["amount"] == Decimal("15.00") and data["lines"][0]["evidence"]["quote"] == "x"
    assert data["po_number"]["status"] == "missing"
