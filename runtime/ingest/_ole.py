"""OLE compound files (the D0 CF 11 E0 container): which Office streams one holds.

Word 97-2003 documents keep their text in a `WordDocument` stream, Excel's in `Workbook` (or `Book`),
PowerPoint's in `PowerPoint Document`; a password-protected .docx, .xlsx or .pptx is an OLE file too, with the
encrypted package in `EncryptedPackage`. Each stream has a 128-byte directory entry, at a multiple of 128 bytes
from the start of the file: its UTF-16 name, the name's length in bytes at offset 64 and its kind at 66.
"""

from __future__ import annotations

__all__ = ["SIGNATURE", "has_stream"]

SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENTRY = 128
_STREAM = 2


def has_stream(data: bytes, name: str) -> bool:
    """Whether the compound file `data` has a directory entry for a stream called `name`.

    Only places a directory entry can stand are taken, with the entry's own length and kind agreeing: the
    same name in a document's text is not mistaken for a stream.
    """
    encoded = name.encode("utf-16-le") + b"\x00\x00"
    at = data.find(encoded, _ENTRY)
    while at != -1:
        if (
            at % _ENTRY == 0
            and int.from_bytes(data[at + 64 : at + 66], "little") == len(encoded)
            and data[at + 66 : at + 67] == bytes((_STREAM,))
        ):
            return True
        at = data.find(encoded, at + 1)
    return False
