"""A document type declared in user code runs through the whole engine like a built-in one.

The type (`_purchase_order.py`) brings no extractor or detector: the rules backend classifies it by its
title and labels and reads it with the generic label extractor; its own rules and duplicate key apply.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from claimflow import ClaimedEvidence, ExtractionClaim, FieldClaim, ReviewDecision
from claimflow.doctypes import BUILTIN_TYPES
from claimflow.nodes.ports import ModelInput
from claimflow.runtime.backends import rules
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.explain import claims_of, routes_of
from claimflow.runtime.settings import Settings
from claimflow.state.outcomes import FieldResult, RuleResult
from claimflow.state.policy import Policy
from claimflow.state.rules import validate_document
from claimflow.state.schema import DocumentType
from tests.integration._docs import MEMO, invoice_text, json_lines, run_cli, write
from tests.integration._fake_models import ScriptedGateway
from tests.integration._purchase_order import PURCHASE_ORDER, SUPPLIER, purchase_order_text

TYPES = (*BUILTIN_TYPES, PURCHASE_ORDER)
TYPES_FILE = Path(__file__).parent / "_purchase_order.py"
EXPECTED = {
    "po_number": "PO-4711",
    "supplier": SUPPLIER,
    "order_date": "2024-03-05",
    "delivery_date": "2024-03-20",
    "currency": "GBP",
    "total_amount": "150.00",
}
ITEMS = [
    {"description": "Steel brackets", "quantity": "10.00", "amount": "120.00"},
    {"description": "Hinges", "quantity": "5.00", "amount": "30.00"},
]


async def _codes(engine: Engine, run_id: str) -> list[str]:
    state = await engine.state(run_id)
    assert state is not None
    return [reason.code for reason in state.review_reasons]


async def test_a_declared_type_is_classified_extracted_and_checked_by_the_rules_backend(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "po.txt", purchase_order_text())
    async with open_engine(Settings(data_dir=data_dir), types=TYPES) as engine:
        assert engine.types.names == ("invoice", "receipt", "contract", "purchase_order")
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        view = (await engine.view(row.run_id)).model_dump(mode="json")
        record = await engine.record(row.run_id)
        events = await engine.registry.events(row.run_id)
        assert state is not None and state.text is not None
        pages = (await engine.store.load_text(state.text)).pages

    assert row.status == "completed", row.error
    assert row.doc_type == "purchase_order" and state.doc_type == "purchase_order"
    assert {name: result.value for name, result in state.fields.items()} == EXPECTED
    for name, result in state.fields.items():
        assert result.status == "accepted", (name, result.reasons)
        assert result.evidence, f"{name} has no evidence"
        for evidence in result.evidence:
            assert pages[evidence.page - 1][evidence.start : evidence.end] == evidence.quote, name
    # The item table was read under its header, each row quoting the line it is written on.
    rows = state.tables["items"]
    assert [row_.cells for row_ in rows] == ITEMS
    assert [pages[r.evidence.page - 1][r.evidence.start : r.evidence.end] for r in rows] == [
        r.evidence.quote for r in rows
    ]
    assert rows[0].evidence.quote.startswith("Steel brackets") and rows[1].evidence.quote.startswith("Hinges")
    # The type's own rules ran, next to the common ones, and passed.
    passed = {result.rule: result.passed for result in state.rule_results}
    assert passed["delivery_not_before_order"] is True and passed["items_sum_to_total"] is True
    assert passed["po_number_not_seen_for_supplier"] is True and passed["required_fields_present"] is True
    # The graph's per-type nodes did the work, and the model step used the type's own prompt.
    routes = routes_of(events)
    assert ("route_type", "extract_purchase_order") in [(r.router, r.target) for r in routes]
    assert ("route_validation", "finalize") == (routes[-1].router, routes[-1].target)
    prompts = [e["data"]["prompt"] for e in events if e["type"] == "model.called"]
    assert prompts == ["classify@3", "extract_purchase_order@1+t2"]  # its columns have labels: template 2
    # The run view lists every declared field, the table as its rows; the record is typed by the declaration.
    assert view["doc_type"] == "purchase_order" and view["status"] == "completed"
    assert list(view["fields"]) == [spec.name for spec in PURCHASE_ORDER.fields]
    assert view["fields"]["items"]["value"] == ITEMS and view["fields"]["items"]["status"] == "accepted"
    assert len(view["fields"]["items"]["evidence"]) == 2
    assert record is not None and record.doc_type == "purchase_order"
    assert record.total_amount.value == Decimal("150.00")
    assert [item.amount for item in record.items] == [Decimal("120.00"), Decimal("30.00")]


async def test_a_failing_rule_of_a_declared_type_sends_the_document_to_review(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "po.txt", purchase_order_text(delivery_date="01.03.2024"))
    async with open_engine(Settings(data_dir=data_dir), types=TYPES) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        codes = await _codes(engine, row.run_id)

    assert row.status == "needs_review"
    assert codes == ["validation_failed"]
    assert pending is not None and pending.request.doc_type == "purchase_order"
    [reason] = pending.request.reasons
    assert "delivery_not_before_order" in reason.message and "2024-03-01" in reason.message
    assert {field.name for field in pending.request.fields} == {spec.name for spec in PURCHASE_ORDER.value_fields}
    assert "delivery_date" in pending.request.editable_fields
    assert pending.request.doc_types == ["invoice", "receipt", "contract", "purchase_order"]


async def test_an_edit_with_cited_evidence_settles_a_declared_types_rule(data_dir: Path, docs_dir: Path) -> None:
    text = purchase_order_text(delivery_date="01.03.2024") + "Note: deliver on 25.03.2024 instead\n"
    path = write(docs_dir, "po.txt", text)
    async with open_engine(Settings(data_dir=data_dir), types=TYPES) as engine:
        [row] = await process_files(engine, [path])
        assert row.status == "needs_review"
        decision = ReviewDecision(
            reviewer="ann",
            action="edit",
            edits={"delivery_date": ["2024-03-25"]},
            evidence={"delivery_date": ClaimedEvidence(quote="deliver on 25.03.2024", page=1)},
        )
        row = await engine.decide(row.run_id, decision)
        state = await engine.state(row.run_id)
        routes = routes_of(await engine.registry.events(row.run_id))

    assert row.status == "completed"
    assert state is not None
    edited = state.fields["delivery_date"]
    assert (edited.value, edited.status) == ("2024-03-25", "edited")
    assert [e.quote for e in edited.evidence] == ["deliver on 25.03.2024"]
    assert {r.rule: r.passed for r in state.rule_results}["delivery_not_before_order"] is True
    assert [(r.router, r.target) for r in routes[-2:]] == [
        ("route_review", "validate_purchase_order"),
        ("route_validation", "finalize"),
    ]


async def test_the_duplicate_key_of_a_declared_type_finds_the_earlier_run(data_dir: Path, docs_dir: Path) -> None:
    first = write(docs_dir, "first.txt", purchase_order_text("PO-4711"))
    # The same supplier and number, the number written differently: keys compare identifiers by letters and digits.
    second = write(docs_dir, "second.txt", purchase_order_text("PO/4711") + "Thank you.\n")
    other = write(docs_dir, "other.txt", purchase_order_text("PO-4712"))
    async with open_engine(Settings(data_dir=data_dir), types=TYPES) as engine:
        rows = await process_files(engine, [first, second, other])
        codes = await _codes(engine, rows[1].run_id)
        state = await engine.state(rows[1].run_id)

    assert [row.status for row in rows] == ["completed", "needs_review", "completed"]
    assert codes == ["duplicate"]  # the rule declared reason="duplicate"
    assert state is not None
    [rule] = [r for r in state.rule_results if r.rule == "po_number_not_seen_for_supplier"]
    assert not rule.passed and rule.code == "duplicate" and rows[0].run_id in rule.message


async def test_a_declared_key_alone_sends_a_document_seen_before_to_review(data_dir: Path, docs_dir: Path) -> None:
    # The type keeps its key but not its own duplicate rule: declaring the key is enough.
    keyed = replace(PURCHASE_ORDER, rules=[rule for rule in PURCHASE_ORDER.rules if rule.reason != "duplicate"])
    first = write(docs_dir, "first.txt", purchase_order_text("PO-4711"))
    second = write(docs_dir, "second.txt", purchase_order_text("PO/4711") + "Thank you.\n")
    other = write(docs_dir, "other.txt", purchase_order_text("PO-4712"))
    async with open_engine(Settings(data_dir=data_dir), types=(*BUILTIN_TYPES, keyed)) as engine:
        rows = await process_files(engine, [first, second, other])
        codes = await _codes(engine, rows[1].run_id)
        first_state, second_state = await engine.state(rows[0].run_id), await engine.state(rows[1].run_id)

    assert [row.status for row in rows] == ["completed", "needs_review", "completed"]
    assert codes == ["duplicate"]
    assert first_state is not None and second_state is not None
    [seen] = [r for r in second_state.rule_results if r.rule == "not_seen_before"]
    assert not seen.passed and seen.code == "duplicate" and rows[0].run_id in seen.message
    assert seen.fields == ["supplier", "po_number"]
    assert [r.passed for r in first_state.rule_results if r.rule == "not_seen_before"] == [True]
    # With its own duplicate rule, the type judges duplicates alone: the common rule stays out of its way.
    assert "not_seen_before" not in {r.rule for r in validate_rules(PURCHASE_ORDER)}


def validate_rules(doc_type: DocumentType) -> list[RuleResult]:
    """The common and own rules' results for a document of `doc_type` with its whole key and an earlier run."""
    fields = {
        name: FieldResult(
            name=name, status="accepted", value="PO-1" if name == "po_number" else SUPPLIER, decided_by="claim-1"
        )
        for name in doc_type.duplicate_key
    }
    return validate_document(doc_type, fields, {}, Policy(), today=date(2024, 3, 1), earlier_runs=("abc",))


async def test_only_the_active_types_are_offered(data_dir: Path, docs_dir: Path) -> None:
    invoice = write(docs_dir, "invoice.txt", invoice_text())
    memo = write(docs_dir, "memo.txt", MEMO)
    async with open_engine(Settings(data_dir=data_dir), types=[PURCHASE_ORDER]) as engine:
        rows = await process_files(engine, [invoice, memo])
        pending = await engine.pending_review(rows[0].run_id)
        state = await engine.state(rows[0].run_id)

    assert [row.status for row in rows] == ["needs_review", "needs_review"]
    assert pending is not None and pending.request.doc_types == ["purchase_order"]
    assert state is not None and [r.code for r in state.review_reasons] == ["unknown_type"]
    message = state.review_reasons[0].message
    assert "purchase_order" in message and "invoice" not in message


def _supplier_from_ship_to(request: ModelInput) -> ExtractionClaim:
    """The generic extractor's claim, with the supplier read from the delivery address instead."""
    assert request.doc_type is not None
    base = rules.extract(request.doc_type, request.pages)
    wrong = FieldClaim(
        field="supplier",
        value="Northwind Widgets Ltd",
        confidence=0.95,
        evidence=ClaimedEvidence(quote="Ship to: Northwind Widgets Ltd", page=1),
    )
    return base.model_copy(update={"fields": [*(f for f in base.fields if f.field != "supplier"), wrong]})


def _scripted(answer: Callable[[ModelInput], ExtractionClaim]) -> ScriptedGateway:
    return ScriptedGateway("fake:model", {"extract_purchase_order": answer})


async def test_a_value_under_a_counter_label_is_rejected_for_a_declared_field(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "po.txt", purchase_order_text())
    async with open_engine(
        Settings(data_dir=data_dir), types=TYPES, gateway=_scripted(_supplier_from_ship_to)
    ) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        claims = claims_of(await engine.registry.events(row.run_id))

    assert row.status == "needs_review"
    assert state is not None
    [claim] = [c for c in claims if c.field == "supplier"]
    assert not claim.accepted and claim.check == "counter_label" and claim.label == "Ship to"
    assert state.fields["supplier"].status == "rejected" and state.fields["supplier"].value is None
    assert "missing_required" in [r.code for r in state.review_reasons]


def test_the_cli_loads_a_declared_type_from_a_file(tmp_path: Path) -> None:
    doc = write(tmp_path / "docs", "po.txt", purchase_order_text())
    data = tmp_path / "data"
    result = run_cli("run", doc, "--json", "--types", TYPES_FILE, "--data-dir", data)
    assert result.returncode == 0, result.stderr
    [view] = json_lines(result.stdout)
    assert (view["status"], view["doc_type"]) == ("completed", "purchase_order")
    assert {name: field["value"] for name, field in view["fields"].items()} == {**EXPECTED, "items": ITEMS}

    shown = run_cli("show", view["run_id"], "--json", "--types", TYPES_FILE, "--data-dir", data)
    assert shown.returncode == 0, shown.stderr
    # The same object, but for what `run --json` adds of where the run comes from.
    run_only = {"new", "in_progress_elsewhere"}
    assert json_lines(shown.stdout) == [{key: value for key, value in view.items() if key not in run_only}]
