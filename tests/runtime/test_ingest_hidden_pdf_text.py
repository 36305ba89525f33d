"""PDF ingestion keeps only text a reader can see: invisible, white, off-page and tiny text is dropped."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest import parse_document
from tests.integration._hidden_docs import HIDDEN_LINES, PDF_HIDING, VISIBLE_TOTAL, invoice_pdf
from tests.runtime._drawn_pdf import drawn_page


@pytest.mark.parametrize("hiding", sorted(PDF_HIDING))
def test_hidden_lines_are_not_in_the_parsed_page(hiding: str) -> None:
    [page] = parse_document(invoice_pdf(hiding), f"{hiding}.pdf").pages

    assert "0.03" not in page and "0.02" not in page and "Subtotal" not in page
    # The visible lines are all there, in order, and nothing is left where the hidden lines were.
    assert page.splitlines() == [
        "INVOICE",
        "Seller: Northwind Widgets Ltd",
        "14 Harbour Road, Bristol",
        "Invoice No.: NW-2024-0117",
        "Invoice Date: 05.03.2024",
        "Due Date: 04.04.2024",
        f"Total {VISIBLE_TOTAL} GBP",
    ]


def _pdf(draw: Callable[[Canvas], None]) -> bytes:
    def page(pdf: Canvas) -> None:
        pdf.drawString(72, 800, "INVOICE Northwind Widgets Ltd NW-2024-0117")
        draw(pdf)

    return drawn_page(page)


def test_white_text_is_dropped_on_paper_and_kept_on_a_dark_banner() -> None:
    def banner(pdf: Canvas) -> None:
        pdf.setFillColorRGB(0.1, 0.1, 0.4)
        pdf.rect(60, 600, 300, 40, fill=1, stroke=0)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.drawString(72, 615, "Amount due 180.00 GBP")
        pdf.drawString(72, 500, HIDDEN_LINES[-1])

    [page] = parse_document(_pdf(banner), "banner.pdf").pages

    assert "Amount due 180.00 GBP" in page
    assert "0.03" not in page


def test_hidden_text_on_the_same_line_as_visible_text_leaves_the_visible_part() -> None:
    def same_line(pdf: Canvas) -> None:
        pdf.drawString(72, 700, "Total 180.00 GBP")
        pdf.setFillColorRGB(1, 1, 1)
        pdf.drawString(200, 700, HIDDEN_LINES[-1])

    [page] = parse_document(_pdf(same_line), "same-line.pdf").pages

    assert page.splitlines()[-1] == "Total 180.00 GBP"


def test_transparent_and_clip_only_text_is_dropped_and_stroked_text_kept() -> None:
    def painted(pdf: Canvas) -> None:
        pdf.setFillAlpha(0)
        pdf.drawString(72, 700, "Total: 0.03 transparent")
        pdf.setFillAlpha(1)
        text = pdf.beginText(72, 680)
        text.setTextRenderMode(7)  # adds the glyphs to the clipping path, paints nothing
        text.textOut("Total: 0.03 clip")
        text.setTextRenderMode(1)  # outlined: stroked in black, not filled
        text.textOut(" Outlined 180.00")
        text.setTextRenderMode(0)
        pdf.drawText(text)

    [page] = parse_document(_pdf(painted), "painted.pdf").pages

    assert "0.03" not in page
    assert "Outlined 180.00" in page


def test_text_squeezed_by_its_matrix_is_dropped() -> None:
    def squeezed(pdf: Canvas) -> None:
        text = pdf.beginText()
        text.setTextTransform(0.01, 0, 0, 0.01, 72, 700)  # a 12 pt font drawn at 0.12 pt
        text.textOut("Total: 0.03")
        pdf.drawText(text)

    [page] = parse_document(_pdf(squeezed), "squeezed.pdf").pages

    assert "0.03" not in page


def test_spaces_pdfium_inserts_for_gaps_stay_when_hidden_text_is_dropped() -> None:
    def gaps(pdf: Canvas) -> None:
        # A TJ array that moves the pen instead of printing spaces; reportlab writes no such operator itself.
        pdf._code.append("BT /F1 12 Tf 72 700 Td [(Netto) -3000 (EUR) -1500 (MwSt.)] TJ ET")
        pdf.setFillColorRGB(1, 1, 1)
        pdf.drawString(72, 680, HIDDEN_LINES[-1])

    [page] = parse_document(_pdf(gaps), "gaps.pdf").pages

    assert page.splitlines()[-1] == "Netto  EUR  MwSt."  # gaps of three and one and a half ems: column gaps
    assert "0.03" not in page


def test_a_small_font_size_scaled_up_by_the_text_matrix_is_read() -> None:
    def scaled(pdf: Canvas) -> None:
        text = pdf.beginText()
        text.setFont("Helvetica", 0.5)
        text.setTextTransform(24, 0, 0, 24, 72, 700)  # 0.5 pt times 24: a 12 pt line
        text.textOut("Total 180.00 GBP")
        pdf.drawText(text)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.drawString(72, 680, HIDDEN_LINES[-1])

    [page] = parse_document(_pdf(scaled), "scaled.pdf").pages

    assert page.splitlines()[-1] == "Total 180.00 GBP"
    assert "0.03" not in page


def test_text_inside_its_clipping_path_is_kept_and_text_outside_it_dropped() -> None:
    def clipped(pdf: Canvas) -> None:
        pdf.saveState()
        pdf.translate(100, 50)  # the clip is judged on the page, where the transformations put it
        pdf._code.append("-40 640 300 30 re W n")  # a table cell around the total
        pdf.drawString(-28, 650, "Total 180.00 GBP")
        pdf.drawString(-28, 600, HIDDEN_LINES[-1])  # below the cell: clipped away
        pdf.restoreState()

    [page] = parse_document(_pdf(clipped), "cell.pdf").pages

    assert page.splitlines()[-1] == "Total 180.00 GBP"
    assert "0.03" not in page


def test_text_under_two_clipping_paths_shows_only_where_both_let_it() -> None:
    def twice_clipped(pdf: Canvas) -> None:
        pdf.saveState()
        pdf._code.append("60 630 400 100 re W n")  # a box around the totals ...
        pdf._code.append("60 600 250 100 re W n")  # ... and, inside it, a narrower one: text shows in both
        pdf.drawString(72, 690, "Total 180.00 GBP")  # in both
        pdf.drawString(72, 615, "Discount 0.03 GBP")  # in the second only: below the first
        pdf.drawString(330, 660, "Fee 0.04 GBP")  # in the first only: right of the second
        pdf.restoreState()
        pdf.saveState()
        pdf._code.append("60 400 100 50 re W n")
        pdf._code.append("300 400 100 50 re W n")  # two boxes apart: they let nothing through
        pdf.drawString(72, 420, "Rebate 0.05 GBP")
        pdf.drawString(310, 420, "Rebate 0.06 GBP")
        pdf.restoreState()

    [page] = parse_document(_pdf(twice_clipped), "cells.pdf").pages

    assert page.splitlines()[-1] == "Total 180.00 GBP"
    assert not any(hidden in page for hidden in ("0.03", "0.04", "0.05", "0.06"))


def test_condensed_and_translucent_text_is_kept() -> None:
    def readable(pdf: Canvas) -> None:
        text = pdf.beginText(72, 700)
        text.setHorizScale(50)  # condensed to half its width: narrow, still read
        text.textOut("Invoice Date: 05.03.2024")
        text.setHorizScale(100)
        pdf.drawText(text)
        pdf.setFillAlpha(0.3)  # a light grey on paper
        pdf.drawString(72, 680, "Total 180.00 GBP")

    [page] = parse_document(_pdf(readable), "readable.pdf").pages

    assert page.splitlines()[-2:] == ["Invoice Date: 05.03.2024", "Total 180.00 GBP"]
