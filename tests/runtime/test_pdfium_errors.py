"""PDFium's load error codes as reasons a person can act on, PDFium's own text kept in brackets."""

from __future__ import annotations

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from claimflow.runtime.ingest.pdfium_errors import unopened_reason


@pytest.mark.parametrize(
    ("code", "pdfium_text", "reason"),
    [
        (pdfium_c.FPDF_ERR_FILE, "File access error", "its bytes could not be loaded (PDFium: File access error)."),
        (pdfium_c.FPDF_ERR_FORMAT, "Data format error", "it is damaged or cut off (PDFium: Data format error)."),
        (
            pdfium_c.FPDF_ERR_SECURITY,
            "Unsupported security scheme error",
            "it is encrypted in a way that cannot be opened (PDFium: Unsupported security scheme error); "
            "send a copy saved without a password or encryption.",
        ),
        (
            pdfium_c.FPDF_ERR_PAGE,
            "Page not found or content error",
            "one of its pages is missing or damaged (PDFium: Page not found or content error).",
        ),
    ],
)
def test_each_known_code_says_what_it_means(code: int, pdfium_text: str, reason: str) -> None:
    error = pdfium.PdfiumError(f"Failed to load document (PDFium: {pdfium_text}).", err_code=code)

    assert unopened_reason(error) == f"The PDF could not be read: {reason}"


def test_a_code_of_no_known_meaning_gives_pdfiums_words_alone() -> None:
    unknown = pdfium.PdfiumError("Failed to load document (PDFium: Unknown error).", err_code=pdfium_c.FPDF_ERR_UNKNOWN)
    uncoded = pdfium.PdfiumError("Failed to load document.")

    assert unopened_reason(unknown) == "The PDF could not be read (PDFium: Unknown error)."
    assert unopened_reason(uncoded) == "The PDF could not be read (PDFium: Failed to load document)."
