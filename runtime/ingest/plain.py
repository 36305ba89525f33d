"""Plain text: decode, normalise line ends, split pages at form feeds."""

from __future__ import annotations

from claimflow.runtime.ingest._text import normalize_newlines, wide_encoding
from claimflow.runtime.ingest.errors import UnsupportedFormatError
from claimflow.runtime.ingest.models import ParsedPages

__all__ = ["decode_text", "parse_plain"]

_CONTROL_OK = frozenset("\t\n\r\f")
_MAX_CONTROL_SHARE = 0.05


def decode_text(data: bytes) -> str:
    """Decode text bytes: a BOM decides; else UTF-16 or UTF-32 with Latin text; else UTF-8, cp1252, latin-1.

    Args:
        data: The text's bytes.

    Returns:
        The decoded text, without a byte order mark.

    Raises:
        UnsupportedFormatError: The bytes are binary (NUL bytes or many control characters).
    """
    wide = wide_encoding(data)
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="replace")
    elif wide is not None:
        text = data.decode(wide, errors="replace")
    elif b"\x00" in data:
        raise UnsupportedFormatError(
            "The file contains binary data (NUL bytes), not text. Supported formats: "
            "PDF, JPEG, PNG, TIFF, Word (.docx), plain text and HTML. If it is text in UTF-16 or UTF-32 "
            "without a byte order mark, save it as UTF-8."
        )
    else:
        text = _decode_8bit(data)
    controls = sum(1 for char in text if char < " " and char not in _CONTROL_OK)
    if controls > _MAX_CONTROL_SHARE * max(1, len(text)):
        raise UnsupportedFormatError("The file is mostly control characters, not text.")
    return text.replace("\x00", "")


def _decode_8bit(data: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def parse_plain(data: bytes) -> ParsedPages:
    r"""Parse a plain-text document; each form feed (``\f``) starts a new page.

    Args:
        data: The text's bytes.

    Returns:
        One string per page, method ``"plain"``. A last page that is only white space (a
        trailing form feed) is dropped.

    Raises:
        UnsupportedFormatError: The bytes are binary.
    """
    text = decode_text(data).replace("\r\n", "\n").replace("\r", "\n")
    pages = [normalize_newlines(page) for page in text.split("\f")]
    if len(pages) > 1 and not pages[-1].strip():
        pages.pop()
    return ParsedPages(pages=tuple(pages), method="plain", media_type="text/plain")
