"""What the review screen gathers from a paused run: candidates side by side, table rows, marks on pages."""

from __future__ import annotations

import shutil
from pathlib import Path

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.gateway import RulesGateway
from claimflow.runtime.settings import Settings
from claimflow.runtime.web.page_cache import PageCache
from claimflow.runtime.web.screen import build_screen
from tests.integration._docs import invoice_text, mismatch_invoice_text, text_pdf, write
from tests.integration._fake_models import ScriptedGateway
from tests.integration.test_second_opinion_and_budget import _with_total

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"


async def test_disagreeing_extractors_show_as_candidates_each_boxed_on_its_own_line(tmp_path: Path) -> None:
    text = invoice_text(total="180.00").replace("Subtotal", "Invoice Total 10.00 GBP\nSubtotal")
    path = write(tmp_path / "docs", "invoice.pdf", text_pdf(text))
    second = ScriptedGateway("fake:second", {"extract_invoice": _with_total("10.00", "Invoice Total 10.00 GBP")})
    settings = Settings(data_dir=tmp_path / "data")
    async with open_engine(settings, gateway=RulesGateway(), second_gateway=second) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        assert pending is not None
        screen = await build_screen(engine, pending, PageCache(engine.store, engine.limits))

    total = next(card for card in screen.fields if card.name == "total_amount")
    assert total.values == [] and total.marks == []
    by_value = {candidate.value: candidate for candidate in total.candidates}
    assert set(by_value) == {"180.00", "10.00"}
    assert by_value["180.00"].origin == "primary:rules" and by_value["10.00"].origin == "second:fake:second"
    marks = {value: candidate.mark for value, candidate in by_value.items()}
    assert all(mark is not None and len(mark.boxes) == 1 for mark in marks.values())
    other, total_line = marks["10.00"], marks["180.00"]
    assert other is not None and total_line is not None
    # The other total's line is drawn three lines above the total: 3 x 16 pt at 2 px per point.
    assert total_line.boxes[0]["top"] - other.boxes[0]["top"] == 3 * 16 * 2
    assert [page.number for page in screen.pages] == [1] and screen.pages[0].image


async def test_table_rows_and_text_pages_carry_their_marks(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("invoice-total-mismatch.pdf", "contract-nda.txt"):
        shutil.copy(EXAMPLES / name, docs / name)
    async with open_engine(Settings(data_dir=tmp_path / "data")) as engine:
        rows = await process_files(engine, sorted(docs.iterdir()))
        screens = {}
        for row in rows:
            pending = await engine.pending_review(row.run_id)
            assert pending is not None, row
            screens[row.filename] = await build_screen(engine, pending, PageCache(engine.store, engine.limits))

    invoice = screens["invoice-total-mismatch.pdf"]
    (items,) = invoice.tables
    assert items.name == "line_items" and len(items.rows) == 4
    assert items.columns[0] == "description" and items.rows[0][0][0].startswith("FM-2210")
    tops = [mark.boxes[0]["top"] for _, mark in items.rows]
    assert tops == sorted(tops) and len(set(tops)) == 4  # one box per printed row, in order down the page
    assert ("validation_failed", "net_plus_tax_equals_total") in [
        (code, rule) for code, _, _ in invoice.reasons for rule, _, _ in invoice.failed_rules
    ]

    contract = screens["contract-nda.txt"]
    assert contract.pages and not any(page.image for page in contract.pages)
    marked = "".join(text for page in contract.pages for text, ids in page.segments if ids)
    assert "Bluefin Analytics, Inc." in marked
    assert "".join(text for text, _ in contract.pages[0].segments).startswith("MUTUAL NON-DISCLOSURE AGREEMENT")


async def test_marks_go_to_the_page_their_evidence_is_on(tmp_path: Path) -> None:
    cover = "Cover sheet\nPlease find our invoice attached.\n"
    path = write(tmp_path / "docs", "two-pages.pdf", text_pdf(cover + "\f" + mismatch_invoice_text()))
    async with open_engine(Settings(data_dir=tmp_path / "data")) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        assert pending is not None, row
        screen = await build_screen(engine, pending, PageCache(engine.store, engine.limits))

    first, second = screen.pages
    assert first.marks == [] and first.width == 0  # no evidence there: loaded lazily, nothing rendered now
    assert second.marks and (second.width, second.height) == (1191, 1684)
    total = next(card for card in screen.fields if card.name == "total_amount")
    assert [mark.page for mark in total.marks] == [2]
    assert total.marks[0] in second.marks and total.marks[0].boxes
