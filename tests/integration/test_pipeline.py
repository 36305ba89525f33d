"""Whole documents through the real engine in-process: registry, blobs and checkpoints in SQLite."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from pathlib import Path

from claimflow.doctypes import INVOICE
from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import Engine, open_engine
from claimflow.runtime.explain import routes_of
from claimflow.runtime.ingest import IngestLimits
from claimflow.runtime.registry import RunRow
from claimflow.runtime.registry.settlement import Settlement
from claimflow.runtime.settings import Settings
from claimflow.runtime.sources import expand
from claimflow.state.policy import Policy
from tests.integration._docs import (
    CORRUPT_PDF,
    DOCX,
    MEMO,
    VENDOR,
    ZIP,
    invoice_text,
    mismatch_invoice_text,
    text_pdf,
    write,
)


async def _reason_codes(engine: Engine, run_id: str) -> list[str]:
    state = await engine.state(run_id)
    assert state is not None
    return [reason.code for reason in state.review_reasons]


async def test_clean_invoice_completes_with_every_field_accepted_and_evidence_at_its_place(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)

        assert row.status == "completed", row.error
        assert state is not None and state.outcome == "completed" and state.doc_type == "invoice"
        assert state.text is not None
        pages = (await engine.store.load_text(state.text)).pages
        expected = {
            "vendor_name": VENDOR,
            "invoice_number": "NW-2024-0117",
            "issue_date": "2024-03-05",
            "due_date": "2024-04-04",
            "currency": "GBP",
            "net_amount": "150.00",
            "tax_amount": "30.00",
            "total_amount": "180.00",
            "amount_due": "180.00",  # read from the total's line: the invoice prints no payment made before it
            "invoice_type": "commercial_invoice",  # its title, INVOICE
            "invoice_type_code": "380",
        }
        # The invoice prints no buyer, VAT id, order number or IBAN: those optional fields are missing.
        unprinted = {"buyer_name", "vendor_tax_id", "order_number", "iban"}
        assert {name: result.value for name, result in state.fields.items()} == expected | dict.fromkeys(unprinted)
        assert {spec.name for spec in INVOICE.value_fields} == set(state.fields)
        assert {name for name, result in state.fields.items() if result.status == "missing"} == unprinted
        for name, result in state.fields.items():
            if name in unprinted:
                continue
            assert result.status == "accepted", (name, result.reasons)
            assert result.evidence, f"{name} has no evidence"
            for evidence in result.evidence:
                page = pages[evidence.page - 1]
                assert page[evidence.start : evidence.end] == evidence.quote, name
        assert state.review_reasons == []
        assert state.tables.get("line_items", []) == []  # no item table printed: no rows claimed
        view = (await engine.view(row.run_id)).model_dump(mode="json")
        assert list(view["fields"]) == [spec.name for spec in INVOICE.fields]
        assert view["fields"]["line_items"] == {"value": [], "status": "missing", "confidence": None, "evidence": []}
        assert await engine.pending_review(row.run_id) is None
        types = [item["type"] for item in await engine.registry.events(row.run_id)]
        assert types[0] == "run.started" and "run.completed" in types and "review.requested" not in types


async def test_an_invoice_item_table_is_kept_as_rows_with_evidence_and_checked_against_the_net(
    data_dir: Path, docs_dir: Path
) -> None:
    table = "Description Qty Unit Price Amount\nSteel brackets 10 12.00 120.00\nHinges 5 6.00 30.00\nSubtotal"
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0555").replace("Subtotal", table))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        view = (await engine.view(row.run_id)).model_dump(mode="json")
        assert state is not None and state.text is not None
        page = (await engine.store.load_text(state.text)).pages[0]

    assert row.status == "completed", row.error
    rows = state.tables["line_items"]
    assert [r.cells for r in rows] == [
        {"description": "Steel brackets", "quantity": "10", "unit_price": "12.00", "amount": "120.00"},
        {"description": "Hinges", "quantity": "5", "unit_price": "6.00", "amount": "30.00"},
    ]
    assert [page[r.evidence.start : r.evidence.end] for r in rows] == [
        "Steel brackets 10 12.00 120.00",
        "Hinges 5 6.00 30.00",
    ]
    [check] = [r for r in state.rule_results if r.rule == "line_items_sum_to_net"]
    assert check.passed and "2 line(s) sum to 150.00" in check.message
    assert view["fields"]["line_items"]["value"] == [r.cells for r in rows]
    assert view["fields"]["line_items"]["status"] == "accepted"
    assert [e["quote"] for e in view["fields"]["line_items"]["evidence"]] == [r.evidence.quote for r in rows]


async def test_two_page_text_layer_pdf_invoice_completes_with_evidence_on_the_right_page(
    data_dir: Path, docs_dir: Path
) -> None:
    header, totals = invoice_text("NW-2024-0200").split("Subtotal")
    path = write(docs_dir, "invoice.pdf", text_pdf(header + "\fSubtotal" + totals))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        assert state is not None and state.text is not None
        pages = (await engine.store.load_text(state.text)).pages

    assert row.status == "completed", row.error
    assert row.media_type == "application/pdf" and state.text.page_count == 2 == len(pages)
    assert state.fields["invoice_number"].value == "NW-2024-0200"
    assert state.fields["total_amount"].value == "180.00"
    assert {state.fields[name].evidence[0].page for name in ("vendor_name", "invoice_number")} == {1}
    assert {state.fields[name].evidence[0].page for name in ("net_amount", "tax_amount", "total_amount")} == {2}
    for result in state.fields.values():
        for evidence in result.evidence:
            assert pages[evidence.page - 1][evidence.start : evidence.end] == evidence.quote


async def test_masked_personal_data_does_not_shift_evidence_off_the_source(data_dir: Path, docs_dir: Path) -> None:
    contact = "Contact: billing@northwind.example, Tel: +44 117 496 0000\nIBAN: GB29 NWBK 6016 1331 9268 19\n"
    text = invoice_text("NW-2024-0417").replace("Invoice No.", contact + "Invoice No.")
    path = write(docs_dir, "invoice.txt", text)
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        state = await engine.state(row.run_id)
        assert state is not None and state.masked is not None and state.text is not None
        masked = (await engine.store.load_text(state.masked.text)).pages[0]
        source = (await engine.store.load_text(state.text)).pages[0]
        events = await engine.registry.events(row.run_id)

    assert row.status == "completed", row.error
    assert "billing@northwind.example" not in masked and "GB29 NWBK" not in masked
    assert state.masked.masked_count >= 2
    assert [e["data"]["count"] for e in events if e["type"] == "pii.masked"] == [state.masked.masked_count]
    assert state.fields["invoice_number"].value == "NW-2024-0417"
    for name, result in state.fields.items():
        for evidence in result.evidence:
            assert source[evidence.start : evidence.end] == evidence.quote, name


async def test_mismatched_totals_pause_at_review_with_fields_and_evidence(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "mismatch.txt", mismatch_invoice_text())
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        state = await engine.state(row.run_id)

    assert row.status == "needs_review"
    assert row.interrupt_id is not None
    assert pending is not None and pending.interrupt_id == row.interrupt_id
    request = pending.request
    assert request.run_id == row.run_id and request.doc_type == "invoice" and request.document == "mismatch.txt"
    failed = [r for r in request.reasons if r.code == "validation_failed"]
    assert failed and "net_plus_tax_equals_total" in failed[0].message
    assert "190.00" in failed[0].message and "180.00" in failed[0].message
    shown = {field.name: field for field in request.fields}
    assert set(shown) == {spec.name for spec in INVOICE.value_fields}
    assert shown["total_amount"].value == "190.00"
    assert shown["total_amount"].evidence and "190.00" in shown["total_amount"].evidence[0].quote
    assert all(shown[name].evidence for name in ("vendor_name", "invoice_number", "net_amount", "tax_amount"))
    assert set(request.allowed_actions) == {"approve", "edit", "reject"}
    assert "total_amount" in request.editable_fields
    assert state is not None and state.outcome == "needs_review"
    assert any(rule.rule == "net_plus_tax_equals_total" and not rule.passed for rule in state.rule_results)


async def test_unknown_type_goes_to_review(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "memo.txt", MEMO)
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        codes = await _reason_codes(engine, row.run_id)
    assert row.status == "needs_review"
    assert codes == ["unknown_type"]
    assert pending is not None and pending.request.doc_type == "unknown"
    assert pending.request.reasons[0].message == "the document is none of: invoice, receipt, contract"
    assert pending.request.editable_fields == []
    assert set(pending.request.doc_types) == {"invoice", "receipt", "contract"}


async def test_bad_files_fail_one_by_one_while_the_batch_goes_on(data_dir: Path, docs_dir: Path) -> None:
    write(docs_dir, "a_corrupt.pdf", CORRUPT_PDF)
    write(docs_dir, "b_invoice.txt", invoice_text("NW-2024-0301"))
    write(docs_dir, "c_empty.txt", b"")
    write(docs_dir, "d_letter.docx", DOCX)
    write(docs_dir, "e_bundle.zip", ZIP)
    write(docs_dir, "f_huge.txt", "x" * 5000)
    write(docs_dir, "g_invoice.pdf", text_pdf(invoice_text("NW-2024-0302")))
    write(docs_dir, ".hidden.txt", invoice_text("NW-2024-0303"))
    limits = IngestLimits(max_bytes=4000)

    seen: list[str] = []
    registered_now: list[bool] = []

    async def note(row: RunRow, new: bool) -> None:
        seen.append(row.filename)
        registered_now.append(new)

    async with open_engine(Settings(data_dir=data_dir), limits=limits) as engine:
        files = expand([docs_dir]).files
        rows = await process_files(engine, files, on_done=note)
        stored = {row.filename: await engine.registry.events(row.run_id) for row in rows}
        events = {name: [e["type"] for e in items] for name, items in stored.items()}
        states = {row.filename: await engine.state(row.run_id) for row in rows}

    by_name = {row.filename: row for row in rows}
    assert seen == [path.name for path in files] == sorted(by_name)
    assert all(registered_now)  # a fresh data directory: every run is this batch's own
    assert ".hidden.txt" not in by_name
    assert {name: row.status for name, row in by_name.items()} == {
        "a_corrupt.pdf": "failed",
        "b_invoice.txt": "completed",
        "c_empty.txt": "failed",
        "d_letter.docx": "failed",
        "e_bundle.zip": "failed",
        "f_huge.txt": "failed",
        "g_invoice.pdf": "completed",
    }
    errors = {name: (row.error or "") for name, row in by_name.items()}
    assert "PDF could not be read: it is damaged or cut off" in errors["a_corrupt.pdf"]
    assert "c_empty.txt" in errors["c_empty.txt"] and "empty" in errors["c_empty.txt"]
    assert "d_letter.docx" in errors["d_letter.docx"] and "not supported" in errors["d_letter.docx"]
    # Word's folders in a zip whose [Content_Types].xml declares no Word document: a zip, not a Word document.
    assert "ZIP archive" in errors["d_letter.docx"]
    assert "e_bundle.zip" in errors["e_bundle.zip"] and "application/zip" in errors["e_bundle.zip"]
    assert "f_huge.txt" in errors["f_huge.txt"]
    assert any(unit in errors["f_huge.txt"] for unit in ("bytes", "KiB", "kB", "KB", "MB", "MiB"))
    for name, row in by_name.items():
        if row.status == "failed":
            assert events[name].count("run.failed") == 1, (name, events[name])
            assert "run.completed" not in events[name]
            assert row.lease_owner is None
    # The oversized file was refused before it was read: no blob, no state, no graph step.
    assert by_name["f_huge.txt"].size == 5000 and states["f_huge.txt"] is None
    assert events["f_huge.txt"] == ["run.started", "run.failed"]
    # The unreadable ones did run the graph, through parse to fail.
    failed_state = states["a_corrupt.pdf"]
    assert failed_state is not None and failed_state.outcome == "failed"
    assert [route.target for route in routes_of(stored["a_corrupt.pdf"])] == ["fail"]


async def test_oversized_file_reason_states_a_size_distinguishable_from_the_limit(
    data_dir: Path, docs_dir: Path
) -> None:
    path = write(docs_dir, "huge.txt", "x" * 5000)
    async with open_engine(Settings(data_dir=data_dir), limits=IngestLimits(max_bytes=4000)) as engine:
        [row] = await process_files(engine, [path])
    assert row.status == "failed" and row.error is not None
    sizes = re.findall(r"(\d[\d,.]*)\s*-?\s*(bytes?|B|kB|KB|KiB|MB|MiB)\b", row.error)
    # "huge.txt is 0.0 MB, over the 0.0 MB limit" does not tell the sender anything.
    assert len(sizes) >= 2 and sizes[0] != sizes[1], row.error


async def test_same_invoice_twice_goes_to_review_as_duplicate(data_dir: Path, docs_dir: Path) -> None:
    first = write(docs_dir, "first.txt", invoice_text("NW-2024-0777"))
    # Same vendor and number, written differently enough to be a different file.
    second = write(docs_dir, "second.txt", invoice_text("NW-2024-0777") + "Thank you for your business.\n")
    other = write(docs_dir, "other.txt", invoice_text("NW-2024-0778"))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        rows = await process_files(engine, [first, second, other])
        codes = await _reason_codes(engine, rows[1].run_id)
        state = await engine.state(rows[1].run_id)

    assert [row.status for row in rows] == ["completed", "needs_review", "completed"]
    assert codes == ["duplicate"]
    assert state is not None
    [rule] = [rule for rule in state.rule_results if rule.rule == "invoice_number_not_seen_for_vendor"]
    assert not rule.passed and rows[0].run_id in rule.message


async def test_two_copies_under_way_at_once_are_never_both_completed(data_dir: Path, docs_dir: Path) -> None:
    # Each would complete on its own. Side by side, the first finishes only once the second has looked for its
    # key: both validate before either has completed, which a busy machine does with any two copies in a batch.
    copies = [write(docs_dir, f"copy-{n}.txt", invoice_text("NW-2024-0779") + "\n" * n) for n in range(2)]
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        looked = asyncio.Event()
        looks: list[str] = []
        settle, lookups = engine.registry.settle, engine.registry.claim_key

        async def counted(doc_type: str, key: str, *, run_id: str) -> list[str]:
            looks.append(run_id)
            if len(looks) == 2:
                looked.set()
            return await lookups(doc_type, key, run_id=run_id)

        async def held_back(settlement: Settlement) -> RunRow:
            await asyncio.wait_for(looked.wait(), 30)
            return await settle(settlement)

        engine.registry.claim_key = counted  # type: ignore[method-assign]
        engine.registry.settle = held_back  # type: ignore[method-assign]
        rows = await process_files(engine, copies, concurrency=2)
        by_status = {row.status: row for row in rows}
        codes = await _reason_codes(engine, by_status["needs_review"].run_id)
        state = await engine.state(by_status["needs_review"].run_id)
    assert sorted(by_status) == ["completed", "needs_review"]
    assert codes == ["duplicate"]
    assert state is not None
    [rule] = [rule for rule in state.rule_results if rule.rule == "invoice_number_not_seen_for_vendor"]
    assert by_status["completed"].run_id in rule.message


async def test_a_copy_of_a_document_waiting_for_review_is_its_duplicate(data_dir: Path, docs_dir: Path) -> None:
    first = write(docs_dir, "first.txt", mismatch_invoice_text("NW-2024-0780"))
    # This one would complete on its own: the first, not completed yet, holds the key since before it.
    second = write(docs_dir, "second.txt", invoice_text("NW-2024-0780"))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        rows = await process_files(engine, [first, second])
        codes = await _reason_codes(engine, rows[1].run_id)
    assert [row.status for row in rows] == ["needs_review", "needs_review"]
    assert codes == ["duplicate"]


async def test_the_original_run_again_keeps_its_place_ahead_of_its_copy(data_dir: Path, docs_dir: Path) -> None:
    first = write(docs_dir, "first.txt", mismatch_invoice_text("NW-2024-0781"))
    copy = write(docs_dir, "copy.txt", mismatch_invoice_text("NW-2024-0781") + "\n")
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        original, duplicate = await process_files(engine, [first, copy])
        assert "duplicate" in await _reason_codes(engine, duplicate.run_id)
        assert "duplicate" not in await _reason_codes(engine, original.run_id)
        again = await engine.rerun(original.run_id)
        codes = await _reason_codes(engine, again.run_id)
    # Run again, the first is the same document in the same place: its copy is not ahead of it.
    assert again.status == "needs_review" and "duplicate" not in codes and "validation_failed" in codes


async def test_duplicate_is_found_across_engines_over_the_same_data_dir(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0888"))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [first] = await process_files(engine, [path])
    # The same bytes under another name are another document (the same path would be the same one).
    copy = write(docs_dir, "invoice-copy.txt", invoice_text("NW-2024-0888"))
    async with open_engine(Settings(data_dir=data_dir)) as engine:
        [again] = await process_files(engine, [copy])
        codes = await _reason_codes(engine, again.run_id)
    assert first.status == "completed" and again.status == "needs_review"
    assert first.document_id == again.document_id and first.run_id != again.run_id
    assert codes == ["duplicate"]


async def test_high_risk_total_forces_review_even_when_all_else_is_fine(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-0999"))
    # Keep the stricter field bar out of the way, so high_risk is the only reason left.
    policy = Policy(high_risk_total=Decimal("100"), high_risk_field_auto_accept=0.5)
    async with open_engine(Settings(data_dir=data_dir, policy=policy)) as engine:
        [row] = await process_files(engine, [path])
        codes = await _reason_codes(engine, row.run_id)
        pending = await engine.pending_review(row.run_id)
        state = await engine.state(row.run_id)

    assert row.status == "needs_review"
    assert codes == ["high_risk"]
    assert pending is not None and [r.code for r in pending.request.reasons] == ["high_risk"]
    assert pending.request.reasons[0].message.startswith("total_amount reaches the high-risk amount 100")
    assert state is not None and state.policy.high_risk_total == Decimal("100")
    assert all(result.status == "accepted" for result in state.fields.values() if result.value is not None)
    assert all(rule.passed for rule in state.rule_results)


async def test_high_risk_route_applies_the_stricter_field_threshold(data_dir: Path, docs_dir: Path) -> None:
    path = write(docs_dir, "invoice.txt", invoice_text("NW-2024-1000"))
    policy = Policy(high_risk_total=Decimal("180.00"))  # reached exactly: "at or above"
    async with open_engine(Settings(data_dir=data_dir, policy=policy)) as engine:
        [row] = await process_files(engine, [path])
        codes = await _reason_codes(engine, row.run_id)
    assert row.status == "needs_review"
    assert codes[-1] == "high_risk"
    assert "low_confidence_field" in codes  # fields at 0.85-0.92 pass 0.80 but not the 0.95 high-risk bar
