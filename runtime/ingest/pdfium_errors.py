"""Why PDFium would not open a PDF, in words for the person who sent it, PDFium's own words kept in brackets.

PDFium names a failed load by a code whose text ("Data format error") says nothing to someone whose invoice
was cut off in the upload; the bracketed text stays for whoever has to look further.
"""

from __future__ import annotations

import re

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

__all__ = ["unopened_reason"]

_MEANINGS = {
    pdfium_c.FPDF_ERR_FILE: "its bytes could not be loaded",
    # A truncated upload, a file cut short on disk, or bytes that only start like a PDF.
    pdfium_c.FPDF_ERR_FORMAT: "it is damaged or cut off",
    pdfium_c.FPDF_ERR_PASSWORD: "it is protected by a password",
    pdfium_c.FPDF_ERR_SECURITY: "it is encrypted in a way that cannot be opened",
    pdfium_c.FPDF_ERR_PAGE: "one of its pages is missing or damaged",
}
_ADVICE = {
    pdfium_c.FPDF_ERR_PASSWORD: "send a copy saved without a password",
    pdfium_c.FPDF_ERR_SECURITY: "send a copy saved without a password or encryption",
}
_PDFIUM_WORDS = re.compile(r"\(PDFium: ([^)]*)\)")  # pypdfium2's "Failed to load document (PDFium: ...)."


def unopened_reason(error: pdfium.PdfiumError) -> str:
    """The reason a PDF could not be opened: what PDFium's error code means, its own text in brackets.

    For example "The PDF could not be read: it is damaged or cut off (PDFium: Data format error)." A code
    without a known meaning gives PDFium's text alone; a password or encryption adds what to send instead.
    """
    found = _PDFIUM_WORDS.search(str(error))
    pdfium_words = found[1] if found else str(error).rstrip(".")
    meaning = _MEANINGS.get(error.err_code)  # None where the call names no code (most calls but loading)
    reason = f"The PDF could not be read: {meaning}" if meaning else "The PDF could not be read"
    advice = _ADVICE.get(error.err_code)
    return f"{reason} (PDFium: {pdfium_words})" + (f"; {advice}." if advice else ".")
