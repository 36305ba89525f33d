"""Media type detection: magic bytes (and a zip's or OLE file's contents) first, the file name's extension second."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from claimflow.runtime.ingest import _ole
from claimflow.runtime.ingest._ooxml import Budget, content_types
from claimflow.runtime.ingest._text import wide_encoding
from claimflow.runtime.ingest.errors import IngestError

__all__ = ["sniff_media_type"]

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
TEXT = "text/plain"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCM = "application/vnd.ms-word.document.macroEnabled.12"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSM = "application/vnd.ms-excel.sheet.macroEnabled.12"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
PPTM = "application/vnd.ms-powerpoint.presentation.macroEnabled.12"
DOC = "application/msword"
XLS = "application/vnd.ms-excel"
PPT = "application/vnd.ms-powerpoint"
OLE = "application/x-ole-storage"
ZIP = "application/zip"
OCTET = "application/octet-stream"
EMAIL = "message/rfc822"
HEIC = "image/heic"
AVIF = "image/avif"
WEBP = "image/webp"
GIF = "image/gif"
BMP = "image/bmp"

# ISO base media files (HEIF, AVIF, MP4) open with a box `ftyp` naming a major brand: the photo formats by theirs.
_PHOTO_BRANDS: dict[bytes, str] = {
    **dict.fromkeys((b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1"), HEIC),
    b"avif": AVIF,
    b"avis": AVIF,
}

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
    (b"{\\rtf", "application/rtf"),
    (b"%!PS", "application/postscript"),
    (b"\x1f\x8b", "application/gzip"),
    (b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (b"Rar!\x1a\x07", "application/vnd.rar"),
    (b"\x7fELF", "application/x-executable"),
)

_EXTENSIONS: dict[str, str] = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".tif": TIFF,
    ".tiff": TIFF,
    ".txt": TEXT,
    ".text": TEXT,
    ".md": TEXT,
    ".html": HTML,
    ".htm": HTML,
    ".xhtml": HTML,
    ".docx": DOCX,
    ".docm": DOCM,
    ".xlsx": XLSX,
    ".xlsm": XLSM,
    ".pptx": PPTX,
    ".pptm": PPTM,
    ".doc": DOC,
    ".xls": XLS,
    ".ppt": PPT,
    ".zip": ZIP,
    ".exe": "application/x-msdownload",
}

_SIGNED_BY_EXTENSION = frozenset({PDF, JPEG, PNG, TIFF, DOCX})
"""Formats whose files always open with their signature: a name that says one of them, on bytes without it, is
a misleading name (a text saved as `invoice.pdf`), not a damaged file, when the bytes read as text."""

_MAIN_PARTS: dict[str, str] = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.ms-word.document.macroEnabled.main+xml": DOCM,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": XLSX,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": XLSM,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": PPTM,
}
"""The content type an Office Open XML package declares for its main part, and the package's media type."""

_FOLDERS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
"""A package whose [Content_Types].xml cannot be read is taken by its folders, for its reader to say why."""

_CONTENT_TYPES_BYTES = 1024 * 1024
"""[Content_Types].xml lists a package's parts: a few KiB. Sniffing reads no more than this of it."""

_OLE_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS), ("PowerPoint Document", PPT))
_ENCRYPTED_BY_EXTENSION = {".xlsx": XLSX, ".xlsm": XLSM, ".pptx": PPTX, ".pptm": PPTM, ".docm": DOCM}

_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""Control bytes that text does not hold (tab, line feed, form feed and carriage return aside)."""

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_HTML_MARKERS = (b"<html", b"<body", b"<table", b"<div", b"<p>", b"<br")


def _zip_type(data: bytes, extension: str) -> str:
    """An Office Open XML package by the main part its [Content_Types].xml declares, else a zip.

    A zip that cannot be opened is a damaged Word document if its name says so, for its reader to say it is.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "[Content_Types].xml" not in names:
                return ZIP
            try:
                declared = content_types(archive, Budget(_CONTENT_TYPES_BYTES, "sniffing reads less"))
            except IngestError:
                return next((kind for folder, kind in _FOLDERS if any(n.startswith(folder) for n in names)), ZIP)
    except (zipfile.BadZipFile, OSError, ValueError):
        return DOCX if extension == ".docx" else ZIP
    return next((_MAIN_PARTS[kind] for kind in declared.values() if kind in _MAIN_PARTS), ZIP)


def _ole_type(data: bytes, extension: str) -> str:
    """Word, Excel or PowerPoint 97-2003 by the stream their content is in; an encrypted package by its name.

    An encrypted .docx, .xlsx or .pptx is one `EncryptedPackage` stream that does not say which it is: its name
    decides, and a name that says none of them is taken for a Word document, whose reader says it is encrypted.
    """
    if _ole.has_stream(data, "EncryptedPackage"):
        return _ENCRYPTED_BY_EXTENSION.get(extension, DOCX)
    return next((kind for stream, kind in _OLE_STREAMS if _ole.has_stream(data, stream)), OLE)


def _looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(_HTML_STARTS):
        return True
    if lowered.startswith((b"<?xml", b"<!--", b"<!doctype")):
        return any(marker in lowered for marker in _HTML_MARKERS)
    return False


_HEADER_LINE = re.compile(rb"[!-9;-~]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*")
"""One header of a mail message: a name, a colon, its value, and any folded lines after it (RFC 5322)."""
_MIME_HEADERS = (b"mime-version", b"content-type")
_EMAIL_HEADERS_READ = 64 * 1024
"""How much of a file is looked through for a mail message's headers (its `Received:` lines may run long)."""


def _looks_like_email(head: bytes) -> bool:
    """Whether `head` opens a MIME mail message: header lines from the first byte, naming MIME-Version and a type.

    Such a file (an `.eml` a mail program saved) holds its attachments base64-encoded: read as text, its
    document would be their encoding. A message without MIME headers is plain text, read as such; so is a letter
    that merely starts `Subject: ...`.
    """
    names = set()
    at = 0
    while (line := _HEADER_LINE.match(head, at)) is not None:
        names.add(line.group().split(b":", 1)[0].lower())
        at = line.end()
    return at > 0 and all(name in names for name in _MIME_HEADERS)


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head or wide_encoding(head) is not None


def _reads_as_text(data: bytes) -> bool:
    """The whole of `data` is text: UTF-16 or UTF-32, or a byte encoding without one control byte in it.

    Stricter than `_looks_like_text`, which sees only the start: here the bytes decide against the name, and a
    damaged PDF or image (whose compressed data holds control bytes all through) must still count as one.
    """
    return wide_encoding(data) is not None or _BINARY_CONTROLS.search(data) is None


def _unread_image(data: bytes) -> str | None:
    """The type of an image in a format claimflow does not read (WebP, HEIC, AVIF, BMP), to name it; else None.

    A bitmap is `BM` followed by the file's own size (little-endian), so a text opening with "BM" is not one.
    """
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data[4:8] == b"ftyp" and data[8:12] in _PHOTO_BRANDS:
        return _PHOTO_BRANDS[data[8:12]]
    if len(data) >= 26 and data.startswith(b"BM") and int.from_bytes(data[2:6], "little") == len(data):
        return BMP
    return None


def sniff_media_type(data: bytes, filename: str) -> str:
    """Detect a document's media type.

    Magic bytes decide first; the file name's extension is used only when the bytes do not say.
    A zip is a Word document (or Excel workbook, PowerPoint presentation) only if its [Content_Types].xml
    declares that main part; an OLE compound file is told by its streams. A name that says PDF, JPEG, PNG,
    TIFF or DOCX on bytes without that format's signature, which read as text throughout, is text: such a
    file is misnamed, not damaged. Bytes with no known signature and no known extension are ``text/plain``
    if they look like text, otherwise ``application/octet-stream``.

    Args:
        data: The document's bytes.
        filename: The name it arrived with; only its extension is used.

    Returns:
        A media type such as ``application/pdf``, ``image/jpeg`` or ``text/html``.
    """
    head = data[:2048]
    extension = PurePath(filename).suffix.lower()
    # PDF readers accept up to 1 KiB of junk before the header; only trust that for .pdf names.
    if head.startswith(b"%PDF-") or (extension == ".pdf" and b"%PDF-" in head[:1024]):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data, extension)
    if head.startswith(_ole.SIGNATURE):
        return _ole_type(data, extension)
    if (image := _unread_image(data)) is not None:
        return image
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"MZ") and b"\x00" in head:
        return "application/x-msdownload"
    if _looks_like_html(head):
        return HTML
    if _looks_like_email(data[:_EMAIL_HEADERS_READ]):
        return EMAIL
    by_extension = _EXTENSIONS.get(extension)
    if by_extension in _SIGNED_BY_EXTENSION and _reads_as_text(data):
        return TEXT
    if by_extension is not None:
        return by_extension
    return TEXT if head and _looks_like_text(head) else OCTET
