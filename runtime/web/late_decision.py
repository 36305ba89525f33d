"""A decision posted after the run stopped waiting for it: not saved, who decided first, and what was typed.

Another reviewer (or the sweep) may answer a review while this reviewer's page is still open. The form they then
send is refused; the page says so plainly, names the decision that came first, and shows back the values they
typed, which would otherwise be gone with the form.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from claimflow.runtime.engine import Engine
from claimflow.runtime.engine.decided import deciding_decision
from claimflow.runtime.web.forms import input_label
from claimflow.state.lengths import STORED
from claimflow.state.review import ReviewDecision

__all__ = ["decided_first", "moved_on", "not_saved", "typed_values"]

_SENT = {"approve": "Your approval was", "edit": "Your edits were", "reject": "Your rejection was"}
_DONE = {"approve": "approved it", "edit": "saved edits to it", "reject": "rejected it"}


def not_saved(action: str) -> str:
    """That the posted decision was not saved, in words: `Your edits were NOT saved`, `Your rejection was ...`."""
    return _SENT.get(action, "Your decision was") + " NOT saved"


def _when(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _details(decision: ReviewDecision) -> str:
    parts = [f"{name} = {', '.join(values) or '(empty)'}" for name, values in decision.edits.items()]
    for table, edits in decision.rows.items():
        parts += [f"{table} row {number} removed" for number in sorted(set(edits.drop))]
        parts += [
            f"{table} row {number} {column} = {value or '(empty)'}"
            for number, cells in sorted(edits.cells.items())
            for column, value in cells.items()
        ]
    if decision.doc_type is not None:
        parts.append(f"type = {decision.doc_type}")
    if decision.reason:
        parts.append(f"reason: {decision.reason}")
    if decision.comment:
        parts.append(f"comment: {decision.comment}")
    return f" ({'; '.join(parts)})" if parts else ""


async def decided_first(engine: Engine, run_id: str, interrupt_id: str | None) -> str | None:
    """The decision that answered review `interrupt_id` (the one the page showed), in a sentence; None if none did.

    The engine's own choice of it (`deciding_decision`), which its refusals in words name too: a decision its
    decider left unfinished answered nothing, and is not said to have come first.
    """
    found = deciding_decision(await engine.registry.decisions(run_id), interrupt_id)
    if found is None:
        return None
    # Read as stored: a cap set since then must not hide a decision kept before it.
    decision = ReviewDecision.model_validate_json(found["decision"], context=STORED)
    said = f"{decision.reviewer} {_DONE[decision.action]} first, at {_when(found['at'])}{_details(decision)}"
    if found["outcome"] == "pending":
        said += "; that decision is still being applied"
    return said + "."


async def moved_on(engine: Engine, run_id: str, seen: str | None) -> str:
    """That the run's review is no longer the one the page showed (`seen`), naming the decision that answered it.

    Said over a screen that shows the review as it is now with what the reviewer typed on the older one: one more
    click would set it over that decision unread.
    """
    first = await decided_first(engine, run_id, seen)
    return (
        "the run has moved on since this page was loaded (another decision answered or changed its review"
        + (f": {first.removesuffix('.')}" if first else "")
        + "): the fields below show the review as it is now, with what you typed; look at them again and decide"
    )


def typed_values(form: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What the reviewer typed into the refused form, by what it was for, in the order the page shows it."""
    found = [input_label(name, value) for name, value in dict(form.get("edited") or {}).items()]
    for label, key in (("Document type", "doc_type"), ("Reason", "reason"), ("Comment", "comment")):
        value = str(form.get(key) or "").strip()
        if value:
            found.append((label, value))
    return found
