"""Classification from detections: the clear winner among the active types, or "unknown"."""

from __future__ import annotations

from collections.abc import Mapping

from claimflow.state.claims import ClassificationClaim
from claimflow.state.schema import UNKNOWN_TYPE, Detection

MIN_SCORE = 3.5
"""A title and a cue, or several cues: less says too little to name a type."""
MIN_MARGIN = 1.0
"""The winner must lead the runner-up by at least one cue."""


def rank(detections: Mapping[str, Detection]) -> ClassificationClaim:
    """Pick the type whose detection clearly wins; confidence grows with its score and its lead."""
    if not detections:
        return ClassificationClaim(doc_type=UNKNOWN_TYPE, confidence=0.75, evidence=[])
    ranked = sorted(detections, key=lambda name: -detections[name].score)
    top = ranked[0]
    runner_up = detections[ranked[1]].score if len(ranked) > 1 else 0.0
    score = detections[top].score
    margin = score - runner_up
    if score < MIN_SCORE or margin < MIN_MARGIN:
        return ClassificationClaim(doc_type=UNKNOWN_TYPE, confidence=0.75 if score < 2.5 else 0.55, evidence=[])
    confidence = min(0.97, detections[top].max_confidence, 0.45 + 0.05 * score + 0.06 * min(margin, 5.0))
    return ClassificationClaim(doc_type=top, confidence=round(confidence, 2), evidence=list(detections[top].quotes))
