"""What a baseline file's numbers must be for a gate to mean anything: shares in [0, 1], tolerances the gate knows.

A baseline is written by `--update-baseline` and edited by hand (its tolerances are meant to be). An edit the gate
cannot read as meant is refused when the file loads, naming the key: a negative tolerance fails a run that changed
nothing, a misspelt one (`prcision`) loosens no metric and was kept by every rewrite, a NaN is never dropped from
(no comparison with it is true), and a rate of 1.5 can be dropped from without anything getting worse.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from claimflow.evals.metrics import HIGHER_IS_BETTER
from claimflow.state.did_you_mean import did_you_mean

SHARES = (*HIGHER_IS_BETTER, "review_rate")
"""A step's metrics that are shares of its cases, each in [0, 1] (or null where the step has nothing to measure)."""


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _share_problem(value: Any) -> str | None:
    """Why `value` is no share in [0, 1], or None when it is one (or null)."""
    if value is None:
        return None
    if not _number(value):
        return f"{value!r} is not a number"
    if not math.isfinite(value):
        return f"{value} is not a number one can compare with"
    if not 0 <= value <= 1:
        return f"{value} is not a share in [0, 1]"
    return None


def check_tolerances(tolerances: dict[str, float]) -> dict[str, float]:
    """Each tolerance names a metric the gate watches and allows a drop from 0 (none) to 1 (any).

    Raises:
        ValueError: The first key or value that is not; the message names it.
    """
    for name, allowed in tolerances.items():
        if name not in HIGHER_IS_BETTER:
            raise ValueError(
                f"{name!r} is not a metric the gate watches{did_you_mean(name, HIGHER_IS_BETTER)}; "
                f"the metrics: {', '.join(HIGHER_IS_BETTER)}"
            )
        problem = _share_problem(allowed)
        if problem is not None:
            raise ValueError(
                f"{name!r}: {problem}: a tolerance is how far the metric may drop, from 0 (not at all) to 1"
            )
    return tolerances


def check_metrics(metrics: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each step's shares are in [0, 1] or null, and no number is NaN or infinite.

    Raises:
        ValueError: The first metric that is not; the message names its step and name.
    """
    for step, row in metrics.items():
        for name, value in row.items():
            problem = _share_problem(value) if name in SHARES else None
            if problem is None and _number(value) and not math.isfinite(value):
                problem = f"{value} is not a number one can compare with"
            if problem is not None:
                raise ValueError(f"{step}.{name}: {problem}")
    return metrics


def check_figures(figures: dict[str, float | None], names: Collection[str]) -> dict[str, float | None]:
    """A labelled set's headline figures: each one of `names`, a share in [0, 1] or null.

    Raises:
        ValueError: The first figure that is not; the message names it.
    """
    for name, value in figures.items():
        if name not in names:
            raise ValueError(
                f"{name!r} is not a headline figure{did_you_mean(name, names)}; the figures: {', '.join(names)}"
            )
        problem = _share_problem(value)
        if problem is not None:
            raise ValueError(f"{name!r}: {problem}")
    return figures
