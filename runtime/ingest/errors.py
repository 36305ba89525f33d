"""Errors raised while turning a document's bytes into page texts.

Every message is meant for the person who sent the document: it says what is wrong with the
file and, where there is one, what to do about it.
"""

from __future__ import annotations


class IngestError(Exception):
    """Base class: the document could not be turned into text."""


class UnsupportedFormatError(IngestError):
    """The document is in a format claimflow does not read (e.g. .doc, XLSX, ZIP, executables)."""


class CorruptDocumentError(IngestError):
    """The document claims a supported format but its bytes cannot be decoded."""


class EncryptedDocumentError(IngestError):
    """The document needs a password to be opened."""


class EmptyDocumentError(IngestError):
    """The document has no bytes, or no text was found in it even after OCR."""


class DocumentTooLargeError(IngestError):
    """The document has more bytes, pages or pixels than the configured limits allow."""


class OcrUnavailableError(IngestError):
    """Text recognition is needed but tesseract (or its language data) is not installed.

    This is a setup problem of the machine, not of the document.
    """


class OcrCancelledError(IngestError):
    """Text recognition was stopped before it finished: its work was cancelled, or the program is exiting."""
