"""The policy's bar for text OCR read (`ocr_field_auto_accept`): which values it holds, and how their reason reads.

Evidence proves a value is in the text; on a scan that text is tesseract's reading, which may not be what the
paper says. The bar holds the values quoted from a page OCR read, not those of a PDF's text-layer pages beside it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from claimflow.state.evidence import Evidence
from claimflow.state.outcomes import ReviewReason
from claimflow.state.policy import ALWAYS_REVIEW, Policy
from claimflow.state.workflow import WorkflowState

__all__ = ["below", "ocr_bar", "ocr_row_reasons", "quoted_from_ocr"]


def ocr_bar(policy: Policy) -> float:
    """The policy's bar for values of text OCR read: 0 (none) when it sets none, infinite for "always_review"."""
    bar = policy.ocr_field_auto_accept
    return 0.0 if bar is None else math.inf if bar == ALWAYS_REVIEW else float(bar)


def below(threshold: float, *, by_ocr: bool) -> str:
    """Why a confidence under `threshold` is not enough, naming the OCR bar when it is the one that held it back."""
    where = " for text read by OCR" if by_ocr else ""
    return f"below {threshold:.2f}{where}" if math.isfinite(threshold) else f"always reviewed by the policy{where}"


def quoted_from_ocr(state: WorkflowState, evidence: Sequence[Evidence]) -> bool:
    """Whether a value's evidence stands on a page OCR read (of a PDF mixing both, a text-layer page's does not).

    A value with no evidence counts as the document does: read by OCR when any of its pages was.
    """
    text = state.text
    if text is None:
        return False
    if not evidence:
        return text.read_by_ocr
    return any(text.page_read_by_ocr(each.page) for each in evidence)


def ocr_row_reasons(state: WorkflowState) -> list[ReviewReason]:
    """Under "always_review", a reason for each table with rows quoted from a page OCR read.

    Rows carry no confidence of their own, so a numeric bar does not hold them; a policy that reviews every value
    of a scan reviews them too.
    """
    if state.policy.ocr_field_auto_accept != ALWAYS_REVIEW:
        return []
    reasons: list[ReviewReason] = []
    for table, rows in state.tables.items():
        scanned = sum(1 for row in rows if quoted_from_ocr(state, [row.evidence]))
        if scanned:
            message = f"{table}: {scanned} row(s) quoted from a page OCR read, " + below(math.inf, by_ocr=True)
            reasons.append(ReviewReason(code="low_confidence_field", message=message, field=table))
    return reasons
