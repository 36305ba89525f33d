"""Document ingestion: the bytes of one document in, one text per page out.

PDF text layers are read with pypdfium2; scanned pages and photos (JPEG, PNG, TIFF) go through
tesseract; HTML and plain text are decoded directly; Word documents (.docx) are unpacked and their XML
read. Everything else is refused with an :class:`UnsupportedFormatError`. Each failure is a subclass of
:class:`IngestError` whose message can be shown to the person who sent the document.
"""

from claimflow.runtime.ingest.errors import (
    CorruptDocumentError,
    DocumentTooLargeError,
    EmptyDocumentError,
    EncryptedDocumentError,
    IngestError,
    OcrCancelledError,
    OcrUnavailableError,
    UnsupportedFormatError,
)
from claimflow.runtime.ingest.models import IngestLimits, ParsedPages
from claimflow.runtime.ingest.parse import SUPPORTED_MEDIA_TYPES, parse_document, size_versus_limit
from claimflow.runtime.ingest.sniff import sniff_media_type

__all__ = [
    "SUPPORTED_MEDIA_TYPES",
    "CorruptDocumentError",
    "DocumentTooLargeError",
    "EmptyDocumentError",
    "EncryptedDocumentError",
    "IngestError",
    "IngestLimits",
    "OcrCancelledError",
    "OcrUnavailableError",
    "ParsedPages",
    "UnsupportedFormatError",
    "parse_document",
    "sniff_media_type",
    "size_versus_limit",
]
