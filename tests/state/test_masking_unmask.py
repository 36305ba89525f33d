"""Masking personal data, and bringing claims made on masked text back to the source."""

from __future__ import annotations

import pytest

from claimflow.doctypes import RECEIPT
from claimflow.state.apply import apply_extraction
from claimflow.state.apply.unmask import unmask_classification, unmask_extraction
from claimflow.state.claims import ClassificationClaim, ExtractionClaim
from claimflow.state.documents import SourceText
from claimflow.state.evidence import locate
from claimflow.state.masking import MaskResult, mask_pages, source_offset, unmask_text
from tests.factories import claimed, field_claim, row_claim

PAGE_1 = (
    "Northwind Store\n"
    "Contact: jane.doe@example.com\n"
    "Tel: +49 30 123456\n"
    "IBAN: DE89 3704 0044 0532 0130 00\n"
    "Date: 12.03.2024\n"
    "Total 1 234,56 EUR\n"
)
PAGE_2 = "Questions? Write to jane.doe@example.com or billing@example.org\nTOTAL RM62.80\n"
SOURCE = SourceText(pages=(PAGE_1, PAGE_2))


@pytest.fixture
def masked() -> MaskResult:
    return mask_pages(SOURCE.pages)


def test_email_phone_and_iban_are_masked(masked: MaskResult) -> None:
    page = masked.pages[0]
    assert "jane.doe@example.com" not in page
    assert "+49 30 123456" not in page
    assert "DE89 3704" not in page
    assert "Contact: [EMAIL_1]" in page
    assert "Tel: [PHONE_1]" in page
    assert "IBAN: [IBAN_1]" in page


def test_amounts_and_dates_are_not_masked(masked: MaskResult) -> None:
    assert "Date: 12.03.2024" in masked.pages[0]
    assert "Total 1 234,56 EUR" in masked.pages[0]
    assert "TOTAL RM62.80" in masked.pages[1]


def test_the_same_original_keeps_its_placeholder_across_pages(masked: MaskResult) -> None:
    assert masked.pages[1].startswith("Questions? Write to [EMAIL_1] or [EMAIL_2]\n")


def test_replacements_record_both_places(masked: MaskResult) -> None:
    assert len(masked.replacements) == 5
    for r in masked.replacements:
        assert SOURCE.page(r.page)[r.source_start : r.source_end] == r.original
        assert masked.pages[r.page - 1][r.masked_start : r.masked_end] == r.placeholder


@pytest.mark.parametrize(
    "text",
    ["Phone: 030 1234 5678", "Call +1 (555) 123-4567 today", "+44 20 7946 0958", "Tel: +49 (0)30 1234 5678"],
)
def test_phone_formats_are_masked(text: str) -> None:
    assert "[PHONE_1]" in mask_pages((text,)).pages[0]


@pytest.mark.parametrize("text", ["Tel: +49 30 1234567", "Mobile: 0171 2345678", "Tel.: 0049-30-12345678"])
def test_phone_numbers_with_a_long_subscriber_group_are_masked(text: str) -> None:
    # Seven- and eight-digit subscriber numbers are common (Berlin landlines, German mobiles).
    masked = mask_pages((text,)).pages[0]
    assert "[PHONE_1]" in masked, masked


def test_unlabelled_digit_groups_are_not_phones() -> None:
    assert mask_pages(("Ref 12 345 678 / Qty 10 20",)).pages == ("Ref 12 345 678 / Qty 10 20",)


def test_card_numbers_are_masked_only_when_the_checksum_holds() -> None:
    assert mask_pages(("Card 4111 1111 1111 1111",)).pages == ("Card [CARD_1]",)
    assert mask_pages(("Order 4111 1111 1111 1112",)).pages == ("Order 4111 1111 1111 1112",)


def test_unmask_text_restores_originals(masked: MaskResult) -> None:
    restored = unmask_text("Contact: [EMAIL_1], IBAN [IBAN_1]", masked.replacements)
    assert restored.text == "Contact: jane.doe@example.com, IBAN DE89 3704 0044 0532 0130 00"
    assert set(restored.placeholders) == {"[EMAIL_1]", "[IBAN_1]"}
    assert unmask_text("nothing here", masked.replacements).placeholders == ()


def test_source_offset_moves_past_longer_and_shorter_placeholders(masked: MaskResult) -> None:
    masked_page = masked.pages[0]
    at = masked_page.index("Date:")
    assert source_offset(1, at, masked.replacements) == PAGE_1.index("Date:")
    assert source_offset(1, 3, masked.replacements) == 3
    inside = masked_page.index("[EMAIL_1]") + 2
    assert source_offset(1, inside, masked.replacements) == PAGE_1.index("jane.doe")
    assert source_offset(2, masked.pages[1].index("TOTAL"), masked.replacements) == PAGE_2.index("TOTAL")


def _masked_span(masked_page: str, quote: str) -> tuple[int, int]:
    start = masked_page.index(quote)
    return start, start + len(quote)


def test_claim_on_masked_text_passes_locate_against_the_source_after_unmasking(masked: MaskResult) -> None:
    start, end = _masked_span(masked.pages[0], "Total 1 234,56 EUR")
    assert start != PAGE_1.index("Total 1 234,56 EUR")  # the placeholders shifted it
    claim = ExtractionClaim(
        fields=[field_claim("total_amount", "1234.56", "Total 1 234,56 EUR", page=1, start=start, end=end)]
    )
    unmasked, used = unmask_extraction(claim, SourceText(pages=masked.pages), masked.replacements)
    assert used == []
    evidence = unmasked.fields[0].evidence
    assert (evidence.start, evidence.end) == (PAGE_1.index("Total"), PAGE_1.index("Total") + 18)
    assert locate(evidence, SOURCE).evidence is not None
    patch = apply_extraction(RECEIPT, unmasked, SOURCE, step="extract_receipt", attempt=1)
    assert (patch.fields or {})["total_amount"].status == "accepted"


def test_quote_with_a_placeholder_gets_its_original_and_source_offsets(masked: MaskResult) -> None:
    start, end = _masked_span(masked.pages[0], "Contact: [EMAIL_1]")
    claim = ExtractionClaim(
        fields=[field_claim("vendor_address", "[EMAIL_1]", "Contact: [EMAIL_1]", page=1, start=start, end=end)]
    )
    unmasked, used = unmask_extraction(claim, SourceText(pages=masked.pages), masked.replacements)
    assert used == ["[EMAIL_1]"]
    restored = unmasked.fields[0]
    assert restored.value == "jane.doe@example.com"
    assert restored.evidence.quote == "Contact: jane.doe@example.com"
    found = locate(restored.evidence, SOURCE)
    assert found.evidence is not None
    assert found.evidence.start == PAGE_1.index("Contact:")


def test_quote_with_a_placeholder_and_reflowed_white_space_still_locates() -> None:
    # locate lets white space differ; unmasking must not turn that into an offset mismatch.
    source = SourceText(pages=("Invoice INV-7\nContact:\n  jane.doe@example.com here\n",))
    masked = mask_pages(source.pages)
    page = masked.pages[0]
    start, end = page.index("Contact:"), page.index("[EMAIL_1]") + len("[EMAIL_1]")
    evidence = claimed("Contact: [EMAIL_1]", page=1, start=start, end=end)
    assert locate(evidence, SourceText(pages=masked.pages)).evidence is not None
    claim = ClassificationClaim(doc_type="invoice", confidence=0.9, evidence=[evidence])
    unmasked, _ = unmask_classification(claim, SourceText(pages=masked.pages), masked.replacements)
    found = locate(unmasked.evidence[0], source)
    assert found.evidence is not None, found.reason


def test_unmask_classification_restores_quotes(masked: MaskResult) -> None:
    claim = ClassificationClaim(
        doc_type="receipt", confidence=0.9, evidence=[claimed("Write to [EMAIL_1] or [EMAIL_2]", page=2)]
    )
    unmasked, used = unmask_classification(claim, SourceText(pages=masked.pages), masked.replacements)
    assert unmasked.evidence[0].quote == "Write to jane.doe@example.com or billing@example.org"
    assert set(used) == {"[EMAIL_1]", "[EMAIL_2]"}
    assert locate(unmasked.evidence[0], SOURCE).evidence is not None


def test_table_row_evidence_is_unmasked_too(masked: MaskResult) -> None:
    start, end = _masked_span(masked.pages[1], "TOTAL RM62.80")
    row = row_claim(
        "line_items", {"description": "All", "amount": "62.80"}, "TOTAL RM62.80", page=2, start=start, end=end
    )
    unmasked, _ = unmask_extraction(ExtractionClaim(rows=[row]), SourceText(pages=masked.pages), masked.replacements)
    evidence = unmasked.rows[0].evidence
    assert (evidence.start, evidence.end) == (PAGE_2.index("TOTAL"), PAGE_2.index("TOTAL") + 13)
    assert locate(evidence, SOURCE).evidence is not None
    assert unmasked.rows[0].cells == {"description": "All", "amount": "62.80"}


def test_table_row_cells_get_their_originals_back(masked: MaskResult) -> None:
    row = row_claim("contacts", {"email": "[EMAIL_2]"}, "or [EMAIL_2]", page=2)
    unmasked, used = unmask_extraction(ExtractionClaim(rows=[row]), SourceText(pages=masked.pages), masked.replacements)
    assert unmasked.rows[0].cells == {"email": "billing@example.org"}
    assert unmasked.rows[0].evidence.quote == "or billing@example.org"
    assert used == ["[EMAIL_2]"]


def test_offsets_stated_without_a_page_are_mapped_back_too() -> None:
    # ClaimedEvidence allows offsets without a page; locate then accepts any page where they fit.
    source = SourceText(pages=("Contact: jane.doe@example.com\nINVOICE\n",))
    masked = mask_pages(source.pages)
    start = masked.pages[0].index("INVOICE")
    evidence = claimed("INVOICE", start=start, end=start + 7)
    assert locate(evidence, SourceText(pages=masked.pages)).evidence is not None
    claim = ClassificationClaim(doc_type="invoice", confidence=0.9, evidence=[evidence])
    unmasked, _ = unmask_classification(claim, SourceText(pages=masked.pages), masked.replacements)
    found = locate(unmasked.evidence[0], source)
    assert found.evidence is not None, found.reason
