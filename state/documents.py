"""References to documents and their parsed text.

State never carries document text: it carries these references, and the text lives in the
document store. `SourceText` is the in-memory view a node loads and hands to apply functions.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

NO_DOCUMENT = "0" * 64
"""The document id of a run whose file was never stored (refused before it was read) or of a made-up document."""


class DocumentRef(BaseModel):
    """A stored original document, addressed by the sha256 of its bytes."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    document_id: str
    """Hex sha256 of the original bytes."""
    filename: str
    """The name the document arrived with (no directories)."""
    media_type: str
    """Sniffed media type, e.g. application/pdf."""
    size: int = Field(ge=0)
    """Size of the original in bytes."""


class TextRef(BaseModel):
    """Parsed text stored by reference: pages live in the store, only their shape lives here."""

    model_config = ConfigDict(frozen=True, use_attribute_docstrings=True)

    text_id: str
    """Content address of the stored pages."""
    page_count: int = Field(ge=0)
    """Number of pages."""
    char_count: int = Field(ge=0)
    """Total characters over all pages."""
    method: str
    """How the text was obtained: text-layer, ocr, plain, html; `+` joins two (text-layer+ocr)."""
    ocr_pages: tuple[int, ...] | None = None
    """The pages (from 1) whose text OCR read; None for a text parsed before they were recorded, whose every page
    counts as read by OCR where `method` names it."""

    @property
    def read_by_ocr(self) -> bool:
        """Whether OCR read any of the text (a scan, a photo, a PDF page with no usable text layer)."""
        return bool(self.ocr_pages) if self.ocr_pages is not None else "ocr" in self.method.split("+")

    def page_read_by_ocr(self, page: int) -> bool:
        """Whether OCR read page `page` (from 1); of a PDF mixing both, a page of its text layer was not."""
        return page in self.ocr_pages if self.ocr_pages is not None else self.read_by_ocr


class SourceText(BaseModel):
    """Page texts of one document; offsets in evidence are offsets into these strings."""

    model_config = ConfigDict(frozen=True)

    pages: tuple[str, ...]

    def page(self, number: int) -> str:
        """Return the text of a 1-based page number."""
        return self.pages[number - 1]
