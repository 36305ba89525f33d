"""A stored run's reviewer decisions, given again to its replay where the replay pauses for review.

A replay runs the stored document from the start, so it pauses where the stored run paused. Without the
reviewers' answers every reviewed run would read as changed (completed -> needs_review) whatever the new code
did, and a change that matters would hide among them. Each decision the stored run applied is given, in order,
to the replay's next review, as the reviewer wrote it (their edits, evidence, type and reason), and checked like
any decision: one the replay refuses (a field the type no longer has, a value its kind no longer reads) or never
needs (the replay did not pause again) is reported, and the replay's outcome shows what followed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from claimflow.state.errors import InvalidDecisionError
from claimflow.state.lengths import STORED
from claimflow.state.review import ReviewDecision

if TYPE_CHECKING:
    from claimflow.runtime.engine import Engine
    from claimflow.runtime.registry import RunRow

__all__ = ["ReplayedDecision", "applied_decisions", "decide_as_stored"]


@dataclass(frozen=True)
class ReplayedDecision:
    """What became of one of the stored run's decisions in its replay."""

    reviewer: str
    action: str
    outcome: Literal["replayed", "refused", "not reached"]
    message: str | None = None
    """Why it was refused (the check's message), or what the replay did instead of pausing."""

    def as_json(self) -> dict[str, Any]:
        """The object `claimflow replay --json` prints for it, in the run's `reviews`."""
        return {"reviewer": self.reviewer, "action": self.action, "outcome": self.outcome, "message": self.message}

    def line(self) -> str:
        """One line for people: `ana's edit replayed`, `bo's approve refused: <why>`."""
        said = f": {self.message}" if self.message else ""
        return f"{self.reviewer}'s {self.action} {self.outcome}{said}"


def applied_decisions(stored: list[dict[str, Any]]) -> list[ReviewDecision]:
    """The decisions the stored run applied, in the order they came (refused and abandoned ones changed nothing)."""
    return [
        ReviewDecision.model_validate_json(row["decision"], context=STORED)
        for row in stored
        if row["outcome"] == "applied"
    ]


async def decide_as_stored(
    engine: Engine, row: RunRow, decisions: list[ReviewDecision]
) -> tuple[RunRow, list[ReplayedDecision]]:
    """Give each decision to the replayed run's next review; the run as it then stands, and each one's fate."""
    fates: list[ReplayedDecision] = []
    for index, decision in enumerate(decisions):
        pending = await engine.pending_review(row.run_id) if row.status == "needs_review" else None
        if pending is None:
            reached = f"the replay ended {row.status} without pausing for review"
            fates += [ReplayedDecision(d.reviewer, d.action, "not reached", reached) for d in decisions[index:]]
            break
        try:
            row = await engine.decide(row.run_id, decision, interrupt_id=pending.interrupt_id)
        except InvalidDecisionError as error:
            fates.append(ReplayedDecision(decision.reviewer, decision.action, "refused", str(error)))
            fates += [
                ReplayedDecision(d.reviewer, d.action, "not reached", "an earlier decision was refused")
                for d in decisions[index + 1 :]
            ]
            break
        fates.append(ReplayedDecision(decision.reviewer, decision.action, "replayed"))
    return row, fates
