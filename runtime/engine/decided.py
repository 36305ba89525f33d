"""Who already decided a review, when, and what, in words: what a decision refused after it is told.

A second decision on a review (or one sent after the run moved on) is refused; its reviewer then needs to know
whose decision came first, not only that the run is no longer waiting. The words come from the stored decision
history (the registry's `decisions`), so the CLI and the REST API, which both refuse through the engine, and the
LangGraph server's refusal of a late resume say the same. The review page says it in a reviewer's words
(`runtime/web/late_decision.py`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from claimflow.runtime.registry.reviews import iso_time

__all__ = ["decided_already", "deciding_decision"]

TOOK = ("applied", "pending")
"""The outcomes of a decision that answered its review: applied, or claimed and being applied."""


def deciding_decision(decisions: Sequence[Mapping[str, Any]], interrupt_id: str | None) -> Mapping[str, Any] | None:
    """Of a run's decisions (oldest first), the latest that answered review `interrupt_id`; None if none did.

    Without a review id (a command run on a run no longer waiting names none), the latest that answered any.
    """
    took = [found for found in decisions if found["outcome"] in TOOK]
    if interrupt_id is not None:
        took = [found for found in took if found["interrupt_id"] == interrupt_id]
    return took[-1] if took else None


def _what(stored: str) -> str:
    """What a stored decision did: `approved`, `rejected`, `edited total_amount, net_amount and set the type to X`."""
    # Read as plain JSON, not as a ReviewDecision: a cap set since it was kept must not hide what it did.
    decision = json.loads(stored)
    action = decision.get("action")
    if action == "approve":
        return "approved"
    if action == "reject":
        return "rejected"
    done = []
    if decision.get("edits"):
        done.append("edited " + ", ".join(decision["edits"]))
    if decision.get("doc_type") is not None:
        done.append(f"set the type to {decision['doc_type']}")
    return " and ".join(done) or str(action)


def decided_already(found: Mapping[str, Any]) -> str:
    """`review R was already decided by kim at 2026-01-02T03:04:05.678901+00:00: approved` for a stored decision."""
    at = iso_time(float(found["at"]))
    who = f"review {found['interrupt_id']} was already decided by {found['reviewer']} at {at}"
    return f"{who}: {_what(found['decision'])}" + (" (being applied)" if found["outcome"] == "pending" else "")
