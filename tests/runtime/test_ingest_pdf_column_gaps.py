"""A PDF's columns survive its text layer: a wide gap on a line reads as a column gap, a word space as one space.

Every PDF here is drawn by the test with reportlab.
"""

from __future__ import annotations

import io
import re

import pytest
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

from claimflow import DocumentType, Field
from claimflow.runtime.backends.rules._generic import generic_extract
from claimflow.runtime.ingest import parse_document
from claimflow.runtime.pages import read_page
from claimflow.state.apply import check_field_claim
from claimflow.state.documents import SourceText
from claimflow.state.masking import mask_pages
from tests.runtime._drawn_pdf import drawn_page

CONTRACT = DocumentType(
    name="energy_contract",
    description="A supply contract for electricity: who supplies it, and the contract's number.",
    titles=("Energy Supply Contract",),
    fields=[
        Field("supplier", "text", required=True, labels=("Supplier",)),
        Field("contract_number", "identifier", labels=("Contract No.",)),
    ],
)  # fmt: skip

LABELS_AT, VALUES_AT, TOP, LEADING = 72, 220, 760, 20
ROWS = [("Supplier", "Brightwater Energy Ltd"), ("Contract No.", "BW-2024-118"), ("Tariff", "Fixed 24 months")]


def _columns(pdf: Canvas) -> None:
    """A form: each label in the left column, its value in a column of its own further right."""
    pdf.drawString(LABELS_AT, TOP + 2 * LEADING, "Energy Supply Contract")
    for number, (label, value) in enumerate(ROWS):
        pdf.drawString(LABELS_AT, TOP - LEADING * number, label)
        pdf.drawString(VALUES_AT, TOP - LEADING * number, value)


def test_a_label_and_its_value_in_columns_of_their_own_read_apart() -> None:
    [page] = parse_document(drawn_page(_columns), "contract.pdf").pages

    assert page.splitlines()[1:] == [
        "Supplier  Brightwater Energy Ltd",
        "Contract No.  BW-2024-118",
        "Tariff  Fixed 24 months",
    ]


def test_the_label_driven_extractor_reads_a_value_in_its_own_column() -> None:
    [page] = parse_document(drawn_page(_columns), "contract.pdf").pages

    claim = generic_extract([page], CONTRACT)

    [supplier] = [field for field in claim.fields if field.field == "supplier"]
    assert supplier.value == "Brightwater Energy Ltd"
    # Claimed as a value after a run of spaces is (less surely than after a colon or a tab), and its evidence stands.
    assert supplier.confidence == 0.6
    assert check_field_claim(CONTRACT, supplier, SourceText(pages=(page,)), step="t", claim_id="c").accepted


def test_the_evidence_of_a_value_after_a_column_gap_is_boxed_where_it_was_drawn() -> None:
    data = drawn_page(_columns)
    [page_text] = parse_document(data, "contract.pdf").pages
    page = read_page(data, "application/pdf", 1, page_text)
    scale = page.width / A4[0]
    start = page_text.index("Brightwater")

    [box] = page.boxes(start, start + len("Brightwater Energy Ltd"))  # one line, one box

    right = VALUES_AT + stringWidth("Brightwater Energy Ltd", "Helvetica", 12)
    assert box.left == pytest.approx(VALUES_AT * scale, abs=3)
    assert box.right == pytest.approx(right * scale, abs=3)
    baseline = (A4[1] - TOP) * scale
    assert box.top < baseline < box.bottom + 6 * scale
    # The gap draws nothing: a quote that takes it in ends where the label does.
    label = page_text.index("Supplier")
    [box] = page.boxes(label, label + len("Supplier  "))
    assert box.right == pytest.approx((LABELS_AT + stringWidth("Supplier", "Helvetica", 12)) * scale, abs=3)


def _justified(words: str) -> bytes:
    buffer = io.BytesIO()
    style = ParagraphStyle("body", fontName="Helvetica", fontSize=11, leading=14, alignment=TA_JUSTIFY)
    # A narrow column: justification stretches the word spaces of its loose lines to three times their width.
    SimpleDocTemplate(buffer, pagesize=A4, invariant=1, leftMargin=72, rightMargin=A4[0] - 72 - 190).build(
        [Paragraph(words, style)]
    )
    return buffer.getvalue()


def test_a_justified_paragraph_keeps_one_space_between_its_words() -> None:
    words = (
        "The supplier shall deliver electricity to the premises named in the schedule, and the customer shall "
        "pay for it monthly, within thirty days of each invoice, unless otherwise agreed in writing by both "
        "parties; metering equipment remains the property of the distribution network operator throughout."
    )
    [page] = parse_document(_justified(words), "terms.pdf").pages

    assert re.sub(r"\s+", " ", page) == words
    assert "  " not in page


def _spread(pdf: Canvas) -> None:
    """Numbers whose groups a form prints in boxes of their own, each group well apart from the next."""
    pdf.setFont("Courier", 10)
    numbers = [
        ("Card", ["****", "****", "****", "1234"]),
        ("SSN", ["123", "45", "6789"]),
        ("Phone", ["+44", "20", "7946", "0958"]),
    ]
    for line, (label, groups) in enumerate(numbers):
        pdf.drawString(LABELS_AT, TOP - LEADING * line, label)
        for place, group in enumerate(groups):
            pdf.drawString(VALUES_AT + 45 * place, TOP - LEADING * line, group)


def test_numbers_printed_in_groups_far_apart_are_masked_as_with_one_space_between_them() -> None:
    # The groups' gaps read as column gaps; masking reads a number's groups across them, as it did across the one
    # space PDFium gives for any gap.
    [page] = parse_document(drawn_page(_spread), "form.pdf").pages
    assert page.splitlines() == ["Card  ****  ****  ****  1234", "SSN  123  45  6789", "Phone  +44  20  7946  0958"]

    masked = mask_pages((page,))

    assert masked.pages[0].splitlines() == ["Card  [CARD_1]", "SSN  [NATIONAL_ID_1]", "Phone  [PHONE_1]"]
    assert [item.original for item in masked.replacements] == [
        "****  ****  ****  1234",
        "123  45  6789",
        "+44  20  7946  0958",
    ]
