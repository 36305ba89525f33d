"""CaseResult: what running one golden case found."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class CaseResult(BaseModel):
    """Whether a case passed, what it expected and what it got; `message` names every difference."""

    model_config = ConfigDict(frozen=True)

    id: str
    """The case's `<step>-<name>`."""
    kind: str
    step: str
    passed: bool
    expected: Any = None
    """The case's expectation, as JSON data."""
    got: Any = None
    """What the step produced, in the expectation's shape."""
    quote: str | None = None
    """The evidence the step cited, where it cites one (the first quote when several)."""
    prompt: str | None = None
    """`name@version` of the prompt a model step answered."""
    message: str = ""
    """Each difference on its own line; empty when the case passed."""
    input_tokens: int = 0
    """Tokens the backend reported for the case's model call (0 for replay and rules)."""
    output_tokens: int = 0
    cost: float | None = 0.0
    """What the model call cost, as the backend prices it; None for a model with no price (unknown, not free)."""
    latency_ms: float = 0.0
    unanswered: str | None = None
    """Why a live model gave no answer for the case (a timeout, a 5xx after the retries); None when it answered.

    Such a case fails: it was not measured, and a gate must not read it as passing."""
    from_baseline: bool = False
    """`--changed` did not run the case: `passed` is the baseline's, nothing else was measured."""

    def report(self) -> str:
        """The differences with the case's id, as a failing test prints them."""
        return f"{self.id}:\n{self.message}" if self.message else f"{self.id}: passed"


def differences(expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """`key: expected X, got Y` for every key of `expected` whose value differs in `got`."""
    return [
        f"{key}: expected {value!r}, got {got.get(key)!r}" for key, value in expected.items() if got.get(key) != value
    ]


def result(
    case_id: str, kind: str, step: str, expected: Any, got: Any, problems: list[str], **extra: Any
) -> CaseResult:
    """A result that passed exactly when there are no problems."""
    return CaseResult(
        id=case_id, kind=kind, step=step, passed=not problems, expected=expected, got=got,
        message="\n".join(problems), **extra,
    )  # fmt: skip
