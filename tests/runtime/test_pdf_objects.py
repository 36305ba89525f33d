"""A page's objects read by address (`_pdf_objects`): painting order, kind, box and fill; and the boxes' geometry."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from reportlab.pdfgen.canvas import Canvas

from claimflow.runtime.ingest._pdf_objects import (
    Box,
    bounds,
    contains,
    fill_colour,
    filled,
    holds,
    kind_of,
    overlap_of,
    overlaps,
    page_objects,
)
from tests.runtime._drawn_pdf import drawn_page


def _objects(pdf: Canvas) -> None:
    """In painting order: text, a red box, an outline, a faint yellow box and a form holding a box."""
    pdf.drawString(72, 800, "Total 180.00 GBP")
    pdf.setFillColorRGB(1, 0, 0)
    pdf.rect(100, 600, 200, 50, fill=1, stroke=0)
    pdf.setStrokeColorRGB(0, 0, 1)
    pdf.rect(50, 400, 80, 40, fill=0, stroke=1)
    pdf.setFillColorRGB(1, 1, 0)
    pdf.setFillAlpha(0.4)
    pdf.rect(300, 300, 100, 20, fill=1, stroke=0)
    pdf.setFillAlpha(1)
    pdf.beginForm("stamp")
    pdf.setFillColorRGB(0, 0.5, 0)
    pdf.rect(400, 100, 60, 60, fill=1, stroke=0)
    pdf.endForm()
    pdf.doForm("stamp")


@contextmanager
def _page(data: bytes) -> Iterator[pdfium.PdfPage]:
    document = pdfium.PdfDocument(data)
    try:
        page = document[0]
        try:
            yield page
        finally:
            page.close()
    finally:
        document.close()


def _near(box: Box | None, expected: Box, tolerance: float = 1.0) -> bool:
    return box is not None and all(abs(got - want) <= tolerance for got, want in zip(box, expected, strict=True))


def test_objects_come_in_painting_order_with_their_kind_box_and_fill() -> None:
    with _page(drawn_page(_objects)) as page:
        objects = list(page_objects(page))
        assert [index for index, _ in objects] == list(range(len(objects)))
        kinds = [kind_of(obj) for _, obj in objects]
        assert kinds == [
            pdfium_c.FPDF_PAGEOBJ_TEXT,
            pdfium_c.FPDF_PAGEOBJ_PATH,
            pdfium_c.FPDF_PAGEOBJ_PATH,
            pdfium_c.FPDF_PAGEOBJ_PATH,
            pdfium_c.FPDF_PAGEOBJ_FORM,
        ]
        text, red, outline, faint, form = (obj for _, obj in objects)

        assert _near(bounds(red), (100, 600, 300, 650))
        assert _near(bounds(form), (400, 100, 460, 160))
        outline_box = bounds(outline)  # a stroke's box reaches half the line's width beyond the path
        assert outline_box is not None and holds(outline_box, (50, 400, 130, 440))
        assert _near(outline_box, (50, 400, 130, 440))
        text_box = bounds(text)
        assert text_box is not None and contains(text_box, 100, 804)

        assert filled(red) and filled(faint)
        assert not filled(outline)
        assert fill_colour(red) == (255, 0, 0, 255)
        assert fill_colour(faint) == (255, 255, 0, 102)  # 0.4 of 255


def test_a_page_without_objects_has_none() -> None:
    with _page(drawn_page(lambda pdf: None)) as page:
        assert list(page_objects(page)) == []


@pytest.mark.parametrize(
    ("x", "y", "inside"),
    [(10, 20, True), (0, 0, True), (100, 50, True), (100.1, 20, False), (10, -0.1, False)],
)
def test_contains_counts_the_edges_as_inside(x: float, y: float, inside: bool) -> None:
    assert contains((0, 0, 100, 50), x, y) is inside


def test_holds_and_overlaps() -> None:
    outer: Box = (0, 0, 100, 100)
    assert holds(outer, (10, 10, 90, 90))
    assert holds(outer, outer)
    assert not holds(outer, (10, 10, 110, 90))
    assert not holds((10, 10, 90, 90), outer)
    assert overlaps(outer, (90, 90, 150, 150))
    assert not overlaps(outer, (100, 0, 150, 100))  # sharing an edge only
    assert not overlaps(outer, (200, 200, 300, 300))


def test_overlap_of_boxes_holds_exactly_the_points_in_every_one() -> None:
    assert overlap_of(()) is None
    assert overlap_of(((0, 0, 100, 100),)) == (0, 0, 100, 100)
    both = overlap_of(((0, 0, 100, 100), (50, 20, 150, 80)))
    assert both == (50, 20, 100, 80)
    apart = overlap_of(((0, 0, 10, 10), (20, 20, 30, 30)))
    assert apart is not None
    assert not any(contains(apart, x, y) for x in range(0, 31, 5) for y in range(0, 31, 5))
