"""The review screen shows a Word document as it shows a text or HTML one: its text, page by page, quotes marked."""

from __future__ import annotations

from pathlib import Path

from claimflow.runtime.batch import process_files
from claimflow.runtime.engine import open_engine
from claimflow.runtime.settings import Settings
from claimflow.runtime.web.page_cache import PageCache
from claimflow.runtime.web.screen import build_screen
from tests.integration._docs import write
from tests.integration._word import contract_docx


async def test_a_word_contract_shows_its_pages_as_text_with_the_evidence_marked_on_its_page(tmp_path: Path) -> None:
    path = write(tmp_path / "docs", "nda.docx", contract_docx(break_before="5. TERM"))
    async with open_engine(Settings(data_dir=tmp_path / "data")) as engine:
        [row] = await process_files(engine, [path])
        pending = await engine.pending_review(row.run_id)
        assert pending is not None, row
        screen = await build_screen(engine, pending, PageCache(engine.store, engine.limits))

    assert [page.number for page in screen.pages] == [1, 2] and not any(page.image for page in screen.pages)
    first, second = ("".join(text for text, ids in page.segments if ids) for page in screen.pages)
    assert "Bluefin Analytics, Inc." in first
    assert "continues for a term of two (2) years" in second
    assert "".join(text for text, _ in screen.pages[1].segments).startswith("5. TERM.")
