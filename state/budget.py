"""Usage totals and the per-run budget, kept in durable state so they hold across pauses and processes."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class UsageTotals(BaseModel):
    """What a run has spent on model calls so far."""

    model_config = ConfigDict(frozen=True)

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float = 0.0
    model_seconds: float = 0.0
    """Time spent waiting on model calls; time paused for review does not count."""

    def plus(self, *, input_tokens: int, output_tokens: int, cost: float, latency_ms: float) -> UsageTotals:
        """The totals after one more call."""
        return UsageTotals(
            calls=self.calls + 1,
            input_tokens=self.input_tokens + input_tokens,
            output_tokens=self.output_tokens + output_tokens,
            cost=round(self.cost + cost, 8),
            model_seconds=round(self.model_seconds + latency_ms / 1000, 6),
        )


class Budget(BaseModel):
    """Limits on one run's model use; None means no limit. Checked before every model call."""

    model_config = ConfigDict(frozen=True)

    max_cost: float | None = Field(default=None, ge=0)
    max_tokens: int | None = Field(default=None, ge=0)
    """Input plus output tokens."""
    max_calls: int | None = Field(default=None, ge=0)
    max_model_seconds: float | None = Field(default=None, ge=0)
    on_exceeded: Literal["review", "fail"] = "review"
    """Where a run goes when the next call would start beyond the budget."""


def budget_exhausted(budget: Budget, totals: UsageTotals, *, calls: int = 1) -> str | None:
    """Why the next model calls may not start, or None while the budget allows them.

    `calls` is how many calls the step starts at once (two with a second opinion): the call budget must allow
    every one of them, since none can be stopped once they are sent together.
    """
    if budget.max_calls is not None and totals.calls + calls > budget.max_calls:
        if calls > 1 and totals.calls < budget.max_calls:
            return (
                f"{totals.calls} model call(s) made, the next step makes {calls} at once, "
                f"the budget allows {budget.max_calls}"
            )
        return f"{totals.calls} model call(s) made, the budget allows {budget.max_calls}"
    tokens = totals.input_tokens + totals.output_tokens
    if budget.max_tokens is not None and tokens >= budget.max_tokens:
        return f"{tokens} tokens used, the budget allows {budget.max_tokens}"
    if budget.max_cost is not None and totals.cost >= budget.max_cost:
        return f"cost {figure(totals.cost)} reached the budget of {budget.max_cost:g}"
    if budget.max_model_seconds is not None and totals.model_seconds >= budget.max_model_seconds:
        return model_time_used(budget, totals)
    return None


def model_time_used(budget: Budget, totals: UsageTotals) -> str:
    """How much model time the run used, and what its budget allows."""
    return f"{figure(totals.model_seconds)} s of model time used, the budget allows {budget.max_model_seconds:g} s"


def figure(value: float) -> str:
    """An amount spent, for a message: three significant digits in plain decimals (`0.0123`, `2.8`, `1234`).

    Budgets may be small (`--max-model-seconds 0.01`): a fixed number of decimals would print them as nothing.
    A budget itself is shown as given (`:g`).
    """
    if value == 0 or not math.isfinite(value):
        return f"{value:g}"
    decimals = max(0, 2 - math.floor(math.log10(abs(value))))
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def model_seconds_left(budget: Budget, totals: UsageTotals) -> float | None:
    """The model seconds the run may still spend (never below zero), or None while model time has no limit."""
    if budget.max_model_seconds is None:
        return None
    return max(budget.max_model_seconds - totals.model_seconds, 0.0)
