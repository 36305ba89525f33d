"""The review page in real headless Chromium against `claimflow serve` over a real data directory.

A reviewer signs in, finds the generated invoice in the queue, sees each field's evidence boxed where
reportlab drew it on the rendered page, gets the server's error for a bad edit (the run stays paused),
approves with the keyboard, and the run completes. Screenshots of the queue and the review screens are
kept under the test's tmp dir and `test-artifacts/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth

from tests.integration._docs import mismatch_invoice_text, text_pdf, write
from tests.web._browser import ARTIFACTS, CHROMIUM, processed, served, token

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "documents"
INVOICE = "northwind-invoice.pdf"
SCAN = "northwind-scan.png"


def scanned(pdf: bytes) -> bytes:
    """The PDF's page as a scan: a grey PNG at 200 dpi, no text layer (the page is read by OCR)."""
    import io

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        bitmap = document[0].render(scale=200 / 72, grayscale=True)
        buffer = io.BytesIO()
        bitmap.to_pil().save(buffer, format="PNG")
    finally:
        document.close()
    return buffer.getvalue()


def drawn_line_box(text: str, start: int, end: int) -> tuple[float, float, float, float]:
    """Where text_pdf drew `text[start:end]` (one line): left, right, cap top, baseline; PDF points from the top."""
    line = text[:start].count("\n")
    line_start = text.rfind("\n", 0, start) + 1
    left = 72 + stringWidth(text[line_start:start], "Helvetica", 12)
    right = left + stringWidth(text[start:end], "Helvetica", 12)
    baseline = A4[1] - (800 - 16 * line)
    return left, right, baseline - 0.718 * 12, baseline


def assert_boxes_over_quotes(page: Any, text: str, fields: dict[str, Any], *, slack: float) -> None:
    """The marks of the total and the invoice number cover their quotes as drawn, on the image as shown."""
    shown = page.locator(".sheet img").first.bounding_box()
    assert shown is not None
    scale = shown["width"] / A4[0]
    for name in ("total_amount", "invoice_number"):
        evidence = fields[name]["evidence"][0]
        start = text.index(evidence["quote"])  # OCR text differs in its blank lines, not in its words
        left, right, top, baseline = drawn_line_box(text, start, start + len(evidence["quote"]))
        mark = page.locator(f"#f-{name}").get_attribute("data-marks")
        assert mark
        box = page.locator(f".hl[data-mark='{mark.split()[0]}']").bounding_box()
        assert box is not None
        assert abs(box["x"] - (shown["x"] + left * scale)) <= slack, (name, box, left * scale)
        assert abs(box["x"] + box["width"] - (shown["x"] + right * scale)) <= slack, (name, box)
        assert box["y"] <= shown["y"] + top * scale + slack, (name, box)
        assert box["y"] + box["height"] >= shown["y"] + baseline * scale - slack, (name, box)
        assert box["height"] <= 12 * 1.5 * scale, (name, box)


def shoot(page: Any, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / name))
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / name, ARTIFACTS / name)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "inbox"
    write(folder, INVOICE, text_pdf(mismatch_invoice_text()))
    write(folder, SCAN, scanned(text_pdf(mismatch_invoice_text())))
    for name in ("invoice-total-mismatch.pdf", "contract-nda.txt", "memo-unknown.html"):
        shutil.copy(EXAMPLES / name, folder / name)
    data = tmp_path / "data"
    views = {view["document"]: view for view in processed(folder, data)}
    assert {name: views[name]["status"] for name in views} == dict.fromkeys(views, "needs_review")
    return data


def test_a_reviewer_finds_checks_edits_and_approves_an_invoice_in_chromium(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CHROMIUM.exists(), "Debian's chromium is missing: run scripts/system-deps.sh"
    monkeypatch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")  # drive Debian's browser, never download one
    from playwright.sync_api import expect, sync_playwright

    kim = token(data_dir, "kim", "reviewer")
    text = mismatch_invoice_text().rstrip("\n")  # text_pdf draws one line per line: the stored page text
    with (
        served(data_dir) as base,
        httpx.Client(base_url=base, headers={"Authorization": f"Bearer {kim}"}) as api,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 800})

        page.goto(f"{base}/review")
        shoot(page, tmp_path, "review-sign-in.png")
        page.fill("#token", kim)
        page.click("button[type=submit]")
        expect(page.locator("table.runs")).to_contain_text(INVOICE)
        expect(page.locator("table.runs tbody tr")).to_have_count(5)
        shoot(page, tmp_path, "review-queue.png")
        page.click("a.chip:has-text('invoice')")
        expect(page.locator("table.runs tbody tr")).to_have_count(3)

        page.click(f"a.doc:has-text('{INVOICE}')")
        page.wait_for_load_state("load")  # measured as laid out by the stylesheet, which may come after the HTML
        image = page.locator(".sheet img").first
        expect(image).to_be_visible()
        expect(image).to_have_js_property("complete", True)  # the page's CSP forbids evaluating strings
        expect(image).not_to_have_js_property("naturalWidth", 0)
        run_id = page.url.rsplit("/", 1)[1]
        fields = api.get(f"/v1/runs/{run_id}").json()["fields"]

        # Each evidence box lies over the quote's words where reportlab drew them, scaled to the shown image.
        assert_boxes_over_quotes(page, text, fields, slack=3)

        # Clicking a field emphasises its highlight.
        page.click("#f-total_amount .fname")
        expect(page.locator(".field.selected")).to_have_count(1)
        expect(page.locator("#f-total_amount.selected")).to_have_count(1)
        expect(page.locator(".hl.active")).to_have_count(1)
        page.wait_for_timeout(400)  # let the emphasis settle before the picture
        shoot(page, tmp_path, "review-invoice.png")

        # A value that is not an amount: the server's error beside the field, the run still waits.
        page.click("#f-total_amount .edit-toggle")
        page.fill("input[name='field.total_amount']", "one hundred and eighty")
        page.press("input[name='field.total_amount']", "Enter")
        expect(page.locator("#f-total_amount .error")).to_contain_text("cannot be read as an amount")
        assert api.get(f"/v1/runs/{run_id}").json()["status"] == "needs_review"
        shoot(page, tmp_path, "review-invoice-error.png")

        # Approving with the change still in its box would drop it without a word: refused, saying so.
        page.locator("body").click(position={"x": 5, "y": 400})
        page.keyboard.press("a")
        expect(page.locator(".problems")).to_contain_text("you changed total_amount")
        assert api.get(f"/v1/runs/{run_id}").json()["status"] == "needs_review"

        # Approve with the keyboard on the review as it was: the run completes, decided by the token's name.
        page.goto(f"{base}/review/runs/{run_id}")
        # Opened again, the review says why the last decision was refused.
        expect(page.locator("#review-note")).to_contain_text("the decision of kim was refused: total_amount")
        page.locator("body").click(position={"x": 5, "y": 400})
        page.keyboard.press("a")
        page.wait_for_url(lambda url: "done=approve" in url)
        expect(page.locator(".flash")).to_contain_text(f"Approved {INVOICE}: it is completed.")
        assert api.get(f"/v1/runs/{run_id}").json()["status"] == "completed"
        decided = [e for e in api.get(f"/v1/runs/{run_id}/events").json() if e["type"] == "review.decided"]
        assert [(e["data"]["reviewer"], e["data"]["action"]) for e in decided] == [("kim", "approve")]

        # The designed invoice (a table of line items) and the contract (a text page) review too.
        page.goto(f"{base}/review")
        page.click("a.doc:has-text('invoice-total-mismatch.pdf')")
        expect(page.locator("table.rows tbody tr").first).to_be_visible()
        expect(page.locator(".sheet img").first).to_have_js_property("complete", True)
        page.click("table.rows tbody tr >> nth=0")
        expect(page.locator(".hl.active")).to_have_count(1)
        shoot(page, tmp_path, "review-invoice-table.png")
        page.goto(f"{base}/review")
        page.click("a.doc:has-text('contract-nda.txt')")
        expect(page.locator("mark.hl-text").first).to_be_visible()
        shoot(page, tmp_path, "review-contract.png")
        # The term's quote runs over two lines beside its page tag, which stays on one line: `p1`, not `p` over `1`.
        lines = "el => { const r = new Range(); r.selectNodeContents(el); return r.getClientRects().length; }"
        assert page.locator("#f-term .quote").first.evaluate(lines) >= 2
        assert page.locator("#f-term .quote .pg").first.evaluate(lines) == 1

        # The scan: its marks come from Tesseract's word boxes, over the same words.
        page.goto(f"{base}/review")
        page.click(f"a.doc:has-text('{SCAN}')")
        scan = page.locator(".sheet img").first
        expect(scan).to_have_js_property("complete", True)
        scan_id = page.url.rsplit("/", 1)[1]
        assert_boxes_over_quotes(page, text, api.get(f"/v1/runs/{scan_id}").json()["fields"], slack=4)
        page.click("#f-total_amount .fname")
        page.wait_for_timeout(400)  # let the emphasis settle before the picture
        shoot(page, tmp_path, "review-scan.png")
        browser.close()
