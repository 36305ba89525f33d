"""Word documents (.docx): the text a reader sees, split into pages where Word split them.

A page ends at a page break the author put (`w:br w:type="page"`, a section that starts on a new page) and
where Word last broke the page laying the text out (`w:lastRenderedPageBreak`), so page numbers are those of
Word's last rendering of the file; a document never opened in Word has only the breaks its author put.
Footnotes follow the text of the page that refers to them, endnotes the last page, each with the number that
marks the place that refers to it; headers, footers and comments are left out. What counts as visible text is
said in `_docx_text.py`.
"""

from __future__ import annotations

import io
import zipfile

from claimflow.runtime.ingest import sniff
from claimflow.runtime.ingest._docx_numbering import Numbering, read_numbering
from claimflow.runtime.ingest._docx_pages import Chars, Notes, Pages
from claimflow.runtime.ingest._docx_styles import Styles, read_styles
from claimflow.runtime.ingest._docx_text import TextWalker
from claimflow.runtime.ingest._ole import SIGNATURE
from claimflow.runtime.ingest._ooxml import Budget, content_types, stream_part
from claimflow.runtime.ingest.errors import CorruptDocumentError, EncryptedDocumentError
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages

__all__ = ["UNPACK_FACTOR", "parse_docx"]

UNPACK_FACTOR = 10
"""A Word document's parts may unpack to this many times CLAIMFLOW_MAX_DOCUMENT_BYTES in all: its XML packs
to a tenth or so of its size, a zip bomb to a thousandth."""

_TYPES = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_MAIN = _TYPES + "document.main+xml"
_STYLES, _NUMBERING, _FOOTNOTES, _ENDNOTES = (
    _TYPES + kind for kind in ("styles+xml", "numbering+xml", "footnotes+xml", "endnotes+xml")
)


def _notes(
    archive: zipfile.ZipFile, part: str | None, budget: Budget, styles: Styles, numbering: Numbering, chars: Chars
) -> dict[str, str]:
    if part is None:
        return {}
    notes = Notes(chars)
    walker = TextWalker(notes, styles, numbering)
    stream_part(archive, part, budget, (walker.start, walker.end, walker.text))
    return notes.finish()


def _read(archive: zipfile.ZipFile, limits: IngestLimits) -> tuple[str, ...]:
    budget = Budget(
        UNPACK_FACTOR * limits.max_bytes,
        f"a Word document may unpack to {UNPACK_FACTOR} times CLAIMFLOW_MAX_DOCUMENT_BYTES ({limits.max_bytes:,})",
    )
    parts = content_types(archive, budget)
    by_type = {kind: name for name, kind in parts.items()}
    main = by_type.get(_MAIN)
    if main is None:
        raise CorruptDocumentError("The Word document has no main document part; it is damaged.")
    chars = Chars(limits)
    styles = read_styles(archive, by_type.get(_STYLES), budget)
    numbering = read_numbering(archive, by_type.get(_NUMBERING), budget)
    footnotes = _notes(archive, by_type.get(_FOOTNOTES), budget, styles, numbering, chars)
    endnotes = _notes(archive, by_type.get(_ENDNOTES), budget, styles, numbering, chars)
    pages = Pages(chars, limits, footnotes, endnotes)
    walker = TextWalker(pages, styles, numbering)
    stream_part(archive, main, budget, (walker.start, walker.end, walker.text))
    return pages.finish()


def parse_docx(data: bytes, limits: IngestLimits) -> ParsedPages:
    """Parse a Word document into the text of its pages.

    Args:
        data: The .docx file's bytes (a zip), or an encrypted one's (an OLE compound file).
        limits: Bytes it may unpack to (ten times `max_bytes`), characters and pages it may have.

    Returns:
        One string per page, method ``"docx"``.

    Raises:
        EncryptedDocumentError: The document is protected by a password.
        CorruptDocumentError: Not a zip, a part damaged or missing, or XML that is not well-formed or declares a
            DOCTYPE.
        DocumentTooLargeError: It unpacks to more bytes, or has more characters or pages, than the limits allow.
    """
    if data.startswith(SIGNATURE):
        raise EncryptedDocumentError(
            "The Word document is protected by a password (it is encrypted); send a copy saved without a password."
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = _read(archive, limits)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError) as error:
        raise CorruptDocumentError(
            f"The Word document could not be opened: it is damaged or cut off ({error})."
        ) from error
    return ParsedPages(pages=pages, method="docx", media_type=sniff.DOCX)
