"""The built-in types as declarations: the active set, their fields, and the records built from them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from claimflow.doctypes import BUILTIN_TYPES, CONTRACT, INVOICE, RECEIPT
from claimflow.state.errors import UnknownDocumentTypeError
from claimflow.state.records import DocumentRecord, build_record
from claimflow.state.schema import DocumentTypes
from tests.factories import (
    INVOICE_SOURCE,
    PURCHASE_ORDER,
    TYPES,
    classified,
    clean_invoice_fields,
    evidence_at,
    invoice_state,
    make_state,
    table_row,
)


def test_the_built_in_types_are_active_in_order() -> None:
    assert BUILTIN_TYPES == (INVOICE, RECEIPT, CONTRACT)
    assert TYPES.names == ("invoice", "receipt", "contract")
    assert len(TYPES) == 3
    assert "receipt" in TYPES
    assert "unknown" not in TYPES
    assert list(TYPES) == list(BUILTIN_TYPES)


def test_a_type_is_looked_up_by_name() -> None:
    assert TYPES.get("contract") is CONTRACT
    assert TYPES.find("receipt") is RECEIPT
    assert TYPES.find("purchase_order") is None
    assert TYPES.find(None) is None
    with pytest.raises(UnknownDocumentTypeError, match="unknown document type 'purchase_order'; active: invoice, "):
        TYPES.get("purchase_order")
    with pytest.raises(UnknownDocumentTypeError, match="active: none"):
        DocumentTypes([]).get("invoice")


def test_the_invoice_declares_its_value_fields_and_its_item_table() -> None:
    assert [spec.name for spec in INVOICE.value_fields] == [
        "vendor_name", "invoice_number", "issue_date", "due_date", "currency", "net_amount", "tax_amount",
        "total_amount", "amount_due", "buyer_name", "vendor_tax_id", "order_number", "iban", "invoice_type",
        "invoice_type_code",
    ]  # fmt: skip
    (table,) = INVOICE.table_fields
    assert table.name == "line_items"
    assert [(c.name, c.kind, c.required) for c in table.columns] == [
        ("description", "text", False), ("quantity", "number", False), ("unit_price", "amount", False),
        ("amount", "amount", True),
    ]  # fmt: skip
    assert [spec.name for spec in INVOICE.fields if spec.required] == [
        "vendor_name", "invoice_number", "issue_date", "total_amount",
    ]  # fmt: skip
    assert INVOICE.risk_field == "total_amount"


def test_fields_are_looked_up_by_name_with_their_kind_and_labels() -> None:
    due = INVOICE.field("due_date")
    assert due is not None
    assert due.kind == "date"
    assert "Due Date" in due.labels
    vendor = INVOICE.field("vendor_name")
    assert vendor is not None
    assert "Bill to" in vendor.counter_labels
    assert INVOICE.field("parties") is None
    parties = CONTRACT.field("parties")
    assert parties is not None
    assert (parties.kind, parties.required, parties.multiple) == ("text", True, True)
    assert [spec.name for spec in RECEIPT.table_fields] == []


def test_the_record_of_an_invoice_has_typed_values_and_typed_rows() -> None:
    cells: dict[str, str | None] = {
        "description": "Hammer",
        "quantity": "2.00",
        "unit_price": "25.00",
        "amount": "50.00",
    }
    row = table_row(cells, evidence_at(INVOICE_SOURCE, 2, "50,00"))
    record = build_record(invoice_state(fields=clean_invoice_fields(), tables={"line_items": [row]}), TYPES)
    assert isinstance(record, DocumentRecord)
    assert (record.run_id, record.filename, record.doc_type) == ("run-1", "invoice-0042.pdf", "invoice")
    data = record.model_dump()
    assert data["issue_date"]["value"] == date(2024, 3, 12)
    assert data["total_amount"]["value"] == Decimal("160.65")
    assert data["vendor_name"]["status"] == "accepted"
    (line,) = data["line_items"]
    assert (line["description"], line["quantity"], line["amount"]) == ("Hammer", Decimal("2.00"), Decimal("50.00"))
    assert line["evidence"]["quote"] == "50,00"


def test_a_record_lists_every_declared_field_even_without_a_value() -> None:
    record = build_record(make_state(classification=classified("receipt")), TYPES)
    assert record is not None
    data = record.model_dump()
    assert set(data) == {"run_id", "document_id", "filename", "doc_type", *(spec.name for spec in RECEIPT.fields)}
    assert data["total_amount"]["status"] == "missing"


def test_no_record_without_an_active_type() -> None:
    assert build_record(make_state(classification=classified("unknown")), TYPES) is None
    assert build_record(invoice_state(fields=clean_invoice_fields()), DocumentTypes([PURCHASE_ORDER])) is None


def test_a_rule_that_raises_is_named_in_the_error() -> None:
    from claimflow import DocumentType, Field, RuleInput, RuleResult, rule
    from claimflow.state.errors import RuleFailedError

    @rule("amount_is_sane", fields=["amount"])
    def amount_is_sane(doc: RuleInput) -> RuleResult | None:
        raise ValueError("rule exploded")

    ticket = DocumentType(
        name="ticket", description="A ticket.", fields=[Field("amount", "amount")], rules=[amount_is_sane]
    )
    with pytest.raises(RuleFailedError, match="rule 'amount_is_sane' of document type 'ticket' raised ValueError"):
        ticket.check({"amount": "12.00"})
