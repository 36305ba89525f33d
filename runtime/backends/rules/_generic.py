"""Offline extraction and classification for any declared type, from its declaration alone (labels, kinds)."""

from __future__ import annotations

from collections.abc import Sequence

from claimflow.state.claims import ExtractionClaim
from claimflow.state.schema import Detection, DocumentType


def generic_detect(pages: Sequence[str], doc_type: DocumentType) -> Detection:
    """Score the pages for `doc_type` by its titles and its fields' labels."""
    raise NotImplementedError


def generic_extract(pages: Sequence[str], doc_type: DocumentType) -> ExtractionClaim:
    """Claim each field read beside or below one of its labels."""
    raise NotImplementedError
