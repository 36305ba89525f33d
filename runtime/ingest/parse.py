"""The one entry point: bytes of a document in, page texts out."""

from __future__ import annotations

from collections.abc import Callable

from claimflow.runtime.ingest import sniff
from claimflow.runtime.ingest._text import visible_chars
from claimflow.runtime.ingest.errors import DocumentTooLargeError, EmptyDocumentError, UnsupportedFormatError
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages
from claimflow.runtime.ingest.sniff import sniff_media_type

__all__ = ["SUPPORTED_MEDIA_TYPES", "parse_document", "size_versus_limit"]

_Parser = Callable[[bytes, str, IngestLimits], ParsedPages]

# Each parser's libraries (pypdfium2, Pillow and tesseract, BeautifulSoup) load when a document needs them.


def _pdf(data: bytes, _media: str, limits: IngestLimits) -> ParsedPages:
    from claimflow.runtime.ingest.pdf import parse_pdf

    return parse_pdf(data, limits)


def _image(data: bytes, media: str, limits: IngestLimits) -> ParsedPages:
    from claimflow.runtime.ingest.images import parse_image

    return parse_image(data, media, limits)


def _plain(data: bytes, _media: str, _limits: IngestLimits) -> ParsedPages:
    from claimflow.runtime.ingest.plain import parse_plain

    return parse_plain(data)


def _html(data: bytes, _media: str, _limits: IngestLimits) -> ParsedPages:
    from claimflow.runtime.ingest.html import parse_html

    return parse_html(data)


def _docx(data: bytes, _media: str, limits: IngestLimits) -> ParsedPages:
    from claimflow.runtime.ingest.docx import parse_docx

    return parse_docx(data, limits)


_PARSERS: dict[str, _Parser] = {
    sniff.PDF: _pdf,
    sniff.JPEG: _image,
    sniff.PNG: _image,
    sniff.TIFF: _image,
    sniff.TEXT: _plain,
    sniff.HTML: _html,
    sniff.DOCX: _docx,
}

SUPPORTED_MEDIA_TYPES: tuple[str, ...] = tuple(_PARSERS)
"""Media types :func:`parse_document` reads."""

_SUPPORTED_NAMES = "PDF, JPEG, PNG, TIFF, Word (.docx), plain text (.txt) and HTML"

_SAVE_AS = "open it in Word and save it as .docx or PDF"
_AS_JPEG = "save or export it as JPEG or PNG"
_UNSUPPORTED_NAMES: dict[str, tuple[str, str, str]] = {
    sniff.DOC: ("a Word 97-2003 document", ".doc", _SAVE_AS),
    sniff.DOCM: ("a macro-enabled Word document", ".docm", _SAVE_AS),
    sniff.XLSX: ("an Excel workbook", ".xlsx", ""),
    sniff.XLSM: ("a macro-enabled Excel workbook", ".xlsm", ""),
    sniff.XLS: ("an Excel 97-2003 workbook", ".xls", ""),
    sniff.PPTX: ("a PowerPoint presentation", ".pptx", ""),
    sniff.PPTM: ("a macro-enabled PowerPoint presentation", ".pptm", ""),
    sniff.PPT: ("a PowerPoint 97-2003 presentation", ".ppt", ""),
    sniff.ZIP: ("a ZIP archive", ".zip", "send the documents in it one by one"),
    sniff.EMAIL: ("an email", ".eml", "save its attachments and send them, one document each"),
    sniff.HEIC: (
        "an HEIC photo",
        ".heic",
        f"{_AS_JPEG} (an iPhone takes JPEG photos with Settings > Camera > Formats > Most Compatible)",
    ),
    sniff.AVIF: ("an AVIF image", ".avif", _AS_JPEG),
    sniff.WEBP: ("a WebP image", ".webp", _AS_JPEG),
    sniff.GIF: ("a GIF image", ".gif", _AS_JPEG),
    sniff.BMP: ("a bitmap image", ".bmp", _AS_JPEG),
}
"""What a refused format is, in words, and what to send instead where there is something to say."""


def _unsupported(filename: str, media_type: str) -> str:
    named, extension, advice = _UNSUPPORTED_NAMES.get(media_type, ("", "", ""))
    what = f"{named} ({extension}, {media_type})" if named else media_type
    then = f"; {advice}" if advice else ""
    return f"{filename!r} is {what}, which is not supported{then}. Supported formats: {_SUPPORTED_NAMES}."


def _human(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


def size_versus_limit(size: int, limit: int) -> tuple[str, str]:
    """Both sizes for a message, in exact bytes when rounding would print them the same."""
    shown = _human(size), _human(limit)
    return shown if shown[0] != shown[1] else (f"{size:,} bytes", f"{limit:,} bytes")


def _check_chars(pages: tuple[str, ...], filename: str, limits: IngestLimits) -> None:
    """Refuse a text too long to read in bounded time, naming the page (numbered from 1) and the limit."""
    for number, page in enumerate(pages, start=1):
        if len(page) > limits.max_page_chars:
            raise DocumentTooLargeError(
                f"{filename!r} has {len(page):,} characters on page {number}; at most {limits.max_page_chars:,} "
                "per page are accepted (CLAIMFLOW_MAX_PAGE_CHARS)."
            )
    total = sum(len(page) for page in pages)
    if total > limits.max_chars:
        raise DocumentTooLargeError(
            f"{filename!r} has {total:,} characters; at most {limits.max_chars:,} are accepted"
            " (CLAIMFLOW_MAX_DOCUMENT_CHARS)."
        )


def parse_document(data: bytes, filename: str, limits: IngestLimits | None = None) -> ParsedPages:
    """Turn the bytes of one document into page texts.

    The size limit is checked before anything is parsed; the media type is sniffed from the
    bytes (the extension only breaks ties); then the matching parser runs.

    Args:
        data: The document's bytes.
        filename: The name it arrived with; used for its extension and in messages.
        limits: Size, page and OCR settings; the defaults of :class:`IngestLimits` if omitted.

    Returns:
        One text per page, how it was obtained and the sniffed media type.

    Raises:
        EmptyDocumentError: Zero bytes, or no text at all after parsing and OCR.
        DocumentTooLargeError: More bytes, pages, characters on a page or characters in all than the limits allow.
        UnsupportedFormatError: Not one of the supported formats.
        CorruptDocumentError: A supported format whose bytes cannot be decoded.
        EncryptedDocumentError: A password-protected PDF or Word document.
        OcrUnavailableError: OCR is needed and tesseract is not installed.
    """
    limits = limits or IngestLimits()
    if not data:
        raise EmptyDocumentError(f"{filename!r} is empty (0 bytes).")
    if len(data) > limits.max_bytes:
        size, limit = size_versus_limit(len(data), limits.max_bytes)
        raise DocumentTooLargeError(
            f"{filename!r} is {size}; documents up to {limit} are accepted (CLAIMFLOW_MAX_DOCUMENT_BYTES)."
        )
    media_type = sniff_media_type(data, filename)
    parser = _PARSERS.get(media_type)
    if parser is None:
        raise UnsupportedFormatError(_unsupported(filename, media_type))
    parsed = parser(data, media_type, limits)
    if len(parsed.pages) > limits.max_pages:
        raise DocumentTooLargeError(
            f"{filename!r} has {len(parsed.pages)} pages; at most {limits.max_pages} are accepted"
            " (CLAIMFLOW_MAX_PAGES)."
        )
    _check_chars(parsed.pages, filename, limits)
    if not any(visible_chars(page) for page in parsed.pages):
        where = " even after OCR" if "ocr" in parsed.method else ""
        raise EmptyDocumentError(f"No text was found in {filename!r}{where}.")
    return parsed
