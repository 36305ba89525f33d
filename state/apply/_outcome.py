"""Shared helpers that turn claim verdicts into events."""

from __future__ import annotations

from claimflow.state.events import Event, event
from claimflow.state.outcomes import ClaimOutcome


def claim_event(outcome: ClaimOutcome) -> Event:
    """The audit event for one claim verdict."""
    return event(
        "claim.accepted" if outcome.accepted else "claim.rejected",
        outcome.step,
        claim_id=outcome.claim_id,
        origin=outcome.origin,
        field=outcome.field,
        value=outcome.value,
        normalized=outcome.normalized,
        confidence=outcome.confidence,
        reasons=outcome.reasons,
        evidence=outcome.evidence.model_dump() if outcome.evidence else None,
        check=outcome.check,
        label=outcome.label,
    )
