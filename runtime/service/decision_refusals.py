"""A decision its own model refused: `errors`, each at the body field it concerns, as the API's other 422s say theirs.

The model's checks (`ReviewDecision`) give a problem of the whole decision the key it is about (`DecisionProblem`);
a client reads `body.reason: a rejection needs a reason`, not a sentence it must place (see `advice.at_body`).
"""

from __future__ import annotations

from pydantic import ValidationError

from claimflow.runtime.service.advice import at_body
from claimflow.runtime.service.errors import problems
from claimflow.state.errors import DecisionProblem

__all__ = ["decision_problems"]


def decision_problems(error: ValidationError) -> list[str]:
    """Each problem of a decision its own model refused, at the body field it concerns."""
    placed = []
    for item, line in zip(error.errors(), problems(error), strict=True):
        cause = item.get("ctx", {}).get("error")
        said = cause.args[0] if isinstance(cause, ValueError) and cause.args else None
        placed.append(at_body(said) if isinstance(said, DecisionProblem) else f"body.{line}" if item["loc"] else line)
    return placed
