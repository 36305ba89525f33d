"""Media type detection: magic bytes first, the file name's extension second."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import PurePath

from claimflow.runtime.ingest._text import wide_encoding

__all__ = ["sniff_media_type"]

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
TIFF = "image/tiff"
TEXT = "text/plain"
HTML = "text/html"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
OCTET = "application/octet-stream"

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/x-ole-storage"),
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
    ".xlsx": XLSX,
    ".doc": "application/msword",
    ".zip": ZIP,
    ".exe": "application/x-msdownload",
}

_SIGNED_BY_EXTENSION = frozenset({PDF, JPEG, PNG, TIFF})
"""Formats whose files always open with their signature: a name that says one of them, on bytes without it, is
a misleading name (a text saved as `invoice.pdf`), not a damaged file, when the bytes read as text."""

_BINARY_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""Control bytes that text does not hold (tab, line feed, form feed and carriage return aside)."""

_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body")
_HTML_MARKERS = (b"<html", b"<body", b"<table", b"<div", b"<p>", b"<br")


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ZIP
    if any(name.startswith("word/") for name in names):
        return DOCX
    if any(name.startswith("xl/") for name in names):
        return XLSX
    return ZIP


def _looks_like_html(head: bytes) -> bool:
    lowered = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if lowered.startswith(_HTML_STARTS):
        return True
    if lowered.startswith((b"<?xml", b"<!--", b"<!doctype")):
        return any(marker in lowered for marker in _HTML_MARKERS)
    return False


def _looks_like_text(head: bytes) -> bool:
    return b"\x00" not in head or wide_encoding(head) is not None


def _reads_as_text(data: bytes) -> bool:
    """The whole of `data` is text: UTF-16 or UTF-32, or a byte encoding without one control byte in it.

    Stricter than `_looks_like_text`, which sees only the start: here the bytes decide against the name, and a
    damaged PDF or image (whose compressed data holds control bytes all through) must still count as one.
    """
    return wide_encoding(data) is not None or _BINARY_CONTROLS.search(data) is None


def sniff_media_type(data: bytes, filename: str) -> str:
    """Detect a document's media type.

    Magic bytes decide first; the file name's extension is used only when the bytes do not say.
    A name that says PDF, JPEG, PNG or TIFF on bytes without that format's signature, which read as
    text throughout, is text: such a file is misnamed, not damaged. Bytes with no known signature and
    no known extension are ``text/plain`` if they look like text, otherwise ``application/octet-stream``.

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
        return _zip_type(data)
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    for magic, media_type in _MAGIC:
        if head.startswith(magic):
            return media_type
    if head.startswith(b"MZ") and b"\x00" in head:
        return "application/x-msdownload"
    if _looks_like_html(head):
        return HTML
    by_extension = _EXTENSIONS.get(extension)
    if by_extension in _SIGNED_BY_EXTENSION and _reads_as_text(data):
        return TEXT
    if by_extension is not None:
        return by_extension
    return TEXT if head and _looks_like_text(head) else OCTET
