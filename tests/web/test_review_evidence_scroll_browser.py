"""The evidence of the field a review opens on, brought into view on a PDF of several pages, in headless Chromium.

Pages with no mark on them are loaded when the reviewer scrolls near them, and have no height before: the
screen must not scroll to a mark below such pages by where it stood before they loaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._docs import text_pdf, write
from tests.web._browser import CHROMIUM, processed, served, signed_in_page, token

pytestmark = pytest.mark.slow

TERMS = "Terms and conditions\n" + "\n".join(f"Clause {n}: the goods remain ours until paid." for n in range(1, 40))

INVOICE = (
    "INVOICE\nSeller: Northwind Widgets Ltd\n14 Harbour Road, Bristol\nInvoice No.: NW-2024-0118\f"
    "Invoice Date: 05.03.2024\nDue Date: 04.04.2024\f"
    f"{TERMS}\f{TERMS}\f"
    "Steel brackets 10 x 18.00 = 180.00\nSubtotal 150.00 GBP\nVAT 20% 30.00 GBP\nTotal 190.00 GBP\n"
)
"""Five pages: the header on the first two, two pages of terms with no field on them, the amounts (which break
the sum rule: 150.00 + 30.00 is not 190.00) on the last."""

IN_VIEW = """() => {
  const mark = document.querySelector('.hl.active');
  const viewer = document.getElementById('viewer').getBoundingClientRect();
  if (!mark) { return false; }
  const box = mark.getBoundingClientRect();
  return box.top >= viewer.top && box.bottom <= viewer.bottom;
}"""


def test_the_evidence_on_a_later_page_is_in_view_once_the_pages_above_it_have_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    folder, data = tmp_path / "inbox", tmp_path / "data"
    write(folder, "invoice.pdf", text_pdf(INVOICE))
    [view] = processed(folder, data)
    assert view["status"] == "needs_review"
    kim = token(data, "kim", "reviewer")

    with served(data) as base, sync_playwright() as playwright:
        browser, page = signed_in_page(playwright, base, kim)
        expect(page.locator("table.runs")).to_contain_text("invoice.pdf")  # signed in
        page.goto(f"{base}/review/runs/{view['run_id']}")
        # The review opens on a field the reasons name, an amount, whose evidence is on the last page.
        expect(page.locator("#page-5 .hl.active").first).to_be_attached()
        assert page.locator("#page-3 img").get_attribute("width") is None  # no mark: its size is not known
        page.wait_for_function(IN_VIEW, timeout=10_000)
        page.wait_for_timeout(1_500)  # the smooth scroll has ended: the mark is where it stopped
        assert page.evaluate(IN_VIEW), page.evaluate("document.getElementById('viewer').scrollTop")
        browser.close()
