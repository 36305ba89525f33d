"""The parser nodes use: runtime.ingest behind the node-facing Parser protocol."""

from __future__ import annotations

from dataclasses import dataclass

from claimflow.nodes.ports import DocumentUnreadableError, ParsedText
from claimflow.runtime.ingest import IngestError, IngestLimits, parse_document


@dataclass(frozen=True)
class IngestParser:
    """Parses with runtime.ingest; every ingestion error becomes a per-document failure reason."""

    limits: IngestLimits = IngestLimits()

    def __call__(self, data: bytes, filename: str) -> ParsedText:
        """Return the pages, their method and the pages OCR read, or raise DocumentUnreadableError."""
        try:
            parsed = parse_document(data, filename, self.limits)
        except IngestError as error:
            raise DocumentUnreadableError(str(error)) from error
        return ParsedText(parsed.pages, parsed.method, parsed.ocr_pages)
