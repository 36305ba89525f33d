"""What counts as a field getting worse against the dataset baseline, miss against miss."""

from __future__ import annotations

from typing import Any

import pytest

from claimflow.evals.dataset_gate import worse


def _miss(wrong: list[Any], missed: int = 0, *, unreviewed: bool = False) -> dict[str, Any]:
    status = "completed" if unreviewed else "needs_review"
    return {"document": "d", "field": "f", "wrong": wrong, "missed": missed, "status": status, "unreviewed": unreviewed}


@pytest.mark.parametrize(
    ("before", "now", "why"),
    [
        (None, _miss(["9.00"], unreviewed=True), 'was right, now wrong, accepted without review: "9.00"'),
        (None, _miss([], 1), "was right, now misses 1 labelled value(s)"),
        (_miss(["9.00"]), _miss(["9.00"], unreviewed=True), 'a wrong value is now accepted without review: "9.00"'),
        (_miss(["9.00"]), _miss(["9.00", "8.00"]), 'new wrong value(s): "8.00"'),
        (_miss(["A"], 1), _miss(["A"], 2), "misses 2 labelled value(s), 1 before"),
    ],
)
def test_each_way_a_field_gets_worse_is_named(before: dict[str, Any] | None, now: dict[str, Any], why: str) -> None:
    assert worse(before, now) == why


@pytest.mark.parametrize(
    ("before", "now"),
    [
        (_miss(["9.00"]), _miss(["9.00"])),  # the same miss
        (_miss(["9.00", "8.00"], 2), _miss(["8.00"], 1)),  # better: a wrong value gone, fewer missed
        (_miss(["9.00"], unreviewed=True), _miss(["9.00"])),  # now held for review
        (_miss([{"a": 1, "b": 2}]), _miss([{"b": 2, "a": 1}])),  # the same row, its keys in another order
    ],
)
def test_the_same_miss_or_a_smaller_one_is_no_regression(before: dict[str, Any], now: dict[str, Any]) -> None:
    assert worse(before, now) is None
