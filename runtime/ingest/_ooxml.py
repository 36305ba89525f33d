"""The parts of an Office Open XML package, read safely: unpacking bounded, XML without declarations.

A package is a zip: a few hundred bytes can unpack to gigabytes, so every part is unpacked in chunks against
one budget for the whole package, and its declared size is checked before the first chunk. Its XML is parsed
by expat, streamed, and refused outright if it holds a DOCTYPE: Word never writes one, and its entity
declarations are how a small part expands into a huge text or reaches for files outside the package.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from xml.parsers import expat

from claimflow.runtime.ingest.errors import CorruptDocumentError, DocumentTooLargeError, EncryptedDocumentError

__all__ = ["Budget", "Events", "content_types", "stream_part"]

_CHUNK = 64 * 1024
_SEPARATOR = " "
"""Between an element's namespace and its local name in expat's names: a space is in neither."""

Events = tuple[
    Callable[[str, str, dict[str, str]], None],
    Callable[[str, str], None],
    Callable[[str], None],
]
"""What a part's XML is streamed to: start(namespace, name, attributes), end(namespace, name), text(data).

Attribute names are `namespace name` (or the bare name, for attributes in no namespace)."""


class Budget:
    """The bytes that may still be unpacked from one package, shared by all its parts."""

    def __init__(self, limit: int, what: str) -> None:
        """Allow `limit` bytes in all; `what` says in messages where the limit comes from."""
        self.limit, self.left, self.what = limit, limit, what

    def check(self, size: int, part: str) -> None:
        """Refuse a part whose (declared or unpacked) size is more than is left."""
        if size > self.left:
            raise DocumentTooLargeError(
                f"The document unpacks to more than {self.limit:,} bytes (at {part}); {self.what}."
            )

    def spend(self, size: int, part: str) -> None:
        """Count `size` unpacked bytes of `part`, refusing them when they go over the limit."""
        self.check(size, part)
        self.left -= size


def _split(name: str) -> tuple[str, str]:
    namespace, _, local = name.rpartition(_SEPARATOR)
    return namespace, local


def _refuse_declarations(*_args: object) -> None:
    raise CorruptDocumentError(
        "The document's XML declares a DOCTYPE or entities, which Word never writes; it is not read."
    )


def stream_part(archive: zipfile.ZipFile, part: str, budget: Budget, events: Events) -> None:
    """Unpack `part` in chunks against `budget` and stream its XML to `events`.

    Raises:
        DocumentTooLargeError: The part would take the package past its unpacking budget.
        CorruptDocumentError: The part is missing, damaged, not well-formed, or declares a DOCTYPE.
        EncryptedDocumentError: The zip member is encrypted.
    """
    start, end, text = events
    try:
        info = archive.getinfo(part)
    except KeyError:
        raise CorruptDocumentError(f"The document has no {part} part, which its content types name.") from None
    budget.check(info.file_size, part)
    parser = expat.ParserCreate(namespace_separator=_SEPARATOR)
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attributes: start(*_split(name), attributes)
    parser.EndElementHandler = lambda name: end(*_split(name))
    parser.CharacterDataHandler = text
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK):
                budget.spend(len(chunk), part)
                parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise CorruptDocumentError(f"The document's {part} is not well-formed XML ({error}).") from error
    except RuntimeError as error:  # zipfile's way of saying a member needs a password
        raise EncryptedDocumentError(
            "The document is protected by a password; send a copy saved without a password."
        ) from error
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as error:
        raise CorruptDocumentError(f"The document's {part} could not be unpacked: it is damaged ({error}).") from error


def content_types(archive: zipfile.ZipFile, budget: Budget) -> dict[str, str]:
    """The content type of each part [Content_Types].xml names (an `Override`), by name without the leading `/`."""
    found: dict[str, str] = {}

    def start(_namespace: str, name: str, attributes: dict[str, str]) -> None:
        if name == "Override" and "PartName" in attributes and "ContentType" in attributes:
            found[attributes["PartName"].lstrip("/")] = attributes["ContentType"].strip()

    stream_part(archive, "[Content_Types].xml", budget, (start, lambda *_: None, lambda _: None))
    return found
