"""A photo read by OCR under a policy that holds scans to a stricter bar: its values wait for a human, saying why,
where the same photo completes under the default policy; a text PDF is not held by that bar, nor the values of a
PDF's text-layer pages when another of its pages is a scan."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from tests.cli.conftest import Invoke
from tests.integration._docs import invoice_text, write

DOCUMENTS = Path(__file__).parents[2] / "examples" / "documents"
ALWAYS = {"CLAIMFLOW_OCR_FIELD_AUTO_ACCEPT": "always_review"}


def _run(
    claimflow: Invoke, data: Path, document: str, env: dict[str, str] | None = None, *, path: Path | None = None
) -> dict[str, object]:
    done = claimflow("run", path or DOCUMENTS / document, "--json", "--data-dir", data, env=env)
    assert done.exit_code == 0, done.output
    return dict(json.loads(done.stdout.splitlines()[0]))


def test_a_photos_values_go_to_review_under_the_ocr_bar_and_a_text_pdfs_do_not(
    claimflow: Invoke, tmp_path: Path
) -> None:
    assert _run(claimflow, tmp_path / "default", "receipt-photo.jpg")["status"] == "completed"

    held = _run(claimflow, tmp_path / "strict", "receipt-photo.jpg", ALWAYS)
    assert held["status"] == "needs_review"
    shown = claimflow("review", "show", str(held["run_id"]), "--json", "--data-dir", tmp_path / "strict")
    assert shown.exit_code == 0, shown.output
    reasons = json.loads(shown.stdout)["reasons"]
    assert reasons and {reason["code"] for reason in reasons} == {"low_confidence_field"}
    assert all(reason["message"].endswith("always reviewed by the policy for text read by OCR") for reason in reasons)

    assert _run(claimflow, tmp_path / "strict", "invoice-clean.pdf", ALWAYS)["status"] == "completed"


FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _scanned_page(lines: list[str]) -> Image.Image:
    """A page of black text on white, as a scanner would give it (no text layer)."""
    image = Image.new("L", (1240, 1754), 255)
    draw, font = ImageDraw.Draw(image), ImageFont.truetype(str(FONT), 36)
    for number, line in enumerate(lines):
        draw.text((120, 120 + 58 * number), line, fill=0, font=font)
    return image


def _text_then_scan(text_lines: list[str], scanned_lines: list[str]) -> bytes:
    """A PDF whose first page has a text layer and whose second is a scan."""
    buffer = io.BytesIO()
    pdf = Canvas(buffer, pagesize=A4, invariant=1)
    for number, line in enumerate(text_lines):
        pdf.drawString(72, 770 - 18 * number, line)
    pdf.showPage()
    pdf.drawImage(ImageReader(_scanned_page(scanned_lines)), 0, 0, *A4)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@pytest.mark.ocr
def test_of_a_pdf_mixing_text_and_a_scan_only_the_values_quoted_from_the_scan_wait(
    claimflow: Invoke, tmp_path: Path
) -> None:
    lines = invoice_text().splitlines()
    # The whole invoice in its text layer, a scanned page of terms after it: nothing is read from the scan.
    scanned_terms = _text_then_scan(lines, ["Terms and conditions", "Payment within 30 days"])
    terms = write(tmp_path, "invoice-and-scanned-terms.pdf", scanned_terms)
    done = claimflow("run", terms, "--json", "--data-dir", tmp_path / "data", env=ALWAYS)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout.splitlines()[0])["status"] == "completed"

    # The amounts on the scanned page: they wait, the values of the text layer do not.
    amounts = [line for line in lines if line.startswith(("Subtotal", "VAT", "Total"))]
    split = _text_then_scan([line for line in lines if line not in amounts], ["Page 2", *amounts])
    held = _run(claimflow, tmp_path / "data", "", ALWAYS, path=write(tmp_path, "amounts-scanned.pdf", split))
    assert held["status"] == "needs_review"
    shown = claimflow("review", "show", str(held["run_id"]), "--json", "--data-dir", tmp_path / "data")
    reasons = json.loads(shown.stdout)["reasons"]
    by_ocr = {reason["field"] for reason in reasons if reason["message"].endswith("for text read by OCR")}
    assert by_ocr == {"net_amount", "tax_amount", "total_amount", "amount_due", "currency"}, reasons
