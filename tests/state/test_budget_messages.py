"""Budget messages show the amounts as they are, however small the budget."""

from __future__ import annotations

from claimflow.state.budget import Budget, UsageTotals, budget_exhausted, figure


def test_a_small_model_seconds_budget_is_shown_as_given() -> None:
    reason = budget_exhausted(Budget(max_model_seconds=0.01), UsageTotals(calls=1, model_seconds=0.012345))

    assert reason == "0.0123 s of model time used, the budget allows 0.01 s"


def test_a_small_cost_budget_is_shown_as_given() -> None:
    reason = budget_exhausted(Budget(max_cost=0.00005), UsageTotals(calls=1, cost=0.0000612))

    assert reason == "cost 0.0000612 reached the budget of 5e-05"


def test_large_amounts_keep_their_whole_digits() -> None:
    reason = budget_exhausted(Budget(max_model_seconds=1200), UsageTotals(calls=9, model_seconds=1234.56))

    assert reason == "1235 s of model time used, the budget allows 1200 s"


def test_figures_have_three_significant_digits_and_no_exponent() -> None:
    assert [figure(value) for value in (0.0, 2.8, 1.00312, 12.345, 0.0000123456, 999.6)] == [
        "0",
        "2.8",
        "1",
        "12.3",
        "0.0000123",
        "1000",
    ]
