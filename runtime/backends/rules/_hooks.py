"""Calling a document type's own offline detector and extractor: users' code, checked like a model's answer.

A detector or extractor that raises, or returns something else than a `Detection` or an `ExtractionClaim`, is
a bug in that function. It fails the document being read with an `OfflineHookError` naming the function and
its type, instead of an error from deep inside claimflow (`'NoneType' object has no attribute 'score'`) or, for
a detector, a classification that silently ranks garbage. What a returned claim says is checked afterwards, as
any model's claim is: its shape by the prompt's response model, its values and quotes by apply.
"""

from __future__ import annotations

import math
import reprlib
from collections.abc import Sequence
from types import CodeType

from claimflow.state.claims import ExtractionClaim
from claimflow.state.errors import OfflineHookError
from claimflow.state.evidence import ClaimedEvidence
from claimflow.state.schema import Detection, DocumentType, OfflineDetector, OfflineExtractor
from claimflow.state.schema.rules import what_raised
from claimflow.state.user_code import fails_its_document


def _named(hook: str, function: object, doc_type: DocumentType) -> str:
    """`detector _detect (types.py:12) of document type 'order'`: the function, where it is, and its type."""
    code = getattr(function, "__code__", None)
    where = f" ({code.co_filename}:{code.co_firstlineno})" if isinstance(code, CodeType) else ""
    return f"{hook} {getattr(function, '__qualname__', repr(function))}{where} of document type {doc_type.name!r}"


def _finite(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _detection_problem(found: object) -> str | None:
    """What is wrong with a detector's answer, or None when it is a usable Detection."""
    if not isinstance(found, Detection):
        return f"returned {reprlib.repr(found)}; return a Detection(score=..., quotes=[...])"
    if not _finite(found.score):
        return f"returned a Detection whose score {found.score!r} is not a finite number"
    if not _finite(found.max_confidence) or not 0.0 <= found.max_confidence <= 1.0:
        return f"returned a Detection whose max_confidence {found.max_confidence!r} is not between 0 and 1"
    if isinstance(found.quotes, str) or not isinstance(found.quotes, Sequence):
        return f"returned a Detection whose quotes {reprlib.repr(found.quotes)} are not a list"
    odd = [quote for quote in found.quotes if not isinstance(quote, ClaimedEvidence)]
    if odd:
        return f"returned a Detection quoting {reprlib.repr(odd[0])}; quotes must be ClaimedEvidence(quote=...)"
    return None


def detect_with(detector: OfflineDetector, doc_type: DocumentType, pages: Sequence[str]) -> Detection:
    """The type's own detector's answer, or OfflineHookError naming it when it raises or answers garbage."""
    try:
        found: object = detector(pages)
    # SystemExit too, and on a worker thread a KeyboardInterrupt: raised in a user's function, they would end the
    # whole batch with no word (`fails_its_document`).
    except BaseException as error:
        if not fails_its_document(error):
            raise
        raise OfflineHookError(f"{_named('detector', detector, doc_type)} raised {what_raised(error)}") from error
    problem = _detection_problem(found)
    if problem is not None:
        raise OfflineHookError(f"{_named('detector', detector, doc_type)} {problem}")
    assert isinstance(found, Detection)
    return found


def extract_with(extractor: OfflineExtractor, doc_type: DocumentType, pages: Sequence[str]) -> ExtractionClaim:
    """The type's own extractor's claim, or OfflineHookError naming it when it raises or returns no claim."""
    try:
        claim: object = extractor(pages, doc_type)
    except BaseException as error:  # as the detector's
        if not fails_its_document(error):
            raise
        raise OfflineHookError(f"{_named('extractor', extractor, doc_type)} raised {what_raised(error)}") from error
    if not isinstance(claim, ExtractionClaim):
        raise OfflineHookError(
            f"{_named('extractor', extractor, doc_type)} returned {reprlib.repr(claim)};"
            " return an ExtractionClaim(fields=[...])"
        )
    return claim
