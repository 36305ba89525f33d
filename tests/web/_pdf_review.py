"""A one-page PDF invoice's review at a window size in Debian's Chromium, and where its boxes stand in the window.

At 200% (a 1280 by 800 window lays out in 640 by 400 CSS pixels) the review is one column, the document above the
fields; on a phone too, the page image shrunk to the screen's width.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration._docs import mismatch_invoice_text, text_pdf, write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token

PHONE = {"width": 390, "height": 844}
ZOOMED = {"width": 640, "height": 400}  # 1280 by 800 at 200%

SETTLED = """() => {
  const viewer = document.getElementById('viewer');
  const at = `${scrollX} ${scrollY} ${viewer.scrollTop} ${viewer.scrollLeft}`, same = at === self.was;
  self.was = at;
  return same;
}"""
"""Two reads 250 ms apart alike: the smooth scrolls of the window and of the document's frame have ended."""


def settle(page: Any) -> None:
    """Wait for `SETTLED`, from a first read taken now (not one left from before a click)."""
    page.evaluate("self.was = undefined")
    page.wait_for_function(SETTLED, polling=250)


@contextlib.contextmanager
def pdf_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: dict[str, int]) -> Iterator[Any]:
    """A one-page PDF invoice whose total breaks its sum rule, its review open in Chromium at `size`, as kim."""
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "invoice.pdf", text_pdf(mismatch_invoice_text()))
    [view] = processed(folder, data)
    assert view["status"] == "needs_review"
    kim = token(data, "kim", "reviewer")
    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim)
        try:
            page.set_viewport_size(size)
            page.goto(f"{base}/review/runs/{view['run_id']}")
            page.wait_for_load_state("load")
            settle(page)
            yield page
        finally:
            browser.close()


def box_of(page: Any, selector: str) -> dict[str, float]:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return dict(box)


def inside(box: dict[str, float], frame: dict[str, float], what: str) -> None:
    """`box` wholly within `frame` (both as `bounding_box` gives them)."""
    assert box["x"] >= frame["x"] - 0.5 and box["x"] + box["width"] <= frame["x"] + frame["width"] + 0.5, (what, box)
    assert box["y"] >= frame["y"] - 0.5 and box["y"] + box["height"] <= frame["y"] + frame["height"] + 0.5, (what, box)


def in_window(page: Any, selector: str, size: dict[str, int]) -> dict[str, float]:
    box = box_of(page, selector)
    inside(box, {"x": 0, "y": 0, "width": size["width"], "height": size["height"]}, selector)
    return box


def evidence_in_view(page: Any, size: dict[str, int]) -> dict[str, float]:
    """The active box on the page image: in the window, and in the visible part of the document's frame."""
    settle(page)
    box = in_window(page, ".sheet .hl.active", size)
    frame = page.evaluate(
        "(() => { const r = viewer.getBoundingClientRect();"
        " return {x: r.left, y: r.top, width: viewer.clientWidth, height: viewer.clientHeight}; })()"
    )
    inside(box, frame, "the box, in the document's frame")
    return box
